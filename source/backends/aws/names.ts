/**
 * Names, tags, template ARNs and tokens of the AWS backend. Pure: the dry run uses them too, so nothing
 * here may load the SDK.
 */
import {randomBytes} from 'node:crypto';
import type {State} from '../../state/schema.js';

/** Every resource carries these two tags: resume and teardown find what the walkthrough made by them. */
export const TAG_WALKTHROUGH = 'mtls-wizard:walkthrough';
export const TAG_ROLE = 'mtls-wizard:role';

export const ROLE = {
  ca: (name: string) => `ca:${name}`,
  client: (name: string) => `client:${name}`,
  serverCertificate: 'server-certificate',
  api: 'api',
  domain: 'domain',
  truststore: 'truststore',
} as const;

export function tagMap(state: State, role: string): Record<string, string> {
  return {[TAG_WALKTHROUGH]: state.walkthroughId, [TAG_ROLE]: role};
}

export function tagList(state: State, role: string): {Key: string; Value: string}[] {
  return Object.entries(tagMap(state, role)).map(([Key, Value]) => ({Key, Value}));
}

/** True when the tags name this walkthrough (and the role, when given). */
export function isOurs(tags: Record<string, string | undefined> | undefined, state: State, role?: string): boolean {
  if (!tags || tags[TAG_WALKTHROUGH] !== state.walkthroughId) return false;
  return role === undefined || tags[TAG_ROLE] === role;
}

export function tagsFromList(list: readonly {Key?: string; Value?: string}[] | undefined): Record<string, string> {
  return Object.fromEntries((list ?? []).filter((t) => t.Key).map((t) => [t.Key!, t.Value ?? '']));
}

/**
 * An idempotency token: 32 hex characters fit both AWS Private CA (1–36 characters) and ACM (1–32, \w+).
 * It is written to state before the create call it guards.
 */
export function newToken(): string {
  return randomBytes(16).toString('hex');
}

/** aws, aws-cn or aws-us-gov: template ARNs carry the partition. */
export function partitionOf(region: string | undefined): string {
  if (region?.startsWith('cn-')) return 'aws-cn';
  if (region?.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

export function templateArn(region: string | undefined, template: string): string {
  return `arn:${partitionOf(region)}:acm-pca:::template/${template}`;
}

export const ROOT_TEMPLATE = 'RootCACertificate/V1';
export const CLIENT_TEMPLATE = 'EndEntityClientAuthCertificate/V1';
/** AWS Private CA has subordinate templates for pathLen 0 to 3 only. */
export const MAX_TEMPLATE_PATH_LEN = 3;

export function subordinateTemplate(pathLen: number): string {
  return `SubordinateCACertificate_PathLen${pathLen}/V1`;
}

/** ACM-issued private certificates are fixed at 13 months. */
export const ACM_PRIVATE_VALIDITY_DAYS = 395;

/** Days AWS Private CA keeps a deleted CA restorable (7 is the shortest it allows). */
export const RESTORE_WINDOW_DAYS = 7;

export const STAGE = 'prod';
export const TRUSTSTORE_KEY = 'truststore.pem';

/** The truststore bucket: named from the walkthrough id, so a crash before state is saved still finds it. */
export function bucketName(state: State): string {
  const prefix = state.inputs.prefix ? `${state.inputs.prefix}-` : '';
  return `${prefix}mtls-wizard-truststore-${state.walkthroughId}`.toLowerCase().slice(0, 63).replace(/-+$/, '');
}

export function apiName(state: State): string {
  return `${state.inputs.prefix ? `${state.inputs.prefix}-` : ''}mtls-wizard-${state.walkthroughId}`;
}

export function endpointUrl(state: State): string {
  return `https://${state.inputs.domain}${state.inputs.resourcePath}`;
}

/** The JSON the MOCK integration answers with: the client certificate as API Gateway saw it. */
export const RESPONSE_TEMPLATE = JSON.stringify(
  {
    message: 'Hello from mtls-wizard: mutual TLS accepted',
    path: '$context.resourcePath',
    clientCert: {
      subjectDN: '$util.escapeJavaScript($context.identity.clientCert.subjectDN)',
      issuerDN: '$util.escapeJavaScript($context.identity.clientCert.issuerDN)',
      serialNumber: '$context.identity.clientCert.serialNumber',
      validity: {
        notBefore: '$context.identity.clientCert.validity.notBefore',
        notAfter: '$context.identity.clientCert.validity.notAfter',
      },
    },
  },
  null,
  2,
);
