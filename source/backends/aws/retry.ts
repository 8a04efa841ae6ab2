/**
 * The one retry layer of the AWS backend. The SDK clients are built with maxAttempts 1 (clients.ts), and
 * every `send` goes through here instead, so retries are never stacked and the tests (which mock `send`)
 * exercise the real policy.
 *
 * - Throttling (TooManyRequestsException, ThrottlingException, SlowDown, HTTP 429 …) means AWS did not
 *   run the request: every call is retried, with back-off and jitter. API Gateway's fixed quotas
 *   (aws-mtls-facts.md §6.2b) get a patience to match: the domain-name calls and DeleteRestApi (one call
 *   every 30 s per account) wait ~30 s a try for up to ~10 minutes, so a workshop sharing one account
 *   takes turns; CreateRestApi (one per 3 s) and CreateDeployment (one per 5 s) wait on their own slots.
 *   A Retry-After header, when AWS sends one, is honoured.
 * - Transient server errors (5xx, dropped connections) may have run the request: only a call that is safe
 *   to repeat is retried (reads, creates that carry an idempotency token, overwriting puts, creates whose
 *   repeat is recognised). A create with no such guard (CreateRestApi, CreateDeployment, CreateResource,
 *   CreateBasePathMapping) fails the step at once instead, and `run` finds what it may have made (tags,
 *   names) before creating anything; PutObject is retried by its caller only after looking for the
 *   version by its token (truststore-s3.ts).
 * A fault that outlasts its retries is marked on the error (attempts, time), which mapAwsError turns into
 * one line: what failed, why, and that `run` resumes.
 * AWS_MAX_ATTEMPTS, when set, replaces the number of tries (not which calls may be repeated): 1 fails at the
 * first fault, as the SDK would.
 */
import type {BackendContext} from '../backend.js';
import type {AwsClients} from './clients.js';
import {errorName} from './errors.js';
import type {AwsTiming} from './wait.js';

const THROTTLING = new Set(['ThrottlingException', 'Throttling', 'ThrottledException', 'TooManyRequestsException', 'SlowDown', 'RequestLimitExceeded', 'RequestThrottled', 'RequestThrottledException', 'ProvisionedThroughputExceededException', 'BandwidthLimitExceeded', 'PriorRequestNotComplete', 'EC2ThrottledException']);
const TRANSIENT = new Set(['InternalError', 'InternalFailure', 'InternalServerError', 'InternalServerErrorException', 'InternalServiceError', 'InternalServiceErrorException', 'ServiceUnavailable', 'ServiceUnavailableException', 'BadGatewayException', 'RequestTimeout', 'RequestTimeoutException', 'TimeoutError']);
// A refused connection or an unknown host is a setting to fix (AWS_ENDPOINT_URL, proxy), not a blip.
const NETWORK = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ECONNABORTED']);

/** Creates that have no idempotency token and no repeat AWS recognises: a 5xx on them is not retried. */
const NOT_REPEATABLE = new Set(['CreateRestApi', 'CreateDeployment', 'CreateResource', 'CreateBasePathMapping', 'PutObject', 'DeleteRestApi', 'DeleteDomainName', 'DeleteCertificateAuthority', 'DeleteCertificate', 'DeleteBucket', 'DeleteBasePathMapping']);

/** API Gateway's per-account quotas (§6.2b): one call per `slotMs`. */
const SLOTS: Record<string, {slotMs: number; what: string}> = {
  CreateDomainName: {slotMs: 30_000, what: "API Gateway's once-per-30-s domain quota"},
  UpdateDomainName: {slotMs: 30_000, what: "API Gateway's once-per-30-s domain quota"},
  DeleteDomainName: {slotMs: 30_000, what: "API Gateway's once-per-30-s domain quota"},
  DeleteRestApi: {slotMs: 30_000, what: "API Gateway's once-per-30-s DeleteRestApi quota"},
  CreateRestApi: {slotMs: 3_000, what: "API Gateway's once-per-3-s CreateRestApi quota"},
  CreateDeployment: {slotMs: 5_000, what: "API Gateway's once-per-5-s CreateDeployment quota"},
};

export type Fault = 'throttled' | 'transient';

/** What kind of fault an error is, or undefined when retrying would not help. */
export function faultOf(error: unknown): Fault | undefined {
  const name = errorName(error);
  const e = error as {$metadata?: {httpStatusCode?: number}; $retryable?: {throttling?: boolean}; code?: string} | undefined;
  const status = e?.$metadata?.httpStatusCode;
  if (THROTTLING.has(name) || status === 429 || e?.$retryable?.throttling) return 'throttled';
  if (TRANSIENT.has(name) || NETWORK.has(e?.code ?? '') || NETWORK.has(name)) return 'transient';
  if (status !== undefined && [500, 502, 503, 504].includes(status)) return 'transient';
  return undefined;
}

export interface RetryPlan {
  /** Tries in all, the first included. */
  readonly attempts: number;
  /** The wait before try n + 1 (n counts from 1), before jitter. */
  delayMs(n: number): number;
  /** What the activity pane says while waiting. */
  readonly waiting: string;
}

/** How patient to be with `api` for this kind of fault. */
export function retryPlan(api: string, fault: Fault): RetryPlan | undefined {
  if (fault === 'transient') {
    if (NOT_REPEATABLE.has(api)) return undefined;
    // 0.5, 1, 2, 4 s: a server error that lasts longer is an outage, not a blip.
    return {attempts: 5, delayMs: (n) => Math.min(500 * 2 ** (n - 1), 8_000), waiting: `AWS answered ${api} with a server error`};
  }
  const slot = SLOTS[api];
  // About 10 minutes of 30-s slots; a minute or two of the shorter ones.
  if (slot) return {attempts: slot.slotMs >= 30_000 ? 21 : 25, delayMs: () => slot.slotMs, waiting: `waiting for ${slot.what}`};
  // 1, 2, 4, 8, 16, 20, 20 s (~70 s): the shared 10-requests-per-second buckets refill far sooner.
  return {attempts: 8, delayMs: (n) => Math.min(1_000 * 2 ** (n - 1), 20_000), waiting: `AWS is throttling ${api}`};
}

/** Seconds from a Retry-After header, when the error carries the HTTP response. */
function retryAfterMs(error: unknown): number | undefined {
  const headers = (error as {$response?: {headers?: Record<string, string>}})?.$response?.headers;
  const value = headers?.['retry-after'] ?? headers?.['Retry-After'];
  const seconds = value === undefined ? NaN : Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds * 1000, 120_000) : undefined;
}

/** What an error that outlasted its retries carries, for the one-line message. */
export interface Exhausted {
  readonly fault: Fault;
  readonly attempts: number;
  readonly waitedMs: number;
}

export function exhaustedOf(error: unknown): Exhausted | undefined {
  return (error as {mtlsRetries?: Exhausted} | undefined)?.mtlsRetries;
}

/**
 * Runs `fn` until it succeeds, fails with a fault that is not retried, or outlasts its plan. Waits are
 * jittered (between 0.5 and 1.5 times the plan's delay) so that callers sharing a quota spread out.
 */
export async function withRetries<T>(ctx: Pick<BackendContext, 'waiting' | 'signal'> | undefined, timing: AwsTiming, api: string, fn: () => Promise<T>, maxAttempts?: number): Promise<T> {
  let waitedMs = 0;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fn();
    } catch (error) {
      const fault = faultOf(error);
      const planned = fault && retryPlan(api, fault);
      const plan = planned && maxAttempts !== undefined ? {...planned, attempts: maxAttempts} : planned;
      if (!fault || !plan || attempt >= plan.attempts || ctx?.signal.aborted) {
        if (fault && plan && attempt > 1 && typeof error === 'object' && error !== null) Object.assign(error, {mtlsRetries: {fault, attempts: attempt, waitedMs} satisfies Exhausted});
        throw error;
      }
      const delay = retryAfterMs(error) ?? Math.round(plan.delayMs(attempt) * (0.5 + timing.random()));
      ctx?.waiting(`${plan.waiting} (${api}: ${errorName(error) || 'error'}; try ${attempt + 1} of ${plan.attempts} in ${Math.max(1, Math.round(delay / 1000))} s)`);
      await timing.sleep(delay, ctx?.signal ?? new AbortController().signal);
      waitedMs += delay;
    }
  }
}

/** The operation a command runs: CreateDomainNameCommand → CreateDomainName. */
export function operationOf(command: unknown): string {
  const c = command as {schema?: {name?: unknown}; constructor?: {name?: string}};
  const fromSchema = typeof c?.schema?.name === 'string' ? c.schema.name : undefined;
  return fromSchema ?? (c?.constructor?.name ?? 'call').replace(/Command$/, '');
}

type Sender = {send(...args: never[]): Promise<unknown>};

/** The client seen through a `send` that retries; everything else is the client itself. */
function retrying<C extends Sender>(client: C, timing: AwsTiming, ctx: BackendContext, maxAttempts: number | undefined): C {
  return new Proxy(client, {
    get(target, prop) {
      if (prop !== 'send') return Reflect.get(target, prop, target);
      return (...args: never[]) => withRetries(ctx, timing, operationOf(args[0]), () => target.send(...args), maxAttempts);
    },
  });
}

const cache = new WeakMap<AwsClients, WeakMap<BackendContext, AwsClients>>();

/** The clients for one context (its waiting line and abort signal), every `send` retried. */
export function retryingClients(clients: AwsClients, timing: AwsTiming, ctx: BackendContext): AwsClients {
  let perCtx = cache.get(clients);
  if (!perCtx) cache.set(clients, (perCtx = new WeakMap()));
  let wrapped = perCtx.get(ctx);
  if (!wrapped) {
    let pca: AwsClients['pca'] | undefined;
    const max = clients.maxAttempts;
    wrapped = {
      region: clients.region,
      ...(max !== undefined ? {maxAttempts: max} : {}),
      // Built on first use: with --ca-source local there is no Private CA client at all.
      get pca() {
        return (pca ??= retrying(clients.pca, timing, ctx, max));
      },
      acm: retrying(clients.acm, timing, ctx, max),
      s3: retrying(clients.s3, timing, ctx, max),
      apigw: retrying(clients.apigw, timing, ctx, max),
      route53: retrying(clients.route53, timing, ctx, max),
      sts: retrying(clients.sts, timing, ctx, max),
    };
    perCtx.set(ctx, wrapped);
  }
  return wrapped;
}
