/**
 * Teardown: reverse order, each action shown, CAs disabled then deleted with a 7-day window, every
 * object version then the bucket, safe to re-run, and nothing touched that the walkthrough did not make.
 */
import {readdir} from 'node:fs/promises';
import {afterEach, describe, expect, test} from 'vitest';
import {awsError, FakeAws} from './fake/index.js';
import {awsHarness, markDone, type AwsHarness} from './harness.js';

let h: AwsHarness | undefined;
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

const DELETES = /^(Delete|Update(CertificateAuthority)$)|^ChangeResourceRecordSets$/;

async function fullRun(fake = new FakeAws().install()): Promise<AwsHarness> {
  fake.hostedZones = [{id: 'Z0TEST', name: 'mtls.test.'}];
  const harness = await awsHarness({fake});
  expect((await harness.run('client-cert')).ok).toBe(true);
  await markDone(harness, 'connect');
  expect((await harness.run('client-cert-2')).ok).toBe(true);
  return harness;
}

describe('aws teardown', () => {
  test('deletes in reverse order, children CAs first, and the bucket last', async () => {
    h = await fullRun();
    const before = h.fake.calls.length;
    await h.backend.teardown(h.session.context());
    const calls = h.fake.calls.slice(before).filter((c) => DELETES.test(c.api));
    const state = h.state();
    expect(calls.map((c) => c.api)).toEqual([
      'DeleteBasePathMapping',
      'DeleteDomainName',
      'DeleteRestApi',
      'DeleteCertificate',
      'ChangeResourceRecordSets',
      'ChangeResourceRecordSets',
      'UpdateCertificateAuthority',
      'DeleteCertificateAuthority',
      'UpdateCertificateAuthority',
      'DeleteCertificateAuthority',
      'UpdateCertificateAuthority',
      'DeleteCertificateAuthority',
      'UpdateCertificateAuthority',
      'DeleteCertificateAuthority',
      'DeleteObjects',
      'DeleteBucket',
    ]);
    const caOrder = calls.filter((c) => c.api === 'DeleteCertificateAuthority').map((c) => c.input);
    const arns = Object.fromEntries([...h.fake.pca.cas.values()].map((ca) => [ca.arn, ca.commonName]));
    expect(caOrder.map((i) => arns[i.CertificateAuthorityArn as string])).toEqual(['intermediateCA2', 'intermediateCA1', 'intermediateCA0', 'rootCA']);
    expect(caOrder.every((i) => i.PermanentDeletionTimeInDays === 7)).toBe(true);
    expect(calls.filter((c) => c.api === 'UpdateCertificateAuthority').every((c) => c.input.Status === 'DISABLED')).toBe(true);
    expect(calls.filter((c) => c.api === 'ChangeResourceRecordSets').map((c) => (c.input as any).ChangeBatch.Changes[0].Action)).toEqual(['DELETE', 'DELETE']);
    expect((calls.find((c) => c.api === 'DeleteObjects')!.input as any).Delete.Objects).toHaveLength(2);

    expect([...h.fake.pca.cas.values()].every((ca) => ca.status === 'DELETED')).toBe(true);
    expect(h.fake.apigw.apis.size + h.fake.apigw.domains.size + h.fake.acm.certificates.size + h.fake.s3.buckets.size + h.fake.records.size).toBe(0);
    expect(state.cas).toEqual({});
    expect(state.api ?? state.domain ?? state.truststore).toBeUndefined();
    expect(state.aws?.costConfirmedAt).toBeUndefined();
    expect((await readdir(h.dir)).filter((f) => !f.startsWith('state') && !f.startsWith('.'))).toEqual([]);
    const logs = h.events.filter((e) => e.type === 'log').map((e) => (e as {message: string}).message);
    expect(logs.filter((m) => /deleted rootCA: its billing stops now; it can be restored until \d{4}-\d\d-\d\d/.test(m))).toHaveLength(1);
  });

  test('is safe to re-run: a second teardown deletes nothing and succeeds', async () => {
    h = await fullRun();
    await h.backend.teardown(h.session.context());
    const before = h.fake.calls.length;
    await h.backend.teardown(h.session.context());
    expect(h.fake.calls.slice(before).filter((c) => DELETES.test(c.api))).toEqual([]);
  });

  test('leaves alone what it did not make, and finds a CA whose ARN was never saved', async () => {
    const fake = new FakeAws().install();
    h = await fullRun(fake);
    // Someone else's CA and API in the same account.
    const other = await fake.pca.create({CertificateAuthorityType: 'ROOT', CertificateAuthorityConfiguration: {KeyAlgorithm: 'EC_prime256v1', Subject: {CommonName: 'someoneElse'}}, Tags: [{Key: 'mtls-wizard:walkthrough', Value: 'mw-other'}]});
    fake.pca.cas.get(other.CertificateAuthorityArn!)!.status = 'ACTIVE';
    // A CA of this walkthrough whose ARN never reached the state (crash right after the create call).
    const leaked = await fake.pca.create({CertificateAuthorityType: 'SUBORDINATE', CertificateAuthorityConfiguration: {KeyAlgorithm: 'EC_prime256v1', Subject: {CommonName: 'intermediateCA9'}}, Tags: [{Key: 'mtls-wizard:walkthrough', Value: h.state().walkthroughId}, {Key: 'mtls-wizard:role', Value: 'ca:intermediateCA9'}]});
    await h.backend.teardown(h.session.context());
    expect(fake.pca.cas.get(other.CertificateAuthorityArn!)!.status).toBe('ACTIVE');
    expect(fake.pca.cas.get(leaked.CertificateAuthorityArn!)!.status).toBe('DELETED');
  });

  test('a domain of the same name that is not ours is left alone', async () => {
    const fake = new FakeAws().install();
    h = await awsHarness({fake});
    expect((await h.run('root-ca')).ok).toBe(true);
    fake.apigw.domains.set('api.mtls.test', {domainName: 'api.mtls.test', regionalCertificateArn: 'x', regionalDomainName: 'd', regionalHostedZoneId: 'z', securityPolicy: 'TLS_1_2', tags: {}, status: 'AVAILABLE', updating: 0, mappings: []});
    await h.backend.teardown(h.session.context());
    expect(fake.apigw.domains.has('api.mtls.test')).toBe(true);
    expect(fake.core.count('DeleteDomainName')).toBe(0);
  });

  test('retries an ACM certificate still in use, and keeps going past a failure, then fails naming what remains', async () => {
    const fake = new FakeAws().install();
    h = await fullRun(fake);
    fake.core.failBefore = {api: 'DeleteRestApi', error: awsError('AccessDeniedException', 'User is not authorized to perform: apigateway:DELETE', 403)};
    const deleteCertificate = fake.acm.inUse;
    let busy = 1;
    fake.acm.inUse = (arn) => busy-- > 0 || deleteCertificate(arn);
    await expect(h.backend.teardown(h.session.context())).rejects.toThrow(/teardown left 1 part in AWS: REST API: AWS DeleteRestApi failed: access denied: the caller lacks the IAM permission apigateway:DELETE/);
    expect(fake.core.count('DeleteCertificate')).toBe(2);
    expect([...fake.pca.cas.values()].every((ca) => ca.status === 'DELETED')).toBe(true);
    expect(h.state().api?.id).toBeTruthy();
    fake.core.failBefore = undefined;
    await h.backend.teardown(h.session.context());
    expect(fake.apigw.apis.size).toBe(0);
    expect(h.state().api).toBeUndefined();
  });

  test('a dry-run teardown prints the plan and calls nothing', async () => {
    h = await fullRun();
    const lines: string[] = [];
    await h.restart({dryRun: true, print: (l) => lines.push(l)});
    const before = h.fake.calls.length;
    await h.backend.teardown(h.session.context());
    expect(h.fake.calls.length).toBe(before);
    expect(lines.join('\n')).toMatch(/DeleteDomainName[\s\S]*DeleteRestApi[\s\S]*DeleteCertificate[\s\S]*intermediateCA2: UpdateCertificateAuthority DISABLED, DeleteCertificateAuthority PermanentDeletionTimeInDays 7[\s\S]*rootCA[\s\S]*DeleteBucket/);
    expect(h.state().cas.rootCA?.arn).toBeTruthy();
  });
});
