/**
 * AWS waits (issue 10, item 3): an adaptive poll (at once, after 0.25 s, then 18% of the time waited) sees
 * "done" at most 20% after AWS finished; the two CAs of second-chain wait at the same time; a "not ready
 * yet" answer is a wait, not a failed call. Latencies are simulated on a fake clock: no real sleeps.
 */
import {afterEach, describe, expect, test, vi} from 'vitest';
import {DEFAULT_TIMING, poll} from '../../source/backends/aws/wait.js';
import {reduce} from '../../source/ui/model/reducer.js';
import {initialUiState} from '../../source/ui/model/ui-state.js';
import type {RunnerEvent} from '../../source/wizard/events.js';
import {drive, useFakeClock} from './clock.js';
import {awsError, FakeAws} from './fake/index.js';
import {awsHarness, fastTiming, markDone, type AwsHarness} from './harness.js';

let h: AwsHarness | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await h?.cleanup();
  h = undefined;
});

/** The real poll schedule (DEFAULT_TIMING) with real setTimeout sleeps, which the fake clock drives. */
const realSchedule = () => ({...fastTiming(), pollFirstDelayMs: DEFAULT_TIMING.pollFirstDelayMs, pollGrowth: DEFAULT_TIMING.pollGrowth, pollMaxDelayMs: DEFAULT_TIMING.pollMaxDelayMs, maxWaitMs: DEFAULT_TIMING.maxWaitMs, sleep: DEFAULT_TIMING.sleep});

const stepDone = (events: RunnerEvent[], stepId: string) => (events.find((e) => e.type === 'step-done' && e.stepId === stepId) as {durationMs: number} | undefined)?.durationMs;

describe('the adaptive poll', () => {
  /** Polls a service that is done after latencyMs, on a virtual clock; gives when it noticed and how many polls. */
  async function pollAgainst(latencyMs: number) {
    let now = 0;
    let polls = 0;
    const ctx = {waiting: () => {}, signal: new AbortController().signal} as never;
    const timing = {...DEFAULT_TIMING, sleep: async (ms: number) => void (now += ms)};
    await poll(ctx, timing, {
      what: 'x',
      maxWaitMs: 3_600_000,
      fix: 'f',
      check: async () => {
        polls += 1;
        return now >= latencyMs ? {done: true, value: undefined} : {done: false, waiting: 'w'};
      },
    });
    return {noticedAt: now, polls};
  }

  test.each([
    [3_000, 12],
    [10_000, 19],
    [60_000, 30],
    [600_000, 50],
  ])('a wait of %i ms is noticed at most 20 percent late, in %i polls', async (latency, polls) => {
    const r = await pollAgainst(latency);
    expect(r.noticedAt).toBeGreaterThanOrEqual(latency);
    expect(r.noticedAt).toBeLessThanOrEqual(latency * 1.2);
    expect(r.polls).toBe(polls);
  });

  test('shorter waits are noticed at most the first delay (250 ms) late, and long ones poll every 30 s at most', async () => {
    for (const latency of [100, 400, 900, 1_300]) expect((await pollAgainst(latency)).noticedAt - latency).toBeLessThanOrEqual(250);
    expect((await pollAgainst(0)).polls).toBe(1);
    const hour = await pollAgainst(3_600_000);
    expect(hour.noticedAt - 3_600_000).toBeLessThanOrEqual(30_000);
  });
});

describe('CA steps against simulated Private CA latency', () => {
  test('a one-CA step with a 3-s key and CSR finishes within 3.6 s, polling the CSR 12 times; "not ready yet" is shown as waiting, never as failed', async () => {
    const fake = new FakeAws().install();
    fake.pca.latency = {csrMs: 3_000, issueMs: 0};
    h = await awsHarness({fake, deps: {timing: realSchedule(), checkCurl: async () => {}}});
    useFakeClock();
    const {value: outcome} = await drive(h.run('root-ca'));
    expect(outcome.ok, String(outcome.error)).toBe(true);
    const ms = stepDone(h.events, 'root-ca')!;
    expect(ms).toBeGreaterThanOrEqual(3_000);
    expect(ms).toBeLessThanOrEqual(3_600);
    expect(fake.core.count('GetCertificateAuthorityCsr')).toBe(12);

    const csrCalls = h.events.filter((e) => e.type === 'call' && e.name === 'GetCertificateAuthorityCsr') as Extract<RunnerEvent, {type: 'call'}>[];
    expect(csrCalls.map((e) => [e.ok, e.notReady ?? false])).toEqual([...Array(11).fill([true, true]), [true, false]]);
    expect(h.events.filter((e) => e.type === 'waiting' && e.message === 'waiting for AWS Private CA to make the key and CSR of rootCA')).toHaveLength(1);
    // What the activity pane makes of those events: waits, and no red "failed" line.
    const ui = h.events.reduce((s, event) => reduce(s, {type: 'event', event, at: 0}), initialUiState({stateDir: h.dir, steps: []}));
    const lines = ui.activity.filter((a) => a.text.startsWith('GetCertificateAuthorityCsr'));
    expect(lines.filter((a) => a.level === 'wait' && a.text === 'GetCertificateAuthorityCsr (the CSR of rootCA): not ready yet')).toHaveLength(11);
    expect(ui.activity.filter((a) => a.level === 'error' || a.text.endsWith(' failed'))).toEqual([]);
  });

  test('issuance that takes 0.5 s is waited for too: the step stays within 20% of the simulated 3.5 s', async () => {
    const fake = new FakeAws().install();
    fake.pca.latency = {csrMs: 3_000, issueMs: 500};
    h = await awsHarness({fake, deps: {timing: realSchedule(), checkCurl: async () => {}}});
    useFakeClock();
    const {value: outcome} = await drive(h.run('root-ca'));
    expect(outcome.ok, String(outcome.error)).toBe(true);
    const ms = stepDone(h.events, 'root-ca')!;
    expect(ms).toBeGreaterThanOrEqual(3_500);
    expect(ms).toBeLessThanOrEqual(3_500 * 1.2);
    expect(fake.core.count('GetCertificate')).toBe(3);
  });

  test('second-chain creates both CAs and waits for both keys at once: within 3.6 s (target 7.2 s), at most 13 CSR polls per CA', async () => {
    const fake = new FakeAws().install();
    h = await awsHarness({fake, deps: {timing: realSchedule(), checkCurl: async () => {}}});
    expect((await h.run('client-cert')).ok).toBe(true);
    await markDone(h, 'connect');
    fake.pca.latency = {csrMs: 3_000, issueMs: 0};
    const before = fake.calls.length;
    useFakeClock();
    const {value: outcome} = await drive(h.run('second-chain'), () => fake.core.inFlight > 0);
    expect(outcome.ok, String(outcome.error)).toBe(true);
    const ms = stepDone(h.events, 'second-chain')!;
    expect(ms).toBeGreaterThanOrEqual(3_000);
    expect(ms).toBeLessThanOrEqual(3_600);
    const calls = fake.calls.slice(before);
    expect(calls.filter((c) => c.api === 'CreateCertificateAuthority')).toHaveLength(2);
    const state = h.state();
    for (const name of state.inputs.cas.slice(2).map((c) => c.name)) {
      const arn = state.cas[name]?.arn;
      expect(arn, name).toBeDefined();
      expect(state.cas[name]?.status).toBe('ACTIVE');
      const polls = calls.filter((c) => c.api === 'GetCertificateAuthorityCsr' && c.input.CertificateAuthorityArn === arn).length;
      expect(polls).toBeGreaterThanOrEqual(12);
      expect(polls).toBeLessThanOrEqual(13);
    }
  });

  test('an error other than "not ready yet" during a wait fails at once and names the IAM action', async () => {
    const fake = new FakeAws().install();
    fake.pca.latency = {csrMs: 3_000, issueMs: 0};
    h = await awsHarness({fake, deps: {timing: realSchedule(), checkCurl: async () => {}}});
    const original = fake.pca.csr.bind(fake.pca);
    let n = 0;
    // The first two answers are "in progress"; then a policy change denies the caller.
    fake.pca.csr = async (ca) => {
      n += 1;
      if (n > 2) throw awsError('AccessDeniedException', 'not authorized', 403);
      return original(ca);
    };
    useFakeClock();
    const {value: outcome} = await drive(h.run('root-ca'));
    expect(outcome.ok).toBe(false);
    expect(String(outcome.error)).toMatch(/lacks the IAM permission acm-pca:GetCertificateAuthorityCsr/);
    expect(fake.core.count('GetCertificateAuthorityCsr')).toBe(3);
    const failedCalls = h.events.filter((e) => e.type === 'call' && !e.ok) as Extract<RunnerEvent, {type: 'call'}>[];
    expect(failedCalls.map((e) => e.name)).toEqual(['GetCertificateAuthorityCsr']);
  });
});
