/**
 * Every SDK error becomes one line in the project's grammar (what failed, why, what fixes it).
 * Throttling and transient faults are retried in retry.ts; what reaches us has outlasted those retries (or
 * is a server error on a create that is not safe to repeat), and says that `run` resumes.
 * Messages carry the service's own reason (ARNs, names) but never a request input: the passphrase of
 * ExportCertificate and private keys never appear in an error.
 */
import {CancelledError, ExternalError, UserError} from '../../errors.js';
import type {BackendContext} from '../backend.js';
import {exhaustedOf, faultOf} from './retry.js';

export type AwsService = 'acm-pca' | 'acm' | 's3' | 'apigateway' | 'route53' | 'sts';

const S3_ACTIONS: Record<string, string> = {
  HeadBucket: 's3:ListBucket',
  ListObjectVersions: 's3:ListBucketVersions',
  HeadObject: 's3:GetObjectVersion',
  DeleteObjects: 's3:DeleteObjectVersion',
  DeleteObject: 's3:DeleteObjectVersion',
};

const APIGATEWAY_VERBS: [string, string][] = [
  ['Create', 'POST'],
  ['Get', 'GET'],
  ['Update', 'PATCH'],
  ['Put', 'PUT'],
  ['Delete', 'DELETE'],
];

/** The IAM action an API call needs, as a policy names it. */
export function iamAction(service: AwsService, api: string): string {
  if (service === 's3') return S3_ACTIONS[api] ?? `s3:${api}`;
  if (service === 'apigateway') {
    const verb = APIGATEWAY_VERBS.find(([prefix]) => api.startsWith(prefix))?.[1] ?? 'GET';
    return `apigateway:${verb}`;
  }
  return `${service}:${api}`;
}

export function errorName(error: unknown): string {
  if (typeof error !== 'object' || error === null) return '';
  const e = error as {name?: string; code?: string; Code?: string};
  return e.name && e.name !== 'Error' ? e.name : (e.Code ?? e.code ?? e.name ?? '');
}

export function isAwsError(error: unknown, ...names: string[]): boolean {
  return names.includes(errorName(error));
}

function httpStatus(error: unknown): number | undefined {
  return (error as {$metadata?: {httpStatusCode?: number}})?.$metadata?.httpStatusCode;
}

/** The service's reason on one line, without anything that looks like a PEM block. */
function reasonOf(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  const text = raw.replace(/-----BEGIN[\s\S]*?-----END[^-]*-----/g, '[PEM]').replace(/\s+/g, ' ').trim();
  return text.length > 300 ? `${text.slice(0, 297)}...` : text || 'no reason given';
}

const CREDENTIAL_ERRORS = ['CredentialsProviderError', 'ExpiredToken', 'ExpiredTokenException', 'InvalidClientTokenId', 'UnrecognizedClientException', 'SignatureDoesNotMatch', 'InvalidSignatureException', 'TokenRefreshRequired'];
const DENIED = ['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'Forbidden'];
const THROTTLED = ['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'SlowDown', 'RequestLimitExceeded', 'PriorRequestNotComplete'];
const LIMITS = ['LimitExceededException', 'LimitExceeded', 'TooManyBuckets', 'TooManyTagsException', 'ServiceQuotaExceededException'];
const INVALID_STATE = ['InvalidStateException', 'ConcurrentModificationException', 'RequestInProgressException', 'ConflictException', 'ResourceInUseException', 'OperationAborted'];
const INVALID_INPUT = ['ValidationException', 'InvalidArgsException', 'InvalidParameterException', 'InvalidRequestException', 'BadRequestException', 'MalformedCSRException', 'MalformedCertificateException', 'CertificateMismatchException', 'InvalidPolicyException', 'InvalidTagException', 'InvalidArnException', 'InvalidChangeBatch', 'InvalidInput', 'InvalidDomainValidationOptionsException', 'InvalidBucketName'];
const NETWORK = ['ECONNREFUSED', 'ENOTFOUND', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', 'TimeoutError', 'NetworkingError'];

const RESUME = 'run `mtls-wizard run` again (or the command that stopped): it continues where it stopped and makes nothing twice';

function duration(ms: number): string {
  return ms >= 90_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`;
}

/** Maps an SDK error from `api` to a UserError or ExternalError; errors of ours pass through. */
export function mapAwsError(error: unknown, service: AwsService, api: string): Error {
  if (error instanceof UserError || error instanceof ExternalError || error instanceof CancelledError) return error;
  const name = errorName(error);
  const reason = reasonOf(error);
  const what = `AWS ${api} failed`;
  if (name === 'AbortError') return new CancelledError();
  if (CREDENTIAL_ERRORS.includes(name) || /could not load credentials|credential/i.test(name)) {
    return new UserError({what, why: `the AWS credentials are missing, invalid or expired (${reason})`, fix: 'set AWS_PROFILE or pass --profile (run `aws sso login` for SSO profiles), or export fresh AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY'});
  }
  if (DENIED.includes(name) || (httpStatus(error) === 403 && !name)) {
    const action = iamAction(service, api);
    const extra = service === 'apigateway' && /DomainName/.test(api) ? ' (and s3:GetObject, s3:GetObjectVersion on the truststore object)' : '';
    return new UserError({what, why: `access denied: the caller lacks the IAM permission ${action}${extra}`, fix: `allow ${action}${extra} for this caller, then run \`mtls-wizard run\` again`});
  }
  const fault = faultOf(error);
  const exhausted = exhaustedOf(error);
  const over = exhausted ? ` through ${exhausted.attempts} tries over ${duration(exhausted.waitedMs)}` : '';
  if (THROTTLED.includes(name) || fault === 'throttled') {
    return new ExternalError({what, why: `AWS kept throttling it (${name || 'HTTP 429'})${over}`, fix: RESUME});
  }
  if (fault === 'transient' && !NETWORK.includes(name) && !NETWORK.includes((error as {code?: string})?.code ?? '')) {
    const status = httpStatus(error);
    const kind = `${name || 'server error'}${status ? `, HTTP ${status}` : ''}`;
    return new ExternalError({
      what,
      why: exhausted ? `AWS kept answering with a server error (${kind})${over}` : `AWS answered with a server error (${kind}); the request may or may not have taken effect, so it is not repeated blindly`,
      fix: RESUME,
    });
  }
  if (LIMITS.includes(name)) {
    return new UserError({what, why: `an AWS quota was reached: ${reason}`, fix: 'delete resources you no longer use (`mtls-wizard teardown` for this walkthrough) or ask for a higher quota in Service Quotas'});
  }
  if (INVALID_STATE.includes(name)) {
    return new UserError({what, why: `the resource is not in a state that allows it: ${reason}`, fix: 'wait until AWS finishes what it is doing, check `mtls-wizard status`, then run `mtls-wizard run` again'});
  }
  if (INVALID_INPUT.includes(name)) {
    return new UserError({what, why: `AWS refused the request: ${reason}`, fix: 'correct the input the message names (see `mtls-wizard status` for what was sent), then run `mtls-wizard run` again'});
  }
  if (NETWORK.includes(name) || NETWORK.includes((error as {code?: string})?.code ?? '')) {
    return new ExternalError({what, why: `cannot reach the AWS endpoint (${reason})`, fix: 'check the network, proxy and AWS_ENDPOINT_URL settings, then run again'});
  }
  return new ExternalError({what, why: `${name || 'error'}: ${reason}`, fix: 'run `mtls-wizard run` again; if it keeps failing, check the resource in the AWS console'});
}

/** One AWS call: timed and reported through ctx.call, its error mapped to one clear line. */
export async function awsCall<T>(ctx: BackendContext, service: AwsService, api: string, detail: string | undefined, fn: () => Promise<T>): Promise<T> {
  try {
    return await ctx.call(api, detail, fn);
  } catch (error) {
    throw mapAwsError(error, service, api);
  }
}

/** Like awsCall, but `absent` errors (NotFound and friends) give undefined instead of failing. */
export async function awsFind<T>(ctx: BackendContext, service: AwsService, api: string, detail: string | undefined, absent: readonly string[], fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await ctx.call(api, detail, fn);
  } catch (error) {
    if (absent.includes(errorName(error))) return undefined;
    throw mapAwsError(error, service, api);
  }
}
