/**
 * Waiting on AWS: the SDK's waiters where they exist (their delays are in seconds and at least 1), and a
 * bounded back-off poll where they do not (API Gateway has no waiter; ACM's waits 60 s between polls).
 * Every delay is injectable so tests never sleep for real.
 */
import {CancelledError, UserError} from '../../errors.js';
import type {BackendContext} from '../backend.js';
import {type AwsService, errorName, mapAwsError} from './errors.js';

export interface AwsTiming {
  /** SDK waiters (CSR created, certificate issued): delays in seconds, and the bound of each wait. */
  readonly waiterMinDelaySeconds: number;
  readonly waiterMaxDelaySeconds: number;
  readonly waiterMaxWaitSeconds: number;
  /** Our own polls: first delay, its ceiling, and the bound per kind of wait (all in ms). */
  readonly pollFirstDelayMs: number;
  readonly pollMaxDelayMs: number;
  readonly maxWaitMs: {readonly validationRecord: number; readonly validation: number; readonly domain: number; readonly issued: number; readonly retry: number};
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  /** Jitter for retries (0 ≤ x < 1). */
  random(): number;
}

export const DEFAULT_TIMING: AwsTiming = {
  waiterMinDelaySeconds: 2,
  waiterMaxDelaySeconds: 30,
  waiterMaxWaitSeconds: 900,
  pollFirstDelayMs: 2_000,
  pollMaxDelayMs: 30_000,
  maxWaitMs: {
    validationRecord: 120_000,
    // ACM: "up to 30 minutes" with a Route 53 record, "several hours" otherwise. Resume picks up the wait.
    validation: 45 * 60_000,
    domain: 15 * 60_000,
    issued: 10 * 60_000,
    retry: 90_000,
  },
  random: Math.random,
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal.aborted) return reject(new CancelledError());
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(new CancelledError());
      };
      signal.addEventListener('abort', onAbort, {once: true});
    }),
};

export type PollOutcome<T> = {readonly done: true; readonly value: T} | {readonly done: false; readonly waiting: string};

export interface PollOptions<T> {
  /** What we wait for, for the time-out message: "the ACM certificate of api.example.com to be validated". */
  readonly what: string;
  readonly maxWaitMs: number;
  /** How to continue after a time-out. */
  readonly fix: string;
  check(): Promise<PollOutcome<T>>;
}

/**
 * Polls with doubling delays up to a ceiling, for at most maxWaitMs of waiting. The bound counts the
 * delays themselves, so it holds even when sleep is instant (tests) and never depends on the clock.
 */
export async function poll<T>(ctx: BackendContext, timing: AwsTiming, o: PollOptions<T>): Promise<T> {
  let delay = timing.pollFirstDelayMs;
  let waited = 0;
  let lastWaiting = '';
  for (;;) {
    const outcome = await o.check();
    if (outcome.done) return outcome.value;
    if (outcome.waiting !== lastWaiting) {
      ctx.waiting(outcome.waiting);
      lastWaiting = outcome.waiting;
    }
    if (waited >= o.maxWaitMs) {
      throw new UserError({what: `stopped waiting for ${o.what}`, why: `it was not ready after ${Math.round(waited / 1000)} s (${outcome.waiting})`, fix: o.fix});
    }
    const step = Math.min(delay, o.maxWaitMs - waited);
    await timing.sleep(Math.max(step, 0), ctx.signal);
    waited += step;
    delay = Math.min(delay * 2, timing.pollMaxDelayMs);
  }
}

/** Config for an SDK waiter from the timing (the SDK itself refuses delays under 1 s). */
export function waiterConfig<C>(client: C, timing: AwsTiming, signal: AbortSignal) {
  const minDelay = Math.max(1, timing.waiterMinDelaySeconds);
  const maxDelay = Math.max(minDelay, timing.waiterMaxDelaySeconds);
  return {client, minDelay, maxDelay, maxWaitTime: Math.max(minDelay + 1, timing.waiterMaxWaitSeconds), abortSignal: signal as never};
}

/**
 * Runs an SDK waiter as one reported call. A waiter reports failures as JSON in its message; the name of
 * the service error inside is recovered so AccessDenied still names the IAM action.
 */
export async function sdkWait(ctx: BackendContext, service: AwsService, api: string, waiter: string, what: string, fn: () => Promise<unknown>, lastError: () => unknown = () => undefined): Promise<void> {
  try {
    await ctx.call(waiter, what, fn);
  } catch (error) {
    const name = errorName(error);
    if (name === 'AbortError' || ctx.signal.aborted) throw new CancelledError();
    // client-acm-pca 3.523's waiters retry on any error until the time runs out: report the last one.
    const last = lastError();
    if (name === 'TimeoutError' && last && errorName(last) !== 'RequestInProgressException') throw mapAwsError(last, service, api);
    if (name === 'TimeoutError') {
      throw new UserError({what: `stopped waiting for ${what}`, why: 'AWS did not finish within the time the wizard waits', fix: 'run `mtls-wizard run` again later; it continues where it stopped'});
    }
    const inner = /"name":"(\w+)"/.exec(error instanceof Error ? error.message : '')?.[1];
    throw mapAwsError(inner ? Object.assign(new Error(`${inner} while waiting for ${what}`), {name: inner}) : error, service, api);
  }
}

/**
 * Asks once; only when AWS answers RequestInProgressException does the SDK waiter take over, then asks
 * again. Any other error fails at once (the acm-pca 3.523 waiters would retry it until they time out).
 */
export async function getOrWait<T, C extends {send(...args: never[]): Promise<unknown>}>(
  ctx: BackendContext,
  o: {service: AwsService; api: string; waiter: string; what: string; waiting: string; client: C; get: () => Promise<T>; wait: (client: C) => Promise<unknown>},
): Promise<T> {
  try {
    return await ctx.call(o.api, o.what, o.get);
  } catch (error) {
    if (errorName(error) !== 'RequestInProgressException') throw mapAwsError(error, o.service, o.api);
  }
  ctx.waiting(o.waiting);
  let last: unknown;
  // The waiter sees the client through this proxy, which remembers the last error it got.
  const watched = new Proxy(o.client, {
    get(target, prop, receiver) {
      if (prop !== 'send') return Reflect.get(target, prop, receiver);
      return (...args: never[]) =>
        target.send(...args).catch((error: unknown) => {
          last = error;
          throw error;
        });
    },
  });
  await sdkWait(ctx, o.service, o.api, o.waiter, o.what, () => o.wait(watched), () => last);
  try {
    return await ctx.call(o.api, o.what, o.get);
  } catch (error) {
    throw mapAwsError(error, o.service, o.api);
  }
}
