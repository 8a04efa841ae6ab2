/**
 * The SDK waiters (waitUntilCertificateAuthorityCSRCreated, waitUntilCertificateIssued) keep polling while
 * AWS answers RequestInProgressException. The SDK waits at least 1 s between polls, so the clock is faked.
 */
import {afterEach, describe, expect, test, vi} from 'vitest';
import {FakeAws} from './fake/index.js';
import {awsHarness, type AwsHarness} from './harness.js';

let h: AwsHarness | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await h?.cleanup();
  h = undefined;
});

/**
 * Settles a promise while the fake clock moves on: a second at a time whenever a timer (the waiter's
 * sleep) is pending; otherwise real I/O (state writes) is given time to finish.
 */
async function drive<T>(promise: Promise<T>): Promise<T> {
  let settled = false;
  promise.then(() => (settled = true), () => (settled = true));
  const deadline = performance.now() + 20_000;
  while (!settled && performance.now() < deadline) {
    if (vi.getTimerCount() > 0) await vi.advanceTimersByTimeAsync(1_000);
    else await new Promise((resolve) => setImmediate(resolve));
  }
  return promise;
}

describe('SDK waiters', () => {
  test('the CSR waiter polls through RequestInProgressException, and says what it waits for', async () => {
    const fake = new FakeAws().install();
    fake.pca.csrPendingPolls = 2;
    h = await awsHarness({fake});
    vi.useFakeTimers({toFake: ['setTimeout', 'clearTimeout', 'Date']});
    const ctx = h.session.context('root-ca');
    const record = await drive(h.backend.ensureCa(ctx, h.state().inputs.cas[0]!));
    expect(record.status).toBe('ACTIVE');
    expect(fake.core.apis().filter((a) => a === 'GetCertificateAuthorityCsr')).toHaveLength(4);
    expect(h.events.some((e) => e.type === 'waiting' && e.message === 'waiting for AWS Private CA to make the key and CSR of rootCA')).toBe(true);
    expect(h.events.some((e) => e.type === 'call' && e.name === 'waitUntilCertificateAuthorityCSRCreated' && e.ok)).toBe(true);
    expect(fake.core.apis().slice(0, 6)).toEqual(['CreateCertificateAuthority', 'DescribeCertificateAuthority', 'GetCertificateAuthorityCsr', 'GetCertificateAuthorityCsr', 'GetCertificateAuthorityCsr', 'GetCertificateAuthorityCsr']);
  });

  test('AccessDenied inside a waiter still names the IAM action', async () => {
    const fake = new FakeAws().install();
    const {awsError} = await import('./fake/index.js');
    fake.core.failBefore = {api: 'GetCertificateAuthorityCsr', error: awsError('AccessDeniedException', 'not authorized', 403)};
    h = await awsHarness({fake});
    await expect(h.backend.ensureCa(h.session.context('root-ca'), h.state().inputs.cas[0]!)).rejects.toThrow(/lacks the IAM permission acm-pca:GetCertificateAuthorityCsr/);
  });

  test('an error that the old waiter would retry until it times out is reported as itself', async () => {
    const fake = new FakeAws().install();
    const {awsError} = await import('./fake/index.js');
    fake.pca.csrPendingPolls = 1;
    h = await awsHarness({fake});
    // The first answer is "in progress"; every later one is AccessDenied (a policy changed meanwhile).
    let n = 0;
    fake.core.failBefore = undefined;
    const original = fake.pca.csr.bind(fake.pca);
    fake.pca.csr = async (ca) => {
      n += 1;
      if (n > 1) throw awsError('AccessDeniedException', 'not authorized', 403);
      return original(ca);
    };
    vi.useFakeTimers({toFake: ['setTimeout', 'clearTimeout', 'Date']});
    await expect(drive(h.backend.ensureCa(h.session.context('root-ca'), h.state().inputs.cas[0]!))).rejects.toThrow(/lacks the IAM permission acm-pca:GetCertificateAuthorityCsr/);
  });
});
