/**
 * Starts the local gateway for a state dir: server certificate of the custom domain, the truststore
 * version the domain is pinned to (read again on every handshake, so a re-pin needs no restart), and
 * the API's routes. Used by `mtls-wizard gateway` and by the connect checks.
 */
import {readFile} from 'node:fs/promises';
import path from 'node:path';
import {UserError} from '../../errors.js';
import type {State} from '../../state/schema.js';
import {type GatewayRequestLog, type GatewayRoute, type TruststoreSnapshot, startGateway} from './gateway.js';
import {LOCAL, type LocalApiFile, type LocalDomainFile} from './layout.js';
import {LocalObjectStore} from './object-store.js';
import {revocationCheck} from './gateway-revocation.js';

export interface RunningGateway {
  readonly port: number;
  readonly url: string;
  readonly resolve: string;
  readonly caCertificate: string;
  close(): Promise<void>;
}

async function readJson<T>(file: string): Promise<T> {
  return JSON.parse(await readFile(file, 'utf8')) as T;
}

export function parseS3Uri(uri: string): {bucket: string; key: string} {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!match) throw new Error(`not an s3:// URI: ${uri}`);
  return {bucket: match[1]!, key: match[2]!};
}

export function endpointUrl(domain: string, port: number, resourcePath: string): string {
  return `https://${domain}${port === 443 ? '' : `:${port}`}${resourcePath}`;
}

export async function startLocalGateway(
  stateDir: string,
  state: State,
  o: {port: number; onRequest?: (log: GatewayRequestLog) => void; checkRevocation?: boolean},
): Promise<RunningGateway> {
  const domain = state.domain;
  if (!domain?.serverCertificate || !domain.serverKey || !state.api?.id) {
    throw new UserError({
      what: 'cannot start the local gateway',
      why: 'the API and its custom domain are not set up yet',
      fix: 'run `mtls-wizard run --until custom-domain` (or the whole walkthrough) first',
    });
  }
  const abs = (p: string) => path.join(stateDir, p);
  const domainFile = abs(LOCAL.domainFile(domain.name));
  const apiFile = abs(LOCAL.apiFile(state.api.id));
  const store = new LocalObjectStore(abs(LOCAL.objectStore));
  const [serverCertPem, serverKeyPem, api] = await Promise.all([
    readFile(abs(domain.serverCertificate), 'utf8'),
    readFile(abs(domain.serverKey), 'utf8'),
    readJson<LocalApiFile>(apiFile),
  ]);
  const cache = new Map<string, TruststoreSnapshot>();
  const loadTruststore = async (): Promise<TruststoreSnapshot | null> => {
    const record = await readJson<LocalDomainFile>(domainFile);
    if (!record.truststoreUri || !record.truststoreVersion) return null;
    const cached = cache.get(record.truststoreVersion);
    if (cached) return cached;
    const {bucket, key} = parseS3Uri(record.truststoreUri);
    const object = await store.getObject(bucket, key, record.truststoreVersion);
    const snapshot = {versionId: record.truststoreVersion, pem: object.body.toString('utf8')};
    cache.set(record.truststoreVersion, snapshot);
    return snapshot;
  };
  const routes = (): GatewayRoute[] =>
    api.routes.map((r) => ({
      method: r.method,
      path: r.path,
      respond: ({clientCert}) => ({
        status: 200,
        body: {
          message: 'Hello from mtls-wizard: mutual TLS accepted',
          path: r.path,
          clientCert: {
            subjectDN: clientCert.subjectDN,
            issuerDN: clientCert.issuerDN,
            serialNumber: clientCert.serialNumber,
            validity: clientCert.validity,
          },
        },
      }),
    }));
  const gateway = await startGateway({port: o.port, serverName: domain.name, serverCertPem, serverKeyPem, loadTruststore, routes, onRequest: o.onRequest, revocation: revocationCheck(stateDir, Boolean(o.checkRevocation))});
  return {
    port: gateway.port,
    url: endpointUrl(domain.name, gateway.port, state.inputs.resourcePath),
    resolve: `${domain.name}:${gateway.port}:127.0.0.1`,
    caCertificate: abs(domain.caCertificate ?? LOCAL.publicCaCertificate),
    close: () => gateway.close(),
  };
}
