/**
 * A crash between "request sent" and "state saved", at every create call: the next run (a new process on
 * the same state dir) finds what the lost call made, by ARN, by tags, by name or by idempotency token, and
 * never makes a second CA, certificate, API, domain, bucket or truststore version.
 */
import {afterEach, describe, expect, test} from 'vitest';
import {CRASH, FakeAws} from './fake/index.js';
import {awsHarness, type AwsHarness} from './harness.js';

let h: AwsHarness | undefined;
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

/** What part A makes, counted in the fake AWS itself. */
function inventory(fake: FakeAws) {
  return {
    cas: [...fake.pca.cas.values()].filter((c) => c.status !== 'DELETED').length,
    issued: fake.pca.certificates.size,
    acm: fake.acm.certificates.size,
    apis: fake.apigw.apis.size,
    resources: [...fake.apigw.apis.values()].reduce((n, a) => n + a.resources.size, 0),
    stages: [...fake.apigw.apis.values()].reduce((n, a) => n + a.stages.size, 0),
    domains: fake.apigw.domains.size,
    mappings: [...fake.apigw.domains.values()].reduce((n, d) => n + d.mappings.length, 0),
    buckets: fake.s3.buckets.size,
    versions: [...fake.s3.buckets.values()].reduce((n, b) => n + b.versions.length, 0),
  };
}

const CLEAN = {cas: 2, issued: 3, acm: 1, apis: 1, resources: 3, stages: 1, domains: 1, mappings: 1, buckets: 1, versions: 1};

const CREATE_CALLS: [string, number][] = [
  ['RequestCertificate', 1],
  ['CreateCertificateAuthority', 1],
  ['CreateCertificateAuthority', 2],
  ['IssueCertificate', 1],
  ['IssueCertificate', 2],
  ['ImportCertificateAuthorityCertificate', 2],
  ['CreateRestApi', 1],
  ['CreateResource', 2],
  ['PutMethod', 1],
  ['CreateDeployment', 1],
  ['CreateDomainName', 1],
  ['CreateBasePathMapping', 1],
  ['CreateBucket', 1],
  ['PutObject', 1],
  ['UpdateDomainName', 1],
  ['IssueCertificate', 3],
];

describe('resume after a crash at a create call', () => {
  test.each(CREATE_CALLS)('%s #%i: the next run makes nothing twice', async (api, nth) => {
    const fake = new FakeAws().install();
    // Like moto, ignore CreateCertificateAuthority's and ACM's tokens: the tags alone must find the lost resource.
    fake.pca.honourCreateTokens = false;
    fake.acm.honourTokens = false;
    fake.core.crashAfter = {api, nth};
    h = await awsHarness({fake});
    const first = await h.run('client-cert');
    expect(first.ok).toBe(false);
    expect(String(first.error)).toContain(CRASH);
    fake.core.crashAfter = undefined;
    await h.restart();
    const second = await h.run('client-cert');
    expect(second.ok, String(second.error)).toBe(true);
    expect(inventory(fake)).toEqual(CLEAN);
    const state = h.state();
    expect(Object.values(state.cas).map((c) => c.status)).toEqual(['ACTIVE', 'ACTIVE']);
    expect(state.truststore!.versions).toHaveLength(1);
    expect(state.truststore!.pendingUpload).toBeUndefined();
    expect(state.clients.client1!.fingerprint).toBeTruthy();
  });

  test('a rerun after success only reads: no create call at all', async () => {
    h = await awsHarness();
    expect((await h.run('client-cert')).ok).toBe(true);
    // Forget the steps (as if state said they were still running) but keep every id: all is reused.
    await h.session.update((d) => {
      for (const id of Object.keys(d.steps)) d.steps[id] = {status: 'pending'};
    });
    const before = h.fake.calls.length;
    await h.restart();
    expect((await h.run('client-cert')).ok).toBe(true);
    const again = h.fake.calls.slice(before).map((c) => c.api);
    expect(again.filter((a) => /^(Create|Request|Issue|Import|PutObject|PutMethod$|PutMethodResponse$)/.test(a) && a !== 'CreateBasePathMapping')).toEqual(['PutMethod', 'PutMethodResponse']);
    expect(inventory(h.fake)).toEqual(CLEAN);
  });

  test('a CA found in its saved state keeps going from PENDING_CERTIFICATE without a second IssueCertificate', async () => {
    const fake = new FakeAws().install();
    fake.core.crashAfter = {api: 'GetCertificate', nth: 1};
    h = await awsHarness({fake});
    expect((await h.run('root-ca')).ok).toBe(false);
    fake.core.crashAfter = undefined;
    await h.restart();
    expect((await h.run('root-ca')).ok).toBe(true);
    expect(fake.core.count('IssueCertificate')).toBe(1);
    expect(fake.core.count('CreateCertificateAuthority')).toBe(1);
  });
});
