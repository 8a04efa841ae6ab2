/** Where the local backend keeps things, relative to the state dir. One place, so teardown finds all of it. */
import path from 'node:path';

export const LOCAL = {
  caDir: (name: string) => path.join('cas', name),
  caCertificate: (name: string) => path.join('cas', name, 'certificate.pem'),
  caChain: (name: string) => path.join('cas', name, 'chain.pem'),
  caKey: (name: string) => path.join('cas', name, 'key.pem'),
  clientCertificate: (name: string) => path.join('clients', name, 'certificate.pem'),
  clientKey: (name: string) => path.join('clients', name, 'key.pem'),
  truststoreCopy: (step: string) => path.join('truststore', `${step}.pem`),
  objectStore: path.join('local', 's3'),
  apiFile: (id: string) => path.join('local', 'apigateway', 'apis', `${id}.json`),
  domainFile: (name: string) => path.join('local', 'apigateway', 'domains', `${name}.json`),
  publicCaCertificate: path.join('local', 'public-ca', 'certificate.pem'),
  publicCaKey: path.join('local', 'public-ca', 'key.pem'),
  serverCertificate: (domain: string) => path.join('local', 'server', `${domain}.pem`),
  serverKey: (domain: string) => path.join('local', 'server', `${domain}-key.pem`),
  gatewayPidFile: path.join('local', 'gateway.json'),
  /** Top-level folders the local backend creates (teardown removes them). */
  roots: ['cas', 'clients', 'truststore', 'local', 'outsider'],
} as const;

/** The local "API Gateway" control-plane records the gateway reads. */
export interface LocalApiFile {
  readonly id: string;
  readonly name: string;
  readonly routes: readonly {method: string; path: string}[];
}

export interface LocalDomainFile {
  readonly domainName: string;
  readonly apiId: string;
  readonly stage: string;
  readonly serverCertificate: string;
  readonly serverKey: string;
  readonly truststoreUri?: string;
  readonly truststoreVersion?: string;
}
