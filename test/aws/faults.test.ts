/**
 * Faults on the AWS path (issue 8): throttling and transient server errors injected into the fake AWS,
 * driven on a fake clock (no real sleeps). The run survives them without making anything twice; a fault
 * that outlasts the retries fails its step with one line, and the next `run` completes.
 */
import {afterEach, describe, expect, test, vi} from 'vitest';
import {DEFAULT_TIMING} from '../../source/backends/aws/wait.js';
import type {RunnerEvent} from '../../source/wizard/events.js';
import {drive, useFakeClock} from './clock.js';
import {awsError, FakeAws} from './fake/index.js';
import {awsHarness, fastTiming, type AwsHarness} from './harness.js';

let h: AwsHarness | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await h?.cleanup();
  h = undefined;
});

/** Instant-ish polls, but real setTimeout sleeps (on the fake clock) and a fixed jitter: delays are exact. */
const timing = () => ({...fastTiming(), sleep: DEFAULT_TIMING.sleep, random: () => 0.5});

const tooMany = () => awsError('TooManyRequestsException', 'Too Many Requests', 429);
const internal = () => awsError('InternalFailure', 'We encountered an internal error. Please try again.', 500);

const waits = (events: RunnerEvent[]) => events.flatMap((e) => (e.type === 'waiting' ? [e.message] : []));
const failure = (events: RunnerEvent[]) => (events.find((e) => e.type === 'step-failed') as {stepId: string; message: string} | undefined);

async function harness(fake: FakeAws) {
  h = await awsHarness({fake, deps: {timing: timing(), checkCurl: async () => {}}});
  return h;
}

describe('throttling and transient faults', () => {
  test('throttled domain-name calls wait out the 30-s quota and 5xx on S3 are retried: the run completes, each thing made once', async () => {
    const fake = new FakeAws().install();
    fake.core.inject('CreateDomainName', tooMany(), 3);
    fake.core.inject('UpdateDomainName', tooMany(), 2);
    fake.core.inject('HeadBucket', internal(), 2);
    fake.core.inject('PutBucketVersioning', awsError('ServiceUnavailable', 'Service Unavailable', 503));
    fake.core.inject('PutObject', awsError('SlowDown', 'Please reduce your request rate.', 503), 2);
    await harness(fake);
    useFakeClock();
    const {value: outcome, ms} = await drive(h!.run('mtls'));
    expect(outcome.ok, String(outcome.error)).toBe(true);

    const core = fake.core;
    expect(core.count('CreateDomainName')).toBe(4);
    expect(core.count('UpdateDomainName')).toBe(3);
    expect(core.count('HeadBucket')).toBe(3);
    expect(core.count('PutBucketVersioning')).toBe(2);
    expect(core.count('PutObject')).toBe(3);
    expect(core.count('CreateBucket')).toBe(1);
    expect(fake.apigw.domains.size).toBe(1);
    expect(fake.s3.buckets.size).toBe(1);
    expect([...fake.s3.buckets.values()][0]!.versions).toHaveLength(1);

    const quota = waits(h!.events).filter((m) => m.startsWith("waiting for API Gateway's once-per-30-s domain quota"));
    expect(quota).toEqual([
      "waiting for API Gateway's once-per-30-s domain quota (CreateDomainName: TooManyRequestsException; try 2 of 21 in 30 s)",
      "waiting for API Gateway's once-per-30-s domain quota (CreateDomainName: TooManyRequestsException; try 3 of 21 in 30 s)",
      "waiting for API Gateway's once-per-30-s domain quota (CreateDomainName: TooManyRequestsException; try 4 of 21 in 30 s)",
      "waiting for API Gateway's once-per-30-s domain quota (UpdateDomainName: TooManyRequestsException; try 2 of 21 in 30 s)",
      "waiting for API Gateway's once-per-30-s domain quota (UpdateDomainName: TooManyRequestsException; try 3 of 21 in 30 s)",
    ]);
    expect(waits(h!.events)).toContain('AWS answered HeadBucket with a server error (HeadBucket: InternalFailure; try 2 of 5 in 1 s)');
    expect(waits(h!.events)).toContain('AWS is throttling PutObject (PutObject: SlowDown; try 3 of 8 in 2 s)');
    // Five 30-s quota waits, then the S3 back-off (0.5 + 1 s, 0.5 s, 1 + 2 s) on the simulated clock.
    expect(ms).toBeGreaterThanOrEqual(5 * 30_000 + 5_000);
    expect(ms).toBeLessThan(5 * 30_000 + 10_000);
  });

  test('creates whose answer was lost to a 5xx after AWS did the work are retried and still made once', async () => {
    const fake = new FakeAws().install();
    fake.core.inject('CreateCertificateAuthority', internal(), 1, {lost: true});
    fake.core.inject('IssueCertificate', internal(), 1, {lost: true});
    fake.core.inject('CreateBucket', awsError('InternalError', 'We encountered an internal error.', 500), 1, {lost: true});
    fake.core.inject('CreateDomainName', awsError('BadGatewayException', 'Bad Gateway', 502), 1, {lost: true});
    await harness(fake);
    useFakeClock();
    const {value: outcome} = await drive(h!.run('mtls'));
    expect(outcome.ok, String(outcome.error)).toBe(true);
    expect(fake.core.count('CreateCertificateAuthority')).toBe(3);
    expect(fake.pca.cas.size).toBe(2);
    expect(fake.core.count('CreateDomainName')).toBe(2);
    expect(fake.apigw.domains.size).toBe(1);
    expect(fake.core.count('CreateBucket')).toBe(2);
    expect(fake.s3.buckets.size).toBe(1);
    // Both IssueCertificate tries carried the same token, so AWS returned the one certificate.
    const tokens = fake.core.inputs<{IdempotencyToken: string}>('IssueCertificate').slice(0, 2).map((i) => i.IdempotencyToken);
    expect(tokens[0]).toBe(tokens[1]);
    expect(h!.state().cas.rootCA?.certificateArn).toBeDefined();
  });
});

describe('a fault that outlasts the retries', () => {
  test('CreateDomainName throttled for 10 minutes fails the step with one line; the next run completes and makes each thing once', async () => {
    const fake = new FakeAws().install();
    fake.core.inject('CreateDomainName', tooMany(), 21);
    await harness(fake);
    useFakeClock();
    const {value: first, ms} = await drive(h!.run('mtls'));
    expect(first.ok).toBe(false);
    const failed = failure(h!.events)!;
    expect(failed.stepId).toBe('custom-domain');
    expect(failed.message).toBe(
      'AWS CreateDomainName failed: AWS kept throttling it (TooManyRequestsException) through 21 tries over 10 min. Fix: run `mtls-wizard run` again (or the command that stopped): it continues where it stopped and makes nothing twice',
    );
    expect(fake.core.count('CreateDomainName')).toBe(21);
    expect(ms).toBeGreaterThanOrEqual(20 * 30_000);
    expect(fake.apigw.domains.size).toBe(0);

    vi.useRealTimers();
    await h!.restart();
    const before = fake.calls.length;
    const second = await h!.run('mtls');
    expect(second.ok, String(second.error)).toBe(true);
    const again = fake.calls.slice(before).map((c) => c.api);
    expect(again.filter((a) => a === 'CreateDomainName')).toHaveLength(1);
    for (const create of ['CreateCertificateAuthority', 'RequestCertificate', 'CreateRestApi', 'CreateDeployment', 'IssueCertificate']) expect(again, create).not.toContain(create);
    expect(fake.core.count('CreateCertificateAuthority')).toBe(2);
    expect(fake.core.count('CreateRestApi')).toBe(1);
    expect(fake.core.count('CreateDeployment')).toBe(1);
    expect(fake.core.count('PutObject')).toBe(1);
    expect(fake.apigw.domains.size).toBe(1);
    expect(fake.apigw.apis.size).toBe(1);
    expect(fake.pca.cas.size).toBe(2);
  });

  test('AWS_MAX_ATTEMPTS=2 bounds the tries of every call: a throttled CreateDomainName fails its step after 2, not 21', async () => {
    vi.stubEnv('AWS_MAX_ATTEMPTS', '2');
    try {
      const fake = new FakeAws().install();
      fake.core.inject('CreateDomainName', tooMany(), 3);
      await harness(fake);
      useFakeClock();
      const {value: first} = await drive(h!.run('mtls'));
      expect(first.ok).toBe(false);
      expect(failure(h!.events)?.message).toMatch(/^AWS CreateDomainName failed: AWS kept throttling it \(TooManyRequestsException\) through 2 tries/);
      expect(fake.core.count('CreateDomainName')).toBe(2);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  test('a server error on CreateRestApi (no idempotency token) is not repeated blindly: the step fails, and the next run finds the API by its tags', async () => {
    const fake = new FakeAws().install();
    fake.core.inject('CreateRestApi', internal(), 1, {lost: true});
    await harness(fake);
    useFakeClock();
    const {value: first} = await drive(h!.run('api'));
    expect(first.ok).toBe(false);
    expect(fake.core.count('CreateRestApi')).toBe(1);
    const failed = failure(h!.events)!;
    expect(failed.stepId).toBe('api');
    expect(failed.message).toMatch(/^AWS CreateRestApi failed: AWS answered with a server error \(InternalFailure, HTTP 500\); the request may or may not have taken effect, so it is not repeated blindly\. Fix: run `mtls-wizard run` again/);
    expect(failed.message).not.toContain('\n');

    vi.useRealTimers();
    await h!.restart();
    expect((await h!.run('api')).ok).toBe(true);
    expect(fake.core.count('CreateRestApi')).toBe(1);
    expect(fake.apigw.apis.size).toBe(1);
    expect(h!.state().api?.id).toBe([...fake.apigw.apis.keys()][0]);
  });

  test('a PutObject that met a server error is looked for by its token before it is put again: one version either way', async () => {
    const fake = new FakeAws().install();
    // First upload: S3 stored it but the answer was lost. Second upload (part B): refused before storing.
    fake.core.inject('PutObject', internal(), 1, {lost: true});
    await harness(fake);
    useFakeClock();
    const {value: first} = await drive(h!.run('mtls'));
    expect(first.ok, String(first.error)).toBe(true);
    expect(fake.core.count('PutObject')).toBe(1);
    const bucket = [...fake.s3.buckets.values()][0]!;
    expect(bucket.versions).toHaveLength(1);
    expect(h!.state().truststore?.pinnedVersion).toBe(bucket.versions[0]!.versionId);
    expect(waits(h!.events)).toContain('S3 answered PutObject with a server error (InternalFailure): checking whether the version was stored before trying again');
  });

  test('PutObject failing with server errors three times fails the step; the next run uploads once', async () => {
    const fake = new FakeAws().install();
    fake.core.inject('PutObject', internal(), 3);
    await harness(fake);
    useFakeClock();
    const {value: first} = await drive(h!.run('mtls'));
    expect(first.ok).toBe(false);
    expect(failure(h!.events)?.stepId).toBe('mtls');
    expect(failure(h!.events)?.message).toMatch(/^AWS PutObject failed: AWS answered with a server error \(InternalFailure, HTTP 500\)/);
    expect(fake.core.count('PutObject')).toBe(3);
    vi.useRealTimers();
    await h!.restart();
    expect((await h!.run('mtls')).ok).toBe(true);
    expect(fake.core.count('PutObject')).toBe(4);
    const bucket = [...fake.s3.buckets.values()][0]!;
    expect(bucket.versions).toHaveLength(1);
    expect(h!.state().truststore?.pinnedVersion).toBe(bucket.versions[0]!.versionId);
  });
});

describe('teardown under the same quotas', () => {
  test('a throttled DeleteDomainName waits for its slot and teardown completes, deleting each thing once', async () => {
    const fake = new FakeAws().install();
    await harness(fake);
    expect((await h!.run('mtls')).ok).toBe(true);
    fake.core.inject('DeleteDomainName', tooMany(), 2);
    fake.core.inject('DeleteRestApi', tooMany(), 1);
    useFakeClock();
    await drive(h!.backend.teardown(h!.session.context()));
    expect(fake.core.count('DeleteDomainName')).toBe(3);
    expect(fake.core.count('DeleteRestApi')).toBe(2);
    expect(fake.apigw.domains.size).toBe(0);
    expect(fake.apigw.apis.size).toBe(0);
    expect(waits(h!.events).filter((m) => m.startsWith("waiting for API Gateway's once-per-30-s domain quota (DeleteDomainName"))).toHaveLength(2);
  });
});
