/**
 * `--backend aws --ca-source local`: the CA hierarchy and the client certificates are made on this machine
 * (the local backend's files), everything else goes to the fake AWS as with Private CA. Not one ACM PCA
 * call; the two truststore versions hold exactly the local CA certificates (fingerprints by openssl) and
 * each is pinned; a crash at any create call resumes without making anything twice; teardown removes the
 * AWS resources in reverse order and then the files.
 */
import {access, readFile, stat} from 'node:fs/promises';
import path from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import {createAwsClients} from '../../source/backends/aws/clients.js';
import {statusDocument} from '../../source/commands/status.js';
import {openssl, opensslOk, tempDir} from '../pki/openssl.js';
import {CRASH, FakeAws} from './fake/index.js';
import {PASSPHRASE, awsHarness, markDone, type AwsHarness} from './harness.js';

let h: AwsHarness | undefined;
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

const LOCAL_CAS = {caSource: 'local' as const};
const CA_NAMES = ['rootCA', 'intermediateCA0', 'intermediateCA1', 'intermediateCA2'];

/** Part A on AWS with the CAs made here: the Private CA calls are gone, nothing else changes. */
const PART_A = [
  'GetCallerIdentity',
  'RequestCertificate',
  'DescribeCertificate',
  'DescribeCertificate',
  'ListHostedZonesByName',
  'ListHostedZonesByName',
  'CreateRestApi',
  'GetResources',
  'CreateResource',
  'CreateResource',
  'PutMethod',
  'PutIntegration',
  'PutMethodResponse',
  'PutIntegrationResponse',
  'GetStage',
  'CreateDeployment',
  'DescribeCertificate',
  'GetDomainName',
  'CreateDomainName',
  'GetDomainName',
  'GetDomainName',
  'GetBasePathMappings',
  'CreateBasePathMapping',
  'ListHostedZonesByName',
  'ListHostedZonesByName',
  'HeadBucket',
  'CreateBucket',
  'PutBucketTagging',
  'PutBucketVersioning',
  'PutObject',
  'GetDomainName',
  'UpdateDomainName',
  'GetDomainName',
  'GetDomainName',
];

const PART_B = ['GetCallerIdentity', 'GetBucketVersioning', 'PutObject', 'GetDomainName', 'UpdateDomainName', 'GetDomainName', 'GetDomainName'];

const exists = (file: string) => access(file).then(() => true, () => false);

/** SHA-256 fingerprints of every certificate in a PEM text, computed by openssl (the oracle). */
function fingerprints(pem: string): string[] {
  const dir = tempDir();
  try {
    const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    return blocks.map((block, i) => opensslOk(['x509', '-noout', '-fingerprint', '-sha256', '-in', dir.write(`${i}.pem`, `${block}\n`)]).trim().split('=')[1]!);
  } finally {
    dir.remove();
  }
}

async function caFingerprint(dir: string, name: string): Promise<string> {
  return fingerprints(await readFile(path.join(dir, 'cas', name, 'certificate.pem'), 'utf8'))[0]!;
}

async function fullRun(fake = new FakeAws().install()): Promise<AwsHarness> {
  const harness = await awsHarness({fake, choices: LOCAL_CAS});
  const a = await harness.run('client-cert');
  expect(a.ok, String(a.error)).toBe(true);
  await markDone(harness, 'connect');
  const b = await harness.run('client-cert-2');
  expect(b.ok, String(b.error)).toBe(true);
  return harness;
}

describe('aws with --ca-source local', () => {
  test('the walkthrough sends no ACM PCA request, uploads exactly the local CA certificates and pins each version', async () => {
    h = await fullRun();
    const calls = h.fake.calls;
    expect(calls.filter((c) => c.service === 'acm-pca')).toEqual([]);
    const boundary = calls.findIndex((c, i) => i > 0 && c.api === 'GetCallerIdentity');
    expect(calls.slice(0, boundary).map((c) => c.api)).toEqual(PART_A);
    expect(calls.slice(boundary).map((c) => c.api)).toEqual(PART_B);

    const state = h.state();
    expect(state.inputs.caSource).toBe('local');
    const fp = Object.fromEntries(await Promise.all(CA_NAMES.map(async (n) => [n, await caFingerprint(h!.dir, n)] as const)));
    const puts = h.fake.core.inputs<{Body: string}>('PutObject');
    expect(puts).toHaveLength(2);
    expect(fingerprints(puts[0]!.Body).sort()).toEqual([fp.intermediateCA0, fp.rootCA].sort());
    expect(fingerprints(puts[1]!.Body).sort()).toEqual([fp.rootCA, fp.intermediateCA0, fp.intermediateCA1, fp.intermediateCA2].sort());

    // Each uploaded version is the one the following UpdateDomainName pins.
    const updates = h.fake.core.inputs<{patchOperations: {path: string; value: string}[]}>('UpdateDomainName');
    expect(updates).toHaveLength(2);
    const versions = state.truststore!.versions;
    expect(versions.map((v) => v.step)).toEqual(['mtls', 'truststore-update']);
    const pinned = updates.map((u) => u.patchOperations.find((p) => p.path === '/mutualTlsAuthentication/truststoreVersion')!.value);
    expect(pinned).toEqual(versions.map((v) => v.versionId));
    const bucket = h.fake.s3.buckets.get(state.truststore!.bucket)!;
    for (const [i, v] of versions.entries()) expect(bucket.versions.find((o) => o.versionId === v.versionId)?.body).toBe(puts[i]!.Body);
    expect(state.truststore!.pinnedVersion).toBe(versions[1]!.versionId);
  });

  test('the CAs and clients are the local backend\'s files: openssl verifies them, keys 0600 in 0700, records without ARN', async () => {
    h = await fullRun();
    const f = (p: string) => path.join(h!.dir, p);
    const root = f('cas/rootCA/certificate.pem');
    opensslOk(['verify', '-CAfile', root, f('cas/intermediateCA0/certificate.pem')]);
    opensslOk(['verify', '-CAfile', root, '-untrusted', f('cas/intermediateCA1/certificate.pem'), f('cas/intermediateCA2/certificate.pem')]);
    opensslOk(['verify', '-CAfile', root, '-untrusted', f('cas/intermediateCA0/certificate.pem'), '-purpose', 'sslclient', f('clients/client1/certificate.pem')]);
    opensslOk(['verify', '-CAfile', root, '-untrusted', f('cas/intermediateCA2/chain.pem'), '-purpose', 'sslclient', f('clients/client2/certificate.pem')]);
    // client2 does not chain to intermediateCA0: the oracle must be able to say no.
    expect(openssl(['verify', '-CAfile', root, '-untrusted', f('cas/intermediateCA0/certificate.pem'), f('clients/client2/certificate.pem')]).status).not.toBe(0);
    expect(opensslOk(['x509', '-in', f('cas/intermediateCA1/certificate.pem'), '-noout', '-text'])).toMatch(/CA:TRUE, pathlen:1/);

    const state = h.state();
    for (const name of CA_NAMES) {
      const ca = state.cas[name]!;
      expect(ca).toMatchObject({key: `cas/${name}/key.pem`, certificate: `cas/${name}/certificate.pem`});
      expect(ca.arn).toBeUndefined();
      expect((await stat(f(`cas/${name}/key.pem`))).mode & 0o777).toBe(0o600);
      expect((await stat(f(`cas/${name}`))).mode & 0o777).toBe(0o700);
      const key = opensslOk(['pkey', '-in', f(`cas/${name}/key.pem`), '-pubout']);
      expect(key).toBe(opensslOk(['x509', '-in', f(`cas/${name}/certificate.pem`), '-noout', '-pubkey']));
    }
    for (const name of ['client1', 'client2']) {
      const client = state.clients[name]!;
      expect(client.arn).toBeUndefined();
      expect(await readFile(f(client.key!), 'utf8')).toContain('BEGIN ENCRYPTED PRIVATE KEY');
      expect((await stat(f(client.key!))).mode & 0o777).toBe(0o600);
      expect(opensslOk(['pkey', '-in', f(client.key!), '-passin', `pass:${PASSPHRASE}`, '-pubout'])).toBe(opensslOk(['x509', '-in', f(client.certificate!), '-noout', '-pubkey']));
      expect(Object.keys(client.p12 ?? {}).sort()).toEqual(['compatible', 'modern']);
      for (const p12 of Object.values(client.p12!)) opensslOk(['pkcs12', '-in', f(p12), '-passin', `pass:${PASSPHRASE}`, '-nokeys', '-legacy']);
    }
    const stored = await readFile(f('state.json'), 'utf8');
    expect(stored).not.toContain('PRIVATE KEY');
    expect(stored).not.toContain(PASSPHRASE);

    const doc = statusDocument(state, h.dir);
    expect(doc.caSource).toBe('local');
    expect(doc.cas.map((c) => c.certificate)).toEqual(CA_NAMES.map((n) => f(`cas/${n}/certificate.pem`)));
    expect(doc.cas.every((c) => !('arn' in c))).toBe(true);
  });

  test('the SDK client for AWS Private CA is not even built', async () => {
    const clients = await createAwsClients({region: 'us-east-1', caSource: 'local'});
    expect(() => clients.pca).toThrow(/--ca-source local/);
    const withPca = await createAwsClients({region: 'us-east-1'});
    expect(withPca.pca.constructor.name).toBe('ACMPCAClient');
  });

  test('without --yes the one confirmation before the first AWS resource is refused headless, and names no CA price', async () => {
    h = await awsHarness({choices: LOCAL_CAS, options: {yes: false}});
    const outcome = await h.run('root-ca');
    expect(outcome.ok).toBe(false);
    expect(String(outcome.error)).toMatch(/cannot create AWS resources without your consent/);
    expect(h.fake.apis()).toEqual(['GetCallerIdentity']);
    const logs = h.events.filter((e) => e.type === 'log').map((e) => (e as {message: string}).message);
    expect(logs.join('\n')).toMatch(/cost nothing/);
    expect(logs.join('\n')).not.toMatch(/\$400/);
  });
});

/** What part A makes, counted in the fake AWS and on disk. */
function inventory(fake: FakeAws) {
  return {
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

const CLEAN = {acm: 1, apis: 1, resources: 3, stages: 1, domains: 1, mappings: 1, buckets: 1, versions: 1};

const CREATE_CALLS: [string, number][] = [
  ['RequestCertificate', 1],
  ['CreateRestApi', 1],
  ['CreateResource', 2],
  ['PutMethod', 1],
  ['CreateDeployment', 1],
  ['CreateDomainName', 1],
  ['CreateBasePathMapping', 1],
  ['CreateBucket', 1],
  ['PutObject', 1],
  ['UpdateDomainName', 1],
];

describe('aws with --ca-source local: resume after a crash at a create call', () => {
  test.each(CREATE_CALLS)('%s #%i: the next run makes nothing twice', async (api, nth) => {
    const fake = new FakeAws().install();
    fake.acm.honourTokens = false;
    fake.core.crashAfter = {api, nth};
    h = await awsHarness({fake, choices: LOCAL_CAS});
    const first = await h.run('client-cert');
    expect(first.ok).toBe(false);
    expect(String(first.error)).toContain(CRASH);
    const before = {root: h.state().cas.rootCA?.fingerprint, int0: h.state().cas.intermediateCA0?.fingerprint};
    fake.core.crashAfter = undefined;
    await h.restart();
    const second = await h.run('client-cert');
    expect(second.ok, String(second.error)).toBe(true);
    expect(inventory(fake)).toEqual(CLEAN);
    expect(fake.calls.filter((c) => c.service === 'acm-pca')).toEqual([]);
    const state = h.state();
    // The CAs made before the crash are the ones in the truststore: not made again.
    if (before.root) expect(state.cas.rootCA!.fingerprint).toBe(before.root);
    if (before.int0) expect(state.cas.intermediateCA0!.fingerprint).toBe(before.int0);
    expect(fingerprints(fake.core.inputs<{Body: string}>('PutObject').at(-1)!.Body).map((x) => x.replace(/:/g, '').toLowerCase()).sort()).toEqual(
      [state.cas.intermediateCA0!.fingerprint, state.cas.rootCA!.fingerprint].map((x) => x!.replace(/:/g, '').toLowerCase()).sort(),
    );
    expect(state.truststore!.versions).toHaveLength(1);
    expect(state.truststore!.pendingUpload).toBeUndefined();
    expect(state.clients.client1!.fingerprint).toBeTruthy();
  });
});

describe('aws with --ca-source local: resume after a crash in part B', () => {
  test.each([
    ['PutObject', 2],
    ['UpdateDomainName', 2],
  ] as [string, number][])('%s #%i: one more truststore version, pinned, with all four local CAs', async (api, nth) => {
    const fake = new FakeAws().install();
    h = await awsHarness({fake, choices: LOCAL_CAS});
    expect((await h.run('client-cert')).ok).toBe(true);
    await markDone(h, 'connect');
    fake.core.crashAfter = {api, nth};
    const first = await h.run('client-cert-2');
    expect(String(first.error)).toContain(CRASH);
    const cas = Object.fromEntries(Object.entries(h.state().cas).map(([n, c]) => [n, c.fingerprint]));
    fake.core.crashAfter = undefined;
    await h.restart();
    const second = await h.run('client-cert-2');
    expect(second.ok, String(second.error)).toBe(true);
    const state = h.state();
    expect(Object.fromEntries(Object.entries(state.cas).map(([n, c]) => [n, c.fingerprint]))).toEqual(cas);
    const versions = [...fake.s3.buckets.values()][0]!.versions;
    expect(versions).toHaveLength(2);
    expect(state.truststore!.versions.map((v) => v.versionId)).toEqual(versions.map((v) => v.versionId));
    expect(state.truststore!.pinnedVersion).toBe(versions[1]!.versionId);
    expect(fingerprints(versions[1]!.body!)).toHaveLength(4);
    expect(fake.calls.filter((c) => c.service === 'acm-pca')).toEqual([]);
  });
});

describe('aws with --ca-source local: teardown', () => {
  test('deletes the AWS resources in reverse order, no Private CA call, then the files; a second run is safe', async () => {
    const fake = new FakeAws().install();
    fake.hostedZones = [{id: 'Z0TEST', name: 'mtls.test.'}];
    h = await fullRun(fake);
    const before = h.fake.calls.length;
    await h.backend.teardown(h.session.context());
    const calls = h.fake.calls.slice(before);
    expect(calls.filter((c) => c.service === 'acm-pca')).toEqual([]);
    expect(calls.filter((c) => /^Delete|^ChangeResourceRecordSets$/.test(c.api)).map((c) => c.api)).toEqual([
      'DeleteBasePathMapping',
      'DeleteDomainName',
      'DeleteRestApi',
      'DeleteCertificate',
      'ChangeResourceRecordSets',
      'ChangeResourceRecordSets',
      'DeleteObjects',
      'DeleteBucket',
    ]);
    for (const dir of ['cas', 'clients', 'truststore', 'outsider']) expect(await exists(path.join(h.dir, dir)), dir).toBe(false);
    const state = h.state();
    expect(state.cas).toEqual({});
    expect(state.clients).toEqual({});
    expect(h.fake.apigw.domains.size + h.fake.apigw.apis.size + h.fake.s3.buckets.size).toBe(0);

    await h.restart();
    const again = h.fake.calls.length;
    await h.backend.teardown(h.session.context());
    expect(h.fake.calls.slice(again).filter((c) => /^Delete/.test(c.api)).map((c) => c.api)).toEqual([]);
  });
});
