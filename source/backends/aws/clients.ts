/**
 * The SDK clients, built once per run. Region and credentials come the SDK's usual way (environment,
 * shared config and profile), overridden by --region and --profile. Every client honours AWS_ENDPOINT_URL
 * and AWS_ENDPOINT_URL_<SERVICE> by itself (checked for @aws-sdk/client-acm-pca 3.523 too: its
 * @smithy/middleware-endpoint reads them); S3 switches to path-style addressing when an endpoint is set,
 * since emulators rarely serve bucket subdomains. The SDK's own retries are off (maxAttempts 1): retry.ts
 * retries every send, with patience fitted to each API's quota.
 */
import type {ACMPCAClient} from '@aws-sdk/client-acm-pca';
import {ACMClient} from '@aws-sdk/client-acm';
import {APIGatewayClient} from '@aws-sdk/client-api-gateway';
import {Route53Client} from '@aws-sdk/client-route-53';
import {S3Client} from '@aws-sdk/client-s3';
import {STSClient} from '@aws-sdk/client-sts';
import {maxAttemptsFrom} from './max-attempts.js';
import {UserError} from '../../errors.js';

export interface AwsClients {
  readonly region: string;
  readonly pca: ACMPCAClient;
  readonly acm: ACMClient;
  readonly s3: S3Client;
  readonly apigw: APIGatewayClient;
  readonly route53: Route53Client;
  readonly sts: STSClient;
  /** AWS_MAX_ATTEMPTS, when set: tries per call in all, for our retry layer (retry.ts) instead of its own plan. */
  readonly maxAttempts?: number;
}

export interface ClientOptions {
  readonly region?: string;
  readonly profile?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** With 'local' the CAs are files here: the ACM PCA client is neither loaded nor built. */
  readonly caSource?: 'pca' | 'local';
}

/** True when an endpoint override applies to S3 (then buckets are addressed by path). */
export function s3EndpointOverridden(env: NodeJS.ProcessEnv): boolean {
  if ((env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? '').toLowerCase() === 'true') return false;
  return Boolean(env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL);
}

/**
 * The SDK prints a ten-line NodeVersionSupportWarning (process.emitWarning) when a client is built on
 * Node.js < 22. Preflight says it once in our words instead (env.ts, nodeSupportNote); this turns off that
 * one warning through the SDK's own switch (@aws-sdk/core reads it), unless the person set it.
 */
export function silenceSdkNodeWarning(env: NodeJS.ProcessEnv = process.env): void {
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}

export async function createAwsClients(o: ClientOptions = {}): Promise<AwsClients> {
  const env = o.env ?? process.env;
  const maxAttempts = maxAttemptsFrom(env);
  silenceSdkNodeWarning();
  // One retry mechanism, ours (retry.ts): the SDK makes one attempt per send.
  const profile = {...(o.profile ? {profile: o.profile} : {}), maxAttempts: 1};
  const sts = new STSClient({...(o.region ? {region: o.region} : {}), ...profile});
  let region: string;
  try {
    region = await sts.config.region();
  } catch {
    region = '';
  }
  if (!region) {
    throw new UserError({what: 'cannot use AWS', why: 'no AWS Region is set', fix: 'pass --region (e.g. --region ap-northeast-1), set AWS_REGION, or set region in your AWS profile', field: 'region'});
  }
  const common = {region, ...profile};
  // client-acm-pca 3.523 predates the `profile` client option: it gets the credentials the others resolve.
  const pca =
    o.caSource === 'local' ? undefined : new (await import('./pca-client.js')).ACMPCAClient({region, maxAttempts: 1, ...(o.profile ? {credentials: sts.config.credentials as never} : {})});
  return {
    region,
    sts,
    ...(maxAttempts !== undefined ? {maxAttempts} : {}),
    get pca(): ACMPCAClient {
      if (!pca) throw new Error('internal error: AWS Private CA used by a walkthrough whose CAs are made on this machine (--ca-source local)');
      return pca;
    },
    acm: new ACMClient(common),
    s3: new S3Client({...common, ...(s3EndpointOverridden(env) ? {forcePathStyle: true} : {})}),
    apigw: new APIGatewayClient(common),
    route53: new Route53Client(common),
  };
}
