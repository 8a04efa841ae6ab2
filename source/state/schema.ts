/**
 * The persisted walkthrough state: one JSON document per state directory.
 * Plain JSON only: ids, ARNs, names, dates (ISO strings) and file paths relative to the state dir.
 * It never holds a private key or a passphrase (test/secrets checks that).
 * Bump STATE_VERSION and add a migration in migrations.ts when the shape changes.
 */
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

// zod/mini keeps the CLI's start-up small (the full build bundles every locale); English messages.
z.config(en());

export {STATE_VERSION} from './constants.js';
import {STATE_VERSION} from './constants.js';

import {ALL_STEP_IDS, KEY_ALGORITHMS, LESSON_STEP_IDS, STEP_IDS, STEP_STATUSES} from './constants.js';

export {ALL_STEP_IDS, KEY_ALGORITHMS, LESSON_STEP_IDS, STEP_IDS, STEP_STATUSES};
export type {KeyAlgorithm, StepId, StepStatus} from './constants.js';

const isoDate = z.iso.datetime({offset: true});
const relPath = z.string().check(z.minLength(1));

export const caInputSchema = z.object({
  /** Name used for files and display, e.g. "rootCA". */
  name: z.string(),
  /** Parent CA name, null for the root. */
  parent: z.nullable(z.string()),
  /** Subject common name; defaults to the name. */
  commonName: z.string(),
  /** Requested validity in days; the issued certificate never outlives its parent. */
  validityDays: z.int(),
});
export type CaInput = z.infer<typeof caInputSchema>;

export const clientInputSchema = z.object({
  name: z.string(),
  /** Name of the issuing CA. */
  issuer: z.string(),
  commonName: z.string(),
  /** DNS name put in the SAN, e.g. client1.mtls.test. */
  dnsName: z.string(),
  validityDays: z.int(),
});
export type ClientInput = z.infer<typeof clientInputSchema>;

export const inputsSchema = z.object({
  keyAlgorithm: z.enum(KEY_ALGORITHMS),
  /** Custom domain, e.g. api.mtls.test. */
  domain: z.string(),
  /** Resource path of the API, e.g. /hoge/auth. */
  resourcePath: z.string(),
  /** CAs in creation order: part A first, then part B. */
  cas: z.array(caInputSchema),
  clients: z.array(clientInputSchema),
  /** Local backend: the port `mtls-wizard gateway` listens on. */
  port: z.int().check(z.minimum(1), z.maximum(65535)),
  /** Workshop prefix added to resource names (issue 5); empty when unused. */
  prefix: z.string(),
  /** Workshop lessons (the article's two failures) as explicit steps. */
  lessons: z.boolean(),
  /** AWS: region and profile as chosen (never credentials). */
  region: z.optional(z.string()),
  profile: z.optional(z.string()),
  /** AWS: an existing versioned bucket to use for the truststore; empty: the wizard creates one. */
  bucket: z.optional(z.string()),
  /** AWS: client certificates issued from a local CSR (default) or by ACM as in the article. */
  clientCertMode: z.optional(z.enum(['csr', 'acm'])),
  /** AWS: Route 53 hosted zone id to use, when known. */
  hostedZoneId: z.optional(z.string()),
});
export type Inputs = z.infer<typeof inputsSchema>;

export const stepStateSchema = z.object({
  status: z.enum(STEP_STATUSES),
  startedAt: z.optional(isoDate),
  finishedAt: z.optional(isoDate),
  durationMs: z.optional(z.number().check(z.minimum(0))),
  /** One-line error of the last failure (never a secret). */
  error: z.optional(z.string()),
  /** Short outputs shown to the user: names, paths, ARNs, versions. */
  outputs: z.optional(z.record(z.string(), z.string())),
});
export type StepState = z.infer<typeof stepStateSchema>;

export const caRecordSchema = z.object({
  name: z.string(),
  parent: z.nullable(z.string()),
  /** null for the root (no pathLen); 0, 1, ... for subordinates. */
  pathLen: z.nullable(z.int().check(z.minimum(0))),
  /** Certificate PEM file (relative to the state dir). */
  certificate: z.optional(relPath),
  /** Chain file: this CA's certificate then its parents' up to the root. */
  chain: z.optional(relPath),
  /** Local backend: private key file (0600). */
  key: z.optional(relPath),
  subject: z.optional(z.string()),
  serial: z.optional(z.string()),
  fingerprint: z.optional(z.string()),
  notBefore: z.optional(isoDate),
  notAfter: z.optional(isoDate),
  /** AWS Private CA ARN and its last seen status. */
  arn: z.optional(z.string()),
  status: z.optional(z.string()),
  /** Idempotency token written before the create call (AWS). */
  token: z.optional(z.string()),
  /** AWS: ARN of the certificate issued for this CA. */
  certificateArn: z.optional(z.string()),
  issueToken: z.optional(z.string()),
  /** A partner CA (no key): its certificate only (issue 9). */
  external: z.optional(z.boolean()),
});
export type CaRecord = z.infer<typeof caRecordSchema>;

export const clientRecordSchema = z.object({
  name: z.string(),
  issuer: z.string(),
  dnsName: z.string(),
  certificate: z.optional(relPath),
  /** Encrypted PKCS#8 key file (0600). */
  key: z.optional(relPath),
  /** Generated passphrase file (0600), when the user gave none. */
  passphraseFile: z.optional(relPath),
  /** PKCS#12 exports (issue 5). */
  p12: z.optional(z.record(z.string(), relPath)),
  subject: z.optional(z.string()),
  serial: z.optional(z.string()),
  fingerprint: z.optional(z.string()),
  notBefore: z.optional(isoDate),
  notAfter: z.optional(isoDate),
  arn: z.optional(z.string()),
  token: z.optional(z.string()),
  /** Set by `client revoke` (issue 9). */
  revokedAt: z.optional(isoDate),
  revocationReason: z.optional(z.string()),
});
export type ClientRecord = z.infer<typeof clientRecordSchema>;

export const truststoreVersionSchema = z.object({
  versionId: z.string(),
  /** Local copy of exactly what was uploaded. */
  file: relPath,
  /** SHA-256 fingerprints (hex) of the certificates in this version, in bundle order. */
  fingerprints: z.array(z.string()),
  subjects: z.array(z.string()),
  uploadedAt: isoDate,
  /** The step that uploaded it. */
  step: z.string(),
});
export type TruststoreVersion = z.infer<typeof truststoreVersionSchema>;

export const truststoreRecordSchema = z.object({
  bucket: z.string(),
  key: z.string(),
  /** s3://bucket/key */
  uri: z.string(),
  versions: z.array(truststoreVersionSchema),
  /** Version the domain is pinned to. */
  pinnedVersion: z.optional(z.string()),
  /** API Gateway's truststoreWarnings (or the local equivalent) from the last pin. */
  warnings: z.array(z.string()),
  /** Idempotency token of an upload in flight: found again by the store on resume. */
  pendingUpload: z.optional(z.object({token: z.string(), step: z.string(), file: relPath})),
  /** AWS: true when the wizard created the bucket (teardown may delete it). */
  bucketCreated: z.optional(z.boolean()),
});
export type TruststoreRecord = z.infer<typeof truststoreRecordSchema>;

export const apiRecordSchema = z.object({
  id: z.optional(z.string()),
  name: z.string(),
  resourcePath: z.string(),
  resourceId: z.optional(z.string()),
  stage: z.optional(z.string()),
  deploymentId: z.optional(z.string()),
  token: z.optional(z.string()),
});
export type ApiRecord = z.infer<typeof apiRecordSchema>;

export const domainRecordSchema = z.object({
  name: z.string(),
  /** https://name[:port]/path */
  url: z.optional(z.string()),
  /** curl --resolve value (local backend), e.g. api.mtls.test:8443:127.0.0.1 */
  resolve: z.optional(z.string()),
  /** CA certificate a client needs to trust the server certificate (local "public" CA). */
  caCertificate: z.optional(relPath),
  serverCertificate: z.optional(relPath),
  serverKey: z.optional(relPath),
  /** Local "public" CA key, used only to sign the server certificate. */
  publicCaKey: z.optional(relPath),
  basePathMapped: z.optional(z.boolean()),
  /** AWS */
  certificateArn: z.optional(z.string()),
  certificateToken: z.optional(z.string()),
  regionalDomainName: z.optional(z.string()),
  regionalHostedZoneId: z.optional(z.string()),
  status: z.optional(z.string()),
  route53Records: z.optional(z.array(z.object({zoneId: z.string(), name: z.string(), type: z.string(), value: z.string()}))),
});
export type DomainRecord = z.infer<typeof domainRecordSchema>;

export const checkResultSchema = z.object({
  name: z.string(),
  expected: z.int(),
  httpStatus: z.int(),
  ok: z.boolean(),
  reason: z.optional(z.string()),
  command: z.optional(z.string()),
});
export type CheckResult = z.infer<typeof checkResultSchema>;

export const stateSchema = z.object({
  version: z.literal(STATE_VERSION),
  /** Random id naming this walkthrough; every AWS resource is tagged with it. */
  walkthroughId: z.string().check(z.regex(/^[a-z0-9-]{4,40}$/)),
  createdAt: isoDate,
  updatedAt: isoDate,
  backend: z.enum(['local', 'aws']),
  inputs: inputsSchema,
  steps: z.record(z.string(), stepStateSchema),
  cas: z.record(z.string(), caRecordSchema),
  clients: z.record(z.string(), clientRecordSchema),
  api: z.optional(apiRecordSchema),
  domain: z.optional(domainRecordSchema),
  truststore: z.optional(truststoreRecordSchema),
  /** The CA outside the truststore used to prove rejection (local files). */
  outsider: z.optional(z.object({certificate: relPath, key: relPath, caCertificate: relPath})),
  /** Last results of each connect step. */
  checks: z.record(z.string(), z.array(checkResultSchema)),
  /** AWS account facts seen at preflight (never credentials). */
  aws: z.optional(
    z.object({
      accountId: z.optional(z.string()),
      callerArn: z.optional(z.string()),
      region: z.optional(z.string()),
      costConfirmedAt: z.optional(isoDate),
    }),
  ),
});
export type State = z.infer<typeof stateSchema>;
