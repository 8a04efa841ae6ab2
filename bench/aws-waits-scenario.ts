/**
 * The scenario bench/aws-waits.mjs times (bundled by it with esbuild): the real AWS backend and runner
 * against the fake AWS of the mocked suite, with Private CA latencies simulated in real time, and the real
 * poll schedule (DEFAULT_TIMING). Gives the step's duration as the runner reports it and its polls.
 */
import {DEFAULT_TIMING} from '../source/backends/aws/wait.js';
import type {StepId} from '../source/state/schema.js';
import {FakeAws} from '../test/aws/fake/index.js';
import {awsHarness, markDone} from '../test/aws/harness.js';

export interface Scenario {
  readonly step: 'root-ca' | 'second-chain';
  readonly csrMs: number;
  readonly issueMs: number;
}

export interface Result {
  readonly ms: number;
  readonly csrPolls: number;
  readonly certificatePolls: number;
}

export async function runScenario(s: Scenario): Promise<Result> {
  // A fresh fake AWS each time (installing it re-patches the SDK client classes).
  const fake = new FakeAws().install();
  const h = await awsHarness({fake, deps: {timing: {...DEFAULT_TIMING}, checkCurl: async () => {}}});
  try {
    if (s.step === 'second-chain') {
      const before = await h.run('client-cert');
      if (!before.ok) throw before.error;
      await markDone(h, 'connect');
    }
    fake.pca.latency = {csrMs: s.csrMs, issueMs: s.issueMs};
    const from = fake.calls.length;
    const outcome = await h.run(s.step as StepId);
    if (!outcome.ok) throw outcome.error;
    const done = h.events.find((e) => e.type === 'step-done' && e.stepId === s.step) as {durationMs: number} | undefined;
    const calls = fake.calls.slice(from);
    return {
      ms: done?.durationMs ?? NaN,
      csrPolls: calls.filter((c) => c.api === 'GetCertificateAuthorityCsr').length,
      certificatePolls: calls.filter((c) => c.api === 'GetCertificate').length,
    };
  } finally {
    await h.cleanup();
  }
}
