/**
 * The retry layer's rules (retry.ts): which faults are retried, for how long per API, and how a wait is
 * told and cut short. Sleeps are recorded, never slept.
 */
import {describe, expect, test} from 'vitest';
import {maxAttemptsFrom} from '../../source/backends/aws/max-attempts.js';
import {exhaustedOf, faultOf, retryPlan, withRetries} from '../../source/backends/aws/retry.js';
import {DEFAULT_TIMING} from '../../source/backends/aws/wait.js';
import {CancelledError} from '../../source/errors.js';
import {awsError} from './fake/index.js';

function recorder(random = 0.5) {
  const slept: number[] = [];
  const said: string[] = [];
  const timing = {...DEFAULT_TIMING, random: () => random, sleep: async (ms: number) => void slept.push(ms)};
  const ctx = {waiting: (m: string) => void said.push(m), signal: new AbortController().signal};
  return {slept, said, timing, ctx};
}

/** A call that fails with the given errors in turn, then answers 'ok'. */
function failing(...errors: Error[]) {
  let calls = 0;
  const fn = async () => {
    calls += 1;
    const e = errors[calls - 1];
    if (e) throw e;
    return 'ok';
  };
  return {fn, calls: () => calls};
}

describe('which faults are retried', () => {
  test('throttling by name or HTTP 429, and transient server and connection errors; not client errors', () => {
    expect(faultOf(awsError('TooManyRequestsException', 'x', 429))).toBe('throttled');
    expect(faultOf(awsError('SlowDown', 'x', 503))).toBe('throttled');
    expect(faultOf(awsError('ThrottlingException', 'x', 400))).toBe('throttled');
    expect(faultOf(awsError('Whatever', 'x', 429))).toBe('throttled');
    expect(faultOf(awsError('InternalFailure', 'x', 500))).toBe('transient');
    expect(faultOf(awsError('Unknown', 'x', 502))).toBe('transient');
    expect(faultOf(Object.assign(new Error('socket hang up'), {code: 'ECONNRESET'}))).toBe('transient');
    expect(faultOf(awsError('AccessDeniedException', 'x', 403))).toBeUndefined();
    expect(faultOf(awsError('RequestInProgressException', 'x', 400))).toBeUndefined();
    expect(faultOf(Object.assign(new Error('connect ECONNREFUSED'), {code: 'ECONNREFUSED'}))).toBeUndefined();
  });

  test('a server error is retried only where a repeat cannot make a second thing', () => {
    for (const api of ['CreateRestApi', 'CreateDeployment', 'CreateResource', 'CreateBasePathMapping', 'PutObject']) expect(retryPlan(api, 'transient'), api).toBeUndefined();
    for (const api of ['GetDomainName', 'CreateCertificateAuthority', 'IssueCertificate', 'RequestCertificate', 'CreateDomainName', 'UpdateDomainName', 'CreateBucket']) expect(retryPlan(api, 'transient'), api).toBeDefined();
    // Throttled means AWS did not run it: every call is retried.
    for (const api of ['CreateRestApi', 'PutObject', 'DeleteDomainName']) expect(retryPlan(api, 'throttled'), api).toBeDefined();
  });

  test('patience follows the quotas: ~10 min for the once-per-30-s domain calls, their own slot for CreateRestApi and CreateDeployment', () => {
    const total = (api: string) => {
      const plan = retryPlan(api, 'throttled')!;
      let ms = 0;
      for (let n = 1; n < plan.attempts; n += 1) ms += plan.delayMs(n);
      return {attempts: plan.attempts, ms};
    };
    for (const api of ['CreateDomainName', 'UpdateDomainName', 'DeleteDomainName']) expect(total(api)).toEqual({attempts: 21, ms: 600_000});
    expect(total('CreateRestApi')).toEqual({attempts: 25, ms: 72_000});
    expect(total('CreateDeployment')).toEqual({attempts: 25, ms: 120_000});
    expect(total('GetDomainName').attempts).toBe(8);
  });
});

describe('withRetries', () => {
  test('waits with jitter between half and one and a half times the delay, and says so', async () => {
    const low = recorder(0);
    await withRetries(low.ctx, low.timing, 'UpdateDomainName', failing(awsError('TooManyRequestsException', 'x', 429)).fn);
    expect(low.slept).toEqual([15_000]);
    const high = recorder(0.999);
    await withRetries(high.ctx, high.timing, 'UpdateDomainName', failing(awsError('TooManyRequestsException', 'x', 429)).fn);
    expect(high.slept).toEqual([44_970]);
    expect(high.said).toEqual(["waiting for API Gateway's once-per-30-s domain quota (UpdateDomainName: TooManyRequestsException; try 2 of 21 in 45 s)"]);
  });

  test('a Retry-After header sets the wait', async () => {
    const r = recorder();
    const e = Object.assign(awsError('TooManyRequestsException', 'x', 429), {$response: {headers: {'retry-after': '7'}}});
    const call = failing(e);
    expect(await withRetries(r.ctx, r.timing, 'CreateDomainName', call.fn)).toBe('ok');
    expect(r.slept).toEqual([7_000]);
    expect(call.calls()).toBe(2);
  });

  test('a fault that outlasts the plan is thrown with the tries and the time it took', async () => {
    const r = recorder();
    const errors = Array.from({length: 10}, () => awsError('InternalFailure', 'x', 500));
    const call = failing(...errors);
    const thrown = await withRetries(r.ctx, r.timing, 'GetDomainName', call.fn).catch((e: unknown) => e);
    expect(call.calls()).toBe(5);
    expect(r.slept).toEqual([500, 1_000, 2_000, 4_000]);
    expect((thrown as {mtlsRetries?: unknown}).mtlsRetries).toEqual({fault: 'transient', attempts: 5, waitedMs: 7_500});
  });

  test('an abort during a wait stops at once', async () => {
    const controller = new AbortController();
    const ctx = {waiting: () => controller.abort(), signal: controller.signal};
    const call = failing(awsError('TooManyRequestsException', 'x', 429));
    await expect(withRetries(ctx, DEFAULT_TIMING, 'CreateDomainName', call.fn)).rejects.toBeInstanceOf(CancelledError);
    expect(call.calls()).toBe(1);
  });
});

describe('AWS_MAX_ATTEMPTS', () => {
  const throttled = () => awsError('TooManyRequestsException', 'x', 429);

  test('sets the tries per call in all: 1 fails at the first fault, 3 tries three times where the plan would try 21', async () => {
    const once = recorder();
    const first = failing(throttled(), throttled());
    await expect(withRetries(once.ctx, once.timing, 'UpdateDomainName', first.fn, 1)).rejects.toThrow();
    expect(first.calls()).toBe(1);
    expect(once.slept).toEqual([]);

    const three = recorder();
    const call = failing(throttled(), throttled(), throttled(), throttled());
    const error = await withRetries(three.ctx, three.timing, 'UpdateDomainName', call.fn, 3).catch((e: unknown) => e);
    expect(call.calls()).toBe(3);
    expect(exhaustedOf(error)).toMatchObject({fault: 'throttled', attempts: 3});
    expect(three.said.at(-1)).toContain('try 3 of 3');
  });

  test('does not make a create that cannot be repeated safely retry a server error', async () => {
    const r = recorder();
    const call = failing(awsError('InternalFailure', 'x', 500));
    await expect(withRetries(r.ctx, r.timing, 'CreateRestApi', call.fn, 5)).rejects.toThrow();
    expect(call.calls()).toBe(1);
  });

  test('is read as the SDK reads it, and refused with the rule when it is not a whole number of 1 or more', () => {
    expect(maxAttemptsFrom({})).toBeUndefined();
    expect(maxAttemptsFrom({AWS_MAX_ATTEMPTS: ''})).toBeUndefined();
    expect(maxAttemptsFrom({AWS_MAX_ATTEMPTS: '4'})).toBe(4);
    for (const bad of ['0', '-1', 'three', '2.5', '1e3']) {
      expect(() => maxAttemptsFrom({AWS_MAX_ATTEMPTS: bad}), bad).toThrow(/AWS_MAX_ATTEMPTS must be a whole number from 1 to 999/);
    }
  });
});
