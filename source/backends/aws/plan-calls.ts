/**
 * The AWS calls the walkthrough makes, step by step, with their key inputs: what the dry run prints.
 * Pure (no SDK, no network), and kept next to the code that makes the calls so the two stay alike.
 */
import {signingAlgorithmFor} from '../../pki/keys.js';
import type {CaInput, State, StepId} from '../../state/schema.js';
import {caSourceOf, pathLenFor} from '../../wizard/inputs.js';
import {LOCAL} from '../local/layout.js';
import {ROOT_TEMPLATE, CLIENT_TEMPLATE, STAGE, TRUSTSTORE_KEY, apiName, bucketName, endpointUrl, subordinateTemplate, templateArn} from './names.js';

export interface PlannedCall {
  readonly service: string;
  readonly api: string;
  readonly inputs?: string;
}

export type StepPlan = {readonly id: StepId | 'preflight'; readonly calls: PlannedCall[]};

const call = (service: string, api: string, inputs?: string): PlannedCall => ({service, api, inputs});

/** A CA's chain up to the root, as names (the CA first). */
function chainNames(state: State, name: string): string[] {
  const names: string[] = [];
  let current: string | null = name;
  while (current !== null && names.length <= state.inputs.cas.length) {
    names.push(current);
    current = state.inputs.cas.find((c) => c.name === current)?.parent ?? null;
  }
  return names;
}

function caCalls(state: State, region: string | undefined, ca: CaInput): PlannedCall[] {
  const alg = state.inputs.keyAlgorithm;
  if (caSourceOf(state) === 'local') {
    const pathLen = pathLenFor(state.inputs, ca.name);
    const how = ca.parent === null ? 'self-signed root certificate, CA:TRUE, no pathLen' : `CA certificate signed by ${ca.parent} here, CA:TRUE, pathLen ${pathLen ?? 0}`;
    return [
      call('local', 'generate key', `${alg} for ${ca.name}: made on this machine, written to ${LOCAL.caKey(ca.name)} (0600); no AWS call`),
      call('local', 'issue certificate', `${how}, ${ca.validityDays} days → ${LOCAL.caCertificate(ca.name)}`),
    ];
  }
  const signing = signingAlgorithmFor(alg);
  const template = ca.parent === null ? ROOT_TEMPLATE : subordinateTemplate(pathLenFor(state.inputs, ca.name) ?? 0);
  const chain = ca.parent === null ? 'none (a root has no chain)' : chainNames(state, ca.parent).join(' + ');
  return [
    call('acm-pca', 'CreateCertificateAuthority', `CertificateAuthorityType=${ca.parent === null ? 'ROOT' : 'SUBORDINATE'} KeyAlgorithm=${alg} SigningAlgorithm=${signing} Subject.CommonName=${ca.commonName} UsageMode=GENERAL_PURPOSE IdempotencyToken=(saved to state first) Tags=mtls-wizard:walkthrough=${state.walkthroughId},mtls-wizard:role=ca:${ca.name}`),
    call('acm-pca', 'GetCertificateAuthorityCsr', `${ca.name}, polled again while AWS answers RequestInProgressException`),
    call('acm-pca', 'IssueCertificate', `CertificateAuthorityArn=${ca.parent ?? `${ca.name} (itself)`} TemplateArn=${templateArn(region, template)} Validity=DAYS ${ca.validityDays} SigningAlgorithm=${signing} Csr=(the CSR of ${ca.name}) IdempotencyToken=(saved to state first)`),
    call('acm-pca', 'GetCertificate', `${ca.name}, polled again while AWS answers RequestInProgressException`),
    call('acm-pca', 'ImportCertificateAuthorityCertificate', `CertificateAuthorityArn=${ca.name} Certificate=(issued above) CertificateChain=${chain}`),
    call('acm-pca', 'DescribeCertificateAuthority', `${ca.name} until Status=ACTIVE`),
  ];
}

function clientCalls(state: State, region: string | undefined, index: number): PlannedCall[] {
  const client = state.inputs.clients[index];
  if (!client) return [];
  if (caSourceOf(state) === 'local') {
    return [
      call('local', 'generate key', `${state.inputs.keyAlgorithm} for ${client.name}, written encrypted (PKCS#8) with your passphrase to ${LOCAL.clientKey(client.name)}`),
      call('local', 'issue client certificate', `CN=${client.commonName} SAN=${client.dnsName} clientAuth, signed by ${client.issuer} on this machine, ${client.validityDays} days; no AWS call`),
    ];
  }
  if (state.inputs.clientCertMode === 'acm') {
    const alg = state.inputs.keyAlgorithm.startsWith('EC_') ? state.inputs.keyAlgorithm : 'RSA_2048';
    return [
      call('acm', 'RequestCertificate', `DomainName=${client.dnsName} CertificateAuthorityArn=${client.issuer} KeyAlgorithm=${alg} IdempotencyToken=(saved to state first) Tags=mtls-wizard:role=client:${client.name} (395 days, ACM's rule)`),
      call('acm', 'DescribeCertificate', `${client.dnsName} until Status=ISSUED`),
      call('acm', 'ExportCertificate', `CertificateArn=${client.name} Passphrase=(yours, never shown) → certificate and encrypted PKCS#8 key`),
    ];
  }
  return [
    call('local', 'generate key and CSR', `${state.inputs.keyAlgorithm}, CN=${client.commonName}, SAN=${client.dnsName}: the key never leaves this machine`),
    call('acm-pca', 'IssueCertificate', `CertificateAuthorityArn=${client.issuer} TemplateArn=${templateArn(region, CLIENT_TEMPLATE)} Validity=DAYS ${client.validityDays} SigningAlgorithm=${signingAlgorithmFor(state.inputs.keyAlgorithm)} IdempotencyToken=(saved to state first)`),
    call('acm-pca', 'GetCertificate', `${client.name}, polled again while AWS answers RequestInProgressException`),
  ];
}

function truststoreCalls(state: State, bundle: string, first: boolean): PlannedCall[] {
  const bucket = state.truststore?.bucket ?? state.inputs.bucket ?? bucketName(state);
  const uri = `s3://${bucket}/${TRUSTSTORE_KEY}`;
  const calls: PlannedCall[] = [];
  if (state.inputs.bucket) calls.push(call('s3', 'GetBucketVersioning', `${bucket} must be Enabled`));
  else if (first) {
    calls.push(call('s3', 'HeadBucket', bucket), call('s3', 'CreateBucket', `Bucket=${bucket} in the walkthrough's Region`), call('s3', 'PutBucketTagging', `mtls-wizard:walkthrough=${state.walkthroughId}`), call('s3', 'PutBucketVersioning', 'Status=Enabled'));
  } else calls.push(call('s3', 'GetBucketVersioning', `${bucket} (Enabled)`));
  calls.push(
    call('s3', 'PutObject', `Bucket=${bucket} Key=${TRUSTSTORE_KEY} Body=${bundle} → VersionId`),
    call('apigateway', 'GetDomainName', state.inputs.domain),
    call('apigateway', 'UpdateDomainName', `${first ? `replace /mutualTlsAuthentication/truststoreUri=${uri}, ` : ''}replace /mutualTlsAuthentication/truststoreVersion=(VersionId of PutObject)`),
    call('apigateway', 'GetDomainName', `until domainNameStatus=AVAILABLE; shows truststoreWarnings`),
  );
  return calls;
}

export function planAwsCalls(state: State, region: string | undefined): StepPlan[] {
  const {inputs} = state;
  const cas = inputs.cas;
  const domain = inputs.domain;
  const [client1, client2] = inputs.clients;
  const firstChain = client1 ? chainNames(state, client1.issuer) : [];
  const secondChain = client2 ? chainNames(state, client2.issuer) : [];
  const added = secondChain.filter((n) => !firstChain.includes(n));
  const skipped = secondChain.filter((n) => firstChain.includes(n));
  const segments = inputs.resourcePath.split('/').filter(Boolean);
  let path = '';
  return [
    {
      id: 'preflight',
      calls: [
        call('sts', 'GetCallerIdentity', 'shows the account and caller'),
        call('acm', 'RequestCertificate', `DomainName=${domain} ValidationMethod=DNS IdempotencyToken=(saved to state first) Tags=mtls-wizard:role=server-certificate (requested early: validation is the long pole)`),
        call('acm', 'DescribeCertificate', 'until the DNS validation CNAME appears (printed)'),
        call('route53', 'ListHostedZonesByName', `${domain} and its parents`),
        call('route53', 'ChangeResourceRecordSets', 'UPSERT the validation CNAME (only with a hosted zone, and if you accept)'),
      ],
    },
    {id: 'root-ca', calls: cas[0] ? caCalls(state, region, cas[0]) : []},
    {id: 'intermediate-ca', calls: cas[1] ? caCalls(state, region, cas[1]) : []},
    {
      id: 'api',
      calls: [
        call('apigateway', 'CreateRestApi', `name=${apiName(state)} endpointConfiguration.types=REGIONAL disableExecuteApiEndpoint=true tags=mtls-wizard:role=api`),
        call('apigateway', 'GetResources', 'finds the root resource /'),
        ...segments.map((part) => call('apigateway', 'CreateResource', `pathPart=${part} (${(path += `/${part}`)})`)),
        call('apigateway', 'PutMethod', 'GET authorizationType=NONE'),
        call('apigateway', 'PutIntegration', 'type=MOCK requestTemplates application/json={"statusCode": 200}'),
        call('apigateway', 'PutMethodResponse', 'statusCode=200'),
        call('apigateway', 'PutIntegrationResponse', 'statusCode=200 responseTemplates: JSON with $context.identity.clientCert.subjectDN, issuerDN, serialNumber, validity'),
        call('apigateway', 'GetStage', STAGE),
        call('apigateway', 'CreateDeployment', `stageName=${STAGE}`),
      ],
    },
    {
      id: 'custom-domain',
      calls: [
        call('acm', 'DescribeCertificate', `${domain} until Status=ISSUED (DNS validation)`),
        call('apigateway', 'GetDomainName', `${domain} (reuse only if tagged as this walkthrough's)`),
        call('apigateway', 'CreateDomainName', `domainName=${domain} regionalCertificateArn=(the ACM certificate) endpointConfiguration.types=REGIONAL securityPolicy=TLS_1_2`),
        call('apigateway', 'GetDomainName', 'until domainNameStatus=AVAILABLE'),
        call('apigateway', 'GetBasePathMappings', domain),
        call('apigateway', 'CreateBasePathMapping', `domainName=${domain} restApiId=(the API) stage=${STAGE}`),
        call('route53', 'ChangeResourceRecordSets', `UPSERT A alias ${domain} → regionalDomainName / regionalHostedZoneId (only with a hosted zone, and if you accept)`),
      ],
    },
    {id: 'mtls', calls: truststoreCalls(state, firstChain.join(' + '), true)},
    {id: 'client-cert', calls: clientCalls(state, region, 0)},
    {id: 'connect', calls: [call('local', 'curl', `${endpointUrl(state)} with ${client1?.name ?? 'client1'} (expects 200), and without a certificate (expects 403)`)]},
    {id: 'second-chain', calls: [...(cas[2] ? caCalls(state, region, cas[2]) : []), ...(cas[3] ? caCalls(state, region, cas[3]) : [])]},
    {id: 'truststore-update', calls: truststoreCalls(state, `${[...firstChain, ...added].join(' + ')}${skipped.length ? ` (${skipped.join(', ')} already there: not added again)` : ''}`, false)},
    {id: 'client-cert-2', calls: clientCalls(state, region, 1)},
    {id: 'connect-2', calls: [call('local', 'curl', `${endpointUrl(state)} with ${client2?.name ?? 'client2'} and ${client1?.name ?? 'client1'} (200), and a CA outside the truststore (403)`)]},
  ];
}
