/**
 * Waiting on AWS. Neither the SDK waiters (a first delay of at least 1 s and then a randomised back-off,
 * so a 3-s CA creation was noticed 1.2 to 2.5 s late) nor fixed delays: one adaptive poll for every wait.
 * It checks at once, then after pollFirstDelayMs, then each delay is pollGrowth times the time already
 * waited (bounded by pollMaxDelayMs). So the poll that sees "done" comes at most pollGrowth (18%) after the
 * moment AWS finished, for anything longer than pollFirstDelayMs / pollGrowth (1.4 s); below that, at most
 * pollFirstDelayMs late. Polls for a wait of T seconds: about 7 + ln(T / 1.4) / ln(1.18), e.g. 12 for
 * 3 s, 19 for 10 s, 30 for 60 s; past 167 s one per 30 s (50 for 10 minutes). Every delay is injectable,
 * so tests never sleep for real.
 * An expected "not ready yet" answer (RequestInProgressException) is a poll, shown as waiting: never as a
 * failed call.
 */
import {CancelledError, UserError} from '../../errors.js';
import type {BackendContext} from '../backend.js';
import {type AwsService, errorName, mapAwsError} from './errors.js';

export interface AwsTiming {
  /** Polls: the first delay (after the check made at once), the growth, the ceiling (all in ms). */
  readonly pollFirstDelayMs: number;
  /** Each later delay is this fraction of the time waited so far: the bound on how late a poll sees "done". */
  readonly pollGrowth: number;
  readonly pollMaxDelayMs: number;
  readonly maxWaitMs: {readonly validationRecord: number; readonly validation: number; readonly domain: number; readonly issued: number; readonly retry: number};
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  /** Jitter for retries (0 ≤ x < 1). */
  random(): number;
}

export const DEFAULT_TIMING: AwsTiming = {
  pollFirstDelayMs: 250,
  pollGrowth: 0.18,
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

/** The delay before the next poll, after `waited` ms of waiting. */
export function nextDelay(timing: AwsTiming, waited: number): number {
  return Math.round(Math.min(timing.pollMaxDelayMs, Math.max(timing.pollFirstDelayMs, waited * timing.pollGrowth)));
}

/**
 * Polls at once, then adaptively (see the header), for at most maxWaitMs of waiting. The bound counts the
 * delays themselves, so it holds even when sleep is instant (tests) and never depends on the clock.
 */
export async function poll<T>(ctx: BackendContext, timing: AwsTiming, o: PollOptions<T>): Promise<T> {
  let waited = 0;
  let lastWaiting = '';
  // The growth follows the clock too: the calls themselves take time, which the sleeps alone do not count.
  const started = performance.now();
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
    const step = Math.min(nextDelay(timing, Math.max(waited, performance.now() - started)), o.maxWaitMs - waited);
    await timing.sleep(Math.max(step, 0), ctx.signal);
    waited += step;
  }
}

/** Answers that mean "not yet": AWS is still making what was asked for. */
const NOT_READY = ['RequestInProgressException'];

/**
 * Gets something AWS is still making (a CA's CSR, an issued certificate), polling while it answers
 * "not ready yet". Each poll is reported as a call; a not-ready answer as a call that is still waiting
 * (not a failure), with the waiting line once. Any other error fails at once, mapped to one line.
 */
export async function getOrWait<T>(
  ctx: BackendContext,
  timing: AwsTiming,
  o: {service: AwsService; api: string; what: string; waiting: string; maxWaitMs: number; get: () => Promise<T>},
): Promise<T> {
  return poll(ctx, timing, {
    what: o.what,
    maxWaitMs: o.maxWaitMs,
    fix: 'run `mtls-wizard run` again later; it continues where it stopped',
    check: async () => {
      const started = performance.now();
      const report = (ok: boolean, notReady?: boolean) =>
        ctx.emit({type: 'call', stepId: ctx.stepId, name: o.api, detail: o.what, durationMs: performance.now() - started, ok, ...(notReady ? {notReady} : {})});
      try {
        const value = await o.get();
        report(true);
        return {done: true, value};
      } catch (error) {
        if (errorName(error) === 'AbortError' || ctx.signal.aborted) throw new CancelledError();
        if (NOT_READY.includes(errorName(error))) {
          report(true, true);
          return {done: false, waiting: o.waiting};
        }
        report(false);
        throw mapAwsError(error, o.service, o.api);
      }
    },
  });
}
