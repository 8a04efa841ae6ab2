/**
 * The persisted walkthrough state: one JSON document per state directory.
 * Plain JSON only: ids, ARNs, names, dates (ISO strings) and file paths relative to the state dir.
 * It never holds a private key or a passphrase (test/secrets checks that).
 * Bump STATE_VERSION and add a migration in migrations.ts when the shape changes.
 */
import {z} from 'zod';

export {STATE_VERSION} from './constants.js';
import {STATE_VERSION} from './constants.js';

import {ALL_STEP_IDS, KEY_ALGORITHMS, LESSON_STEP_IDS, STEP_IDS, STEP_STATUSES} from './constants.js';

export {ALL_STEP_IDS, KEY_ALGORITHMS, LESSON_STEP_IDS, STEP_IDS, STEP_STATUSES};
export type {KeyAlgorithm, StepId, StepStatus} from './constants.js';

const isoDate = z.string().datetime({offset: true});
const relPath = z.string().min(1);

export const caInputSchema = z.object({
  /** Name used for files and display, e.g. "rootCA". */
  name: z.string(),
  /** Parent CA name, null for the root. */
  parent: z.string().nullable(),
  /** Subject common name; defaults to the name. */
  commonName: z.string(),
  /** Requested validity in days; the issued certificate never outlives its parent. */
  validityDays: z.number().int(),
});
export type CaInput = z.infer<typeof caInputSchema>;

export const clientInputSchema = z.object({
  name: z.string(),
  /** Name of the issuing CA. */
  issuer: z.string(),
  commonName: z.string(),
  /** DNS name put in the SAN, e.g. client1.mtls.test. */
  dnsName: z.string(),
  validityDays: z.number().int(),
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
  port: z.number().int().min(1).max(65535),
  /** Workshop prefix added to resource names (issue 5); empty when unused. */
  prefix: z.string(),
  /** Workshop lessons (the article's two failures) as explicit steps. */
  lessons: z.boolean(),
  /** AWS: region and profile as chosen (never credentials). */
  region: z.string().optional(),
  profile: z.string().optional(),
  /** AWS: an existing versioned bucket to use for the truststore; empty: the wizard creates one. */
  bucket: z.string().optional(),
  /** AWS: client certificates issued from a local CSR (default) or by ACM as in the article. */
  clientCertMode: z.enum(['csr', 'acm']).optional(),
  /** AWS: Route 53 hosted zone id to use, when known. */
  hostedZoneId: z.string().optional(),
});
export type Inputs = z.infer<typeof inputsSchema>;

export const stepStateSchema = z.object({
  status: z.enum(STEP_STATUSES),
  startedAt: isoDate.optional(),
  finishedAt: isoDate.optional(),
  durationMs: z.number().nonnegative().optional(),
  /** One-line error of the last failure (never a secret). */
  error: z.string().optional(),
  /** Short outputs shown to the user: names, paths, ARNs, versions. */
  outputs: z.record(z.string(), z.string()).optional(),
});
export type StepState = z.infer<typeof stepStateSchema>;

export const caRecordSchema = z.object({
  name: z.string(),
  parent: z.string().nullable(),
  /** null for the root (no pathLen); 0, 1, ... for subordinates. */
  pathLen: z.number().int().nonnegative().nullable(),
  /** Certificate PEM file (relative to the state dir). */
  certificate: relPath.optional(),
  /** Chain file: this CA's certificate then its parents' up to the root. */
  chain: relPath.optional(),
  /** Local backend: private key file (0600). */
  key: relPath.optional(),
  subject: z.string().optional(),
  serial: z.string().optional(),
  fingerprint: z.string().optional(),
  notBefore: isoDate.optional(),
  notAfter: isoDate.optional(),
  /** AWS Private CA ARN and its last seen status. */
  arn: z.string().optional(),
  status: z.string().optional(),
  /** Idempotency token written before the create call (AWS). */
  token: z.string().optional(),
  /** AWS: ARN of the certificate issued for this CA. */
  certificateArn: z.string().optional(),
  issueToken: z.string().optional(),
});
export type CaRecord = z.infer<typeof caRecordSchema>;

export const clientRecordSchema = z.object({
  name: z.string(),
  issuer: z.string(),
  dnsName: z.string(),
  certificate: relPath.optional(),
  /** Encrypted PKCS#8 key file (0600). */
  key: relPath.optional(),
  /** Generated passphrase file (0600), when the user gave none. */
  passphraseFile: relPath.optional(),
  /** PKCS#12 exports (issue 5). */
  p12: z.record(z.string(), relPath).optional(),
  subject: z.string().optional(),
  serial: z.string().optional(),
  fingerprint: z.string().optional(),
  notBefore: isoDate.optional(),
  notAfter: isoDate.optional(),
  arn: z.string().optional(),
  token: z.string().optional(),
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
  pinnedVersion: z.string().optional(),
  /** API Gateway's truststoreWarnings (or the local equivalent) from the last pin. */
  warnings: z.array(z.string()),
  /** Idempotency token of an upload in flight: found again by the store on resume. */
  pendingUpload: z.object({token: z.string(), step: z.string(), file: relPath}).optional(),
  /** AWS: true when the wizard created the bucket (teardown may delete it). */
  bucketCreated: z.boolean().optional(),
});
export type TruststoreRecord = z.infer<typeof truststoreRecordSchema>;

export const apiRecordSchema = z.object({
  id: z.string().optional(),
  name: z.string(),
  resourcePath: z.string(),
  resourceId: z.string().optional(),
  stage: z.string().optional(),
  deploymentId: z.string().optional(),
  token: z.string().optional(),
});
export type ApiRecord = z.infer<typeof apiRecordSchema>;

export const domainRecordSchema = z.object({
  name: z.string(),
  /** https://name[:port]/path */
  url: z.string().optional(),
  /** curl --resolve value (local backend), e.g. api.mtls.test:8443:127.0.0.1 */
  resolve: z.string().optional(),
  /** CA certificate a client needs to trust the server certificate (local "public" CA). */
  caCertificate: relPath.optional(),
  serverCertificate: relPath.optional(),
  serverKey: relPath.optional(),
  /** Local "public" CA key, used only to sign the server certificate. */
  publicCaKey: relPath.optional(),
  basePathMapped: z.boolean().optional(),
  /** AWS */
  certificateArn: z.string().optional(),
  certificateToken: z.string().optional(),
  regionalDomainName: z.string().optional(),
  regionalHostedZoneId: z.string().optional(),
  status: z.string().optional(),
  route53Records: z
    .array(z.object({zoneId: z.string(), name: z.string(), type: z.string(), value: z.string()}))
    .optional(),
});
export type DomainRecord = z.infer<typeof domainRecordSchema>;

export const checkResultSchema = z.object({
  name: z.string(),
  expected: z.number().int(),
  httpStatus: z.number().int(),
  ok: z.boolean(),
  reason: z.string().optional(),
  command: z.string().optional(),
});
export type CheckResult = z.infer<typeof checkResultSchema>;

export const stateSchema = z.object({
  version: z.literal(STATE_VERSION),
  /** Random id naming this walkthrough; every AWS resource is tagged with it. */
  walkthroughId: z.string().regex(/^[a-z0-9-]{4,40}$/),
  createdAt: isoDate,
  updatedAt: isoDate,
  backend: z.enum(['local', 'aws']),
  inputs: inputsSchema,
  steps: z.record(z.string(), stepStateSchema),
  cas: z.record(z.string(), caRecordSchema),
  clients: z.record(z.string(), clientRecordSchema),
  api: apiRecordSchema.optional(),
  domain: domainRecordSchema.optional(),
  truststore: truststoreRecordSchema.optional(),
  /** The CA outside the truststore used to prove rejection (local files). */
  outsider: z.object({certificate: relPath, key: relPath, caCertificate: relPath}).optional(),
  /** Last results of each connect step. */
  checks: z.record(z.string(), z.array(checkResultSchema)),
  /** AWS account facts seen at preflight (never credentials). */
  aws: z
    .object({
      accountId: z.string().optional(),
      callerArn: z.string().optional(),
      region: z.string().optional(),
      costConfirmedAt: isoDate.optional(),
    })
    .optional(),
});
export type State = z.infer<typeof stateSchema>;
