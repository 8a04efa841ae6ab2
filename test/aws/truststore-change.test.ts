/**
 * `truststore add` and `truststore remove` on the AWS backend against the fake AWS: the exact calls, the
 * PutObject body (which certificates, each once) and the UpdateDomainName patch operations that pin the new
 * version, as the API Gateway documentation describes them (aws-mtls-facts.md §1.5). A lost PutObject answer
 * (crash after the upload reached S3) is found again by its token: one object version, not two.
 */
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest';
import {addPartnerChain, retireCa} from '../../source/lifecycle/truststore-change.js';
import {isTrusted} from '../../source/lifecycle/trust.js';
import {type PartnerPki, makePartnerPki} from '../local/openssl-fixtures.js';
import {CRASH} from './fake/index.js';
import {awsHarness, markDone, type AwsHarness} from './harness.js';

let h: AwsHarness | undefined;
let pkiDir: string;
let partner: PartnerPki;

beforeAll(async () => {
  pkiDir = await mkdtemp(path.join(os.tmpdir(), 'mtls-aws-partner-'));
  partner = await makePartnerPki(pkiDir);
});
afterAll(() => rm(pkiDir, {recursive: true, force: true}));
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

const pemCount = (text: string) => (text.match(/-----BEGIN CERTIFICATE-----/g) ?? []).length;
const once = (body: string, pem: string) => body.split(pem.trim()).length - 1;

/** The whole walkthrough on the fake AWS (connect steps marked done: they would curl the real domain). */
async function completeWalkthrough(): Promise<AwsHarness> {
  const harness = await awsHarness();
  expect((await harness.run('client-cert')).ok).toBe(true);
  await markDone(harness, 'connect');
  expect((await harness.run('client-cert-2')).ok).toBe(true);
  await markDone(harness, 'connect-2');
  return harness;
}

describe('truststore add / remove on aws (mocked)', () => {
  test('add: PutObject of the pinned bundle plus the partner chain, then UpdateDomainName replacing truststoreVersion', async () => {
    h = await completeWalkthrough();
    const state = h.state();
    const before = h.fake.calls.length;
    const result = await addPartnerChain(h.session.context(), h.backend, partner.chainFile);
    const calls = h.fake.calls.slice(before);
    expect(calls.map((c) => c.api)).toEqual(['GetBucketVersioning', 'PutObject', 'GetDomainName', 'UpdateDomainName', 'GetDomainName', 'GetDomainName']);

    const put = calls.find((c) => c.api === 'PutObject')!.input as any;
    expect(put).toMatchObject({Bucket: state.truststore!.bucket, Key: state.truststore!.key, ContentType: 'application/x-pem-file', ExpectedBucketOwner: '111122223333'});
    expect(pemCount(put.Body)).toBe(6);
    for (const file of ['cas/rootCA/certificate.pem', 'cas/intermediateCA0/certificate.pem', 'cas/intermediateCA1/certificate.pem', 'cas/intermediateCA2/certificate.pem']) {
      expect(once(put.Body, await readFile(path.join(h.dir, file), 'utf8')), file).toBe(1);
    }
    expect(once(put.Body, partner.root.certPem)).toBe(1);
    expect(once(put.Body, partner.issuing.certPem)).toBe(1);

    const version = h.state().truststore!.versions.at(-1)!;
    expect(result.version).toBe(version.versionId);
    expect((calls.find((c) => c.api === 'UpdateDomainName')!.input as any)).toEqual({
      domainName: 'api.mtls.test',
      patchOperations: [{op: 'replace', path: '/mutualTlsAuthentication/truststoreVersion', value: version.versionId}],
    });
    expect(h.fake.apigw.domains.get('api.mtls.test')!.mutualTlsAuthentication).toMatchObject({truststoreUri: state.truststore!.uri, truststoreVersion: version.versionId});
    expect(h.state().truststore!.pinnedVersion).toBe(version.versionId);
    // Partner CAs are recorded without a key and without an ARN: AWS Private CA knows nothing of them.
    expect(h.state().cas['Partner-Issuing-CA']).toMatchObject({external: true, parent: 'Partner-Root-CA'});
    expect(h.state().cas['Partner-Issuing-CA']!.arn).toBeUndefined();
    expect(isTrusted(h.state(), 'Partner-Issuing-CA')).toBe(true);
    expect(h.fake.core.count('CreateCertificateAuthority')).toBe(4);
  });

  test('remove: PutObject without the CA and the CA below it, UpdateDomainName re-pins; a second run sends nothing', async () => {
    h = await completeWalkthrough();
    const before = h.fake.calls.length;
    let asked = '';
    const result = await retireCa(h.session.context(), h.backend, 'intermediateCA1', async (plan) => {
      asked = plan.removed.map((r) => r.name).join(',');
      return true;
    });
    expect(asked).toBe('intermediateCA1,intermediateCA2');
    const calls = h.fake.calls.slice(before);
    expect(calls.map((c) => c.api)).toEqual(['GetBucketVersioning', 'PutObject', 'GetDomainName', 'UpdateDomainName', 'GetDomainName', 'GetDomainName']);
    const body = (calls.find((c) => c.api === 'PutObject')!.input as any).Body as string;
    expect(pemCount(body)).toBe(2);
    expect(once(body, await readFile(path.join(h.dir, 'cas/rootCA/certificate.pem'), 'utf8'))).toBe(1);
    expect(once(body, await readFile(path.join(h.dir, 'cas/intermediateCA0/certificate.pem'), 'utf8'))).toBe(1);
    expect((calls.find((c) => c.api === 'UpdateDomainName')!.input as any).patchOperations).toEqual([{op: 'replace', path: '/mutualTlsAuthentication/truststoreVersion', value: result.version}]);
    expect(result.untrustedClients).toEqual(['client2']);
    expect(isTrusted(h.state(), 'intermediateCA2')).toBe(false);
    expect(isTrusted(h.state(), 'intermediateCA0')).toBe(true);
    // AWS Private CA is untouched: retiring a CA from the truststore deletes no CA.
    expect(calls.some((c) => c.service === 'acm-pca')).toBe(false);

    const again = h.fake.calls.length;
    await retireCa(h.session.context(), h.backend, 'intermediateCA1', async () => true);
    expect(h.fake.calls.slice(again)).toEqual([]);
  });

  test('a crash after PutObject reached S3: the re-run finds that version by its token and only pins it', async () => {
    h = await completeWalkthrough();
    h.fake.core.crashAfter = {api: 'PutObject', nth: 3};
    await expect(addPartnerChain(h.session.context(), h.backend, partner.chainFile)).rejects.toThrow(/simulated crash/);
    expect(h.state().truststore!.pendingUpload?.step).toMatch(/^truststore-add-/);
    await h.restart();
    const before = h.fake.calls.length;
    const result = await addPartnerChain(h.session.context(), h.backend, partner.chainFile);
    const calls = h.fake.calls.slice(before).map((c) => c.api);
    expect(calls).not.toContain('PutObject');
    expect(calls.slice(0, 3)).toEqual(['GetBucketVersioning', 'ListObjectVersions', 'HeadObject']);
    expect(h.fake.core.count('PutObject')).toBe(3);
    expect(h.fake.s3.buckets.get(h.state().truststore!.bucket)!.versions).toHaveLength(3);
    expect(h.state().truststore!.pinnedVersion).toBe(result.version);
    expect(h.state().truststore!.pendingUpload).toBeUndefined();
  });
});
