/**
 * The whole AWS walkthrough through the real runner, against the fake AWS: the exact order of API calls,
 * their key inputs, and what lands on disk (checked with openssl as the independent oracle).
 */
import {readFile, stat} from 'node:fs/promises';
import path from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import {opensslOk} from '../pki/openssl.js';
import {PASSPHRASE, awsHarness, markDone, type AwsHarness} from './harness.js';
import {text} from './fake/core.js';

let h: AwsHarness | undefined;
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

const CA_SEQUENCE = [
  'CreateCertificateAuthority',
  'DescribeCertificateAuthority',
  // Ready at once here: it is polled again only while AWS answers RequestInProgressException (see waits.test.ts).
  'GetCertificateAuthorityCsr',
  'IssueCertificate',
  'GetCertificate',
  'ImportCertificateAuthorityCertificate',
  'DescribeCertificateAuthority',
];

const PART_A = [
  'GetCallerIdentity',
  'RequestCertificate',
  'DescribeCertificate',
  'DescribeCertificate',
  'ListHostedZonesByName',
  'ListHostedZonesByName',
  ...CA_SEQUENCE,
  ...CA_SEQUENCE,
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
  'IssueCertificate',
  'GetCertificate',
];

const pemCount = (pem: string) => (pem.match(/BEGIN CERTIFICATE/g) ?? []).length;

describe('aws walkthrough', () => {
  test('part A makes the calls of the design, in order, with the key inputs', async () => {
    h = await awsHarness();
    const outcome = await h.run('client-cert');
    expect(outcome.ok, String(outcome.error)).toBe(true);
    expect(h.fake.apis()).toEqual(PART_A);
    const core = h.fake.core;
    const state = h.state();
    const walkthrough = {Key: 'mtls-wizard:walkthrough', Value: state.walkthroughId};

    // The public certificate is requested before any CA: its DNS validation is the long pole.
    expect(h.fake.apis().indexOf('RequestCertificate')).toBeLessThan(h.fake.apis().indexOf('CreateCertificateAuthority'));
    expect(core.inputs('RequestCertificate')[0]).toMatchObject({DomainName: 'api.mtls.test', ValidationMethod: 'DNS', IdempotencyToken: state.domain!.certificateToken});

    const [rootCreate, int0Create] = core.inputs<any>('CreateCertificateAuthority');
    expect(rootCreate).toMatchObject({
      CertificateAuthorityType: 'ROOT',
      CertificateAuthorityConfiguration: {KeyAlgorithm: 'EC_prime256v1', SigningAlgorithm: 'SHA256WITHECDSA', Subject: {CommonName: 'rootCA'}},
      UsageMode: 'GENERAL_PURPOSE',
      IdempotencyToken: state.cas.rootCA!.token,
    });
    expect(rootCreate.Tags).toEqual([walkthrough, {Key: 'mtls-wizard:role', Value: 'ca:rootCA'}]);
    expect(int0Create).toMatchObject({CertificateAuthorityType: 'SUBORDINATE', IdempotencyToken: state.cas.intermediateCA0!.token});

    const [rootIssue, int0Issue, clientIssue] = core.inputs<any>('IssueCertificate');
    expect(rootIssue).toMatchObject({CertificateAuthorityArn: state.cas.rootCA!.arn, TemplateArn: 'arn:aws:acm-pca:::template/RootCACertificate/V1', Validity: {Type: 'DAYS', Value: 3650}, SigningAlgorithm: 'SHA256WITHECDSA'});
    expect(int0Issue).toMatchObject({CertificateAuthorityArn: state.cas.rootCA!.arn, TemplateArn: 'arn:aws:acm-pca:::template/SubordinateCACertificate_PathLen0/V1', Validity: {Type: 'DAYS', Value: 1825}});
    expect(clientIssue).toMatchObject({CertificateAuthorityArn: state.cas.intermediateCA0!.arn, TemplateArn: 'arn:aws:acm-pca:::template/EndEntityClientAuthCertificate/V1', Validity: {Type: 'DAYS', Value: 395}});
    expect(text(clientIssue.Csr)).toContain('BEGIN CERTIFICATE REQUEST');

    const [rootImport, int0Import] = core.inputs<any>('ImportCertificateAuthorityCertificate');
    expect(rootImport.CertificateChain).toBeUndefined();
    const rootPem = await readFile(path.join(h.dir, 'cas/rootCA/certificate.pem'), 'utf8');
    expect(text(int0Import.CertificateChain).trim()).toBe(rootPem.trim());

    expect(core.inputs('CreateRestApi')[0]).toMatchObject({endpointConfiguration: {types: ['REGIONAL']}, disableExecuteApiEndpoint: true, tags: {'mtls-wizard:walkthrough': state.walkthroughId, 'mtls-wizard:role': 'api'}});
    expect(core.inputs('CreateResource').map((i) => i.pathPart)).toEqual(['hoge', 'auth']);
    expect(core.inputs('PutIntegration')[0]).toMatchObject({httpMethod: 'GET', type: 'MOCK'});
    expect(JSON.stringify(core.inputs('PutIntegrationResponse')[0])).toContain('$context.identity.clientCert.subjectDN');
    expect(core.inputs('CreateDeployment')[0]).toMatchObject({stageName: 'prod'});

    expect(core.inputs('CreateDomainName')[0]).toMatchObject({domainName: 'api.mtls.test', regionalCertificateArn: state.domain!.certificateArn, endpointConfiguration: {types: ['REGIONAL']}, securityPolicy: 'TLS_1_2'});
    expect(core.inputs('CreateBasePathMapping')[0]).toEqual({domainName: 'api.mtls.test', restApiId: state.api!.id, stage: 'prod'});

    expect(core.inputs('CreateBucket')[0]).toEqual({Bucket: `mtls-wizard-truststore-${state.walkthroughId}`});
    expect(core.inputs('PutBucketVersioning')[0]).toMatchObject({VersioningConfiguration: {Status: 'Enabled'}});
    const put = core.inputs<any>('PutObject')[0];
    expect(put).toMatchObject({Bucket: state.truststore!.bucket, Key: 'truststore.pem'});
    expect(pemCount(put.Body)).toBe(2);
    const versionId = state.truststore!.versions[0]!.versionId;
    expect(core.inputs('UpdateDomainName')[0]).toEqual({
      domainName: 'api.mtls.test',
      patchOperations: [
        {op: 'replace', path: '/mutualTlsAuthentication/truststoreUri', value: `s3://${state.truststore!.bucket}/truststore.pem`},
        {op: 'replace', path: '/mutualTlsAuthentication/truststoreVersion', value: versionId},
      ],
    });
    expect(state.truststore!.pinnedVersion).toBe(versionId);
    expect(state.domain!.url).toBe('https://api.mtls.test/hoge/auth');
  });

  test('part A leaves certificates that openssl verifies, CA keys only in AWS, and the client key encrypted', async () => {
    h = await awsHarness();
    expect((await h.run('client-cert')).ok).toBe(true);
    const f = (p: string) => path.join(h!.dir, p);
    opensslOk(['verify', '-CAfile', f('cas/rootCA/certificate.pem'), f('cas/intermediateCA0/certificate.pem')]);
    opensslOk(['verify', '-CAfile', f('cas/rootCA/certificate.pem'), '-untrusted', f('cas/intermediateCA0/certificate.pem'), '-purpose', 'sslclient', f('clients/client1/certificate.pem')]);
    const chain = await readFile(f('cas/intermediateCA0/chain.pem'), 'utf8');
    expect(pemCount(chain)).toBe(2);
    await expect(stat(f('cas/rootCA/key.pem'))).rejects.toThrow();
    const key = await readFile(f('clients/client1/key.pem'), 'utf8');
    expect(key).toContain('BEGIN ENCRYPTED PRIVATE KEY');
    expect((await stat(f('clients/client1/key.pem'))).mode & 0o777).toBe(0o600);
    expect((await stat(f('clients/client1'))).mode & 0o777).toBe(0o700);
    const modulus = opensslOk(['pkey', '-in', f('clients/client1/key.pem'), '-passin', `pass:${PASSPHRASE}`, '-pubout']);
    expect(modulus).toBe(opensslOk(['x509', '-in', f('clients/client1/certificate.pem'), '-noout', '-pubkey']));
    const stored = await readFile(f('state.json'), 'utf8');
    expect(stored).not.toContain('PRIVATE KEY');
    expect(stored).not.toContain(PASSPHRASE);
  });

  test('part B adds PathLen1 and PathLen0 CAs, uploads only what is missing and re-pins the version', async () => {
    h = await awsHarness();
    expect((await h.run('client-cert')).ok).toBe(true);
    await markDone(h, 'connect');
    const before = h.fake.calls.length;
    const outcome = await h.run('client-cert-2');
    expect(outcome.ok, String(outcome.error)).toBe(true);
    const partB = h.fake.calls.slice(before);
    // second-chain starts both CAs at once (their key generation overlaps), then finishes them in order.
    const started = ['CreateCertificateAuthority', 'DescribeCertificateAuthority', 'GetCertificateAuthorityCsr'];
    expect(partB.slice(1, 7).map((c) => c.api).sort()).toEqual([...started, ...started].sort());
    const finish = ['DescribeCertificateAuthority', 'GetCertificateAuthorityCsr', ...CA_SEQUENCE.slice(3)];
    expect([partB[0]!.api, ...partB.slice(7).map((c) => c.api)]).toEqual([
      'GetCallerIdentity',
      ...finish,
      ...finish,
      'GetBucketVersioning',
      'PutObject',
      'GetDomainName',
      'UpdateDomainName',
      'GetDomainName',
      'GetDomainName',
      'IssueCertificate',
      'GetCertificate',
    ]);
    const state = h.state();
    const issues = partB.filter((c) => c.api === 'IssueCertificate').map((c) => c.input as any);
    expect(issues[0]).toMatchObject({CertificateAuthorityArn: state.cas.rootCA!.arn, TemplateArn: 'arn:aws:acm-pca:::template/SubordinateCACertificate_PathLen1/V1'});
    expect(issues[1]).toMatchObject({CertificateAuthorityArn: state.cas.intermediateCA1!.arn, TemplateArn: 'arn:aws:acm-pca:::template/SubordinateCACertificate_PathLen0/V1'});
    expect(issues[2]).toMatchObject({CertificateAuthorityArn: state.cas.intermediateCA2!.arn, TemplateArn: 'arn:aws:acm-pca:::template/EndEntityClientAuthCertificate/V1'});
    const int2Import = partB.filter((c) => c.api === 'ImportCertificateAuthorityCertificate')[1]!.input as any;
    expect(pemCount(text(int2Import.CertificateChain))).toBe(2);
    const body = (partB.find((c) => c.api === 'PutObject')!.input as any).Body as string;
    expect(pemCount(body)).toBe(4);
    const rootPem = (await readFile(path.join(h.dir, 'cas/rootCA/certificate.pem'), 'utf8')).trim();
    expect(body.split(rootPem).length - 1).toBe(1);
    const second = state.truststore!.versions.find((v) => v.step === 'truststore-update')!;
    expect((partB.find((c) => c.api === 'UpdateDomainName')!.input as any).patchOperations).toEqual([{op: 'replace', path: '/mutualTlsAuthentication/truststoreVersion', value: second.versionId}]);
    expect(state.truststore!.pinnedVersion).toBe(second.versionId);
    opensslOk(['verify', '-CAfile', path.join(h.dir, 'cas/rootCA/certificate.pem'), '-untrusted', path.join(h.dir, 'cas/intermediateCA2/chain.pem'), path.join(h.dir, 'clients/client2/certificate.pem')]);
  });

  test('with a Route 53 hosted zone and --yes it upserts the validation CNAME and the alias, and records both', async () => {
    const {FakeAws} = await import('./fake/index.js');
    const fake = new FakeAws().install();
    fake.hostedZones = [{id: 'Z0TEST', name: 'mtls.test.'}];
    h = await awsHarness({fake});
    expect((await h.run('custom-domain')).ok).toBe(true);
    const changes = h.fake.core.inputs<any>('ChangeResourceRecordSets');
    expect(changes.map((c) => c.ChangeBatch.Changes[0].ResourceRecordSet.Type)).toEqual(['CNAME', 'A']);
    expect(changes[0]).toMatchObject({HostedZoneId: 'Z0TEST', ChangeBatch: {Changes: [{Action: 'UPSERT', ResourceRecordSet: {Name: '_x1.api.mtls.test.', ResourceRecords: [{Value: '_x2.acm-validations.aws.'}]}}]}});
    const domain = h.fake.apigw.domains.get('api.mtls.test')!;
    expect(changes[1].ChangeBatch.Changes[0].ResourceRecordSet).toEqual({Name: 'api.mtls.test.', Type: 'A', AliasTarget: {DNSName: domain.regionalDomainName, HostedZoneId: domain.regionalHostedZoneId, EvaluateTargetHealth: false}});
    expect(h.fake.apis().indexOf('ChangeResourceRecordSets')).toBeLessThan(h.fake.apis().indexOf('CreateCertificateAuthority'));
    expect(h.state().domain!.route53Records!.map((r) => r.type)).toEqual(['CNAME', 'A']);
  });

  test('without --yes and without a terminal it changes no DNS and prints the records to create', async () => {
    const {FakeAws} = await import('./fake/index.js');
    const fake = new FakeAws().install();
    fake.hostedZones = [{id: 'Z0TEST', name: 'mtls.test.'}];
    // Cost accepted earlier (recorded), so only the Route 53 question remains.
    h = await awsHarness({fake, options: {yes: false}});
    await h.session.update((d) => void (d.aws = {costConfirmedAt: new Date().toISOString()}));
    expect((await h.run('custom-domain')).ok).toBe(true);
    expect(h.fake.core.count('ChangeResourceRecordSets')).toBe(0);
    const logs = h.events.filter((e) => e.type === 'log').map((e) => (e as {message: string}).message);
    expect(logs.some((m) => m.includes('_x1.api.mtls.test. CNAME _x2.acm-validations.aws.'))).toBe(true);
    expect(logs.some((m) => m.includes('alias A record'))).toBe(true);
  });

  test('truststore warnings from API Gateway are recorded and shown', async () => {
    const {FakeAws} = await import('./fake/index.js');
    const fake = new FakeAws().install();
    fake.apigw.warningsFor = () => ['Certificate CN=intermediateCA0 uses an unsupported signature algorithm'];
    h = await awsHarness({fake});
    expect((await h.run('mtls')).ok).toBe(true);
    expect(h.state().truststore!.warnings).toEqual(['Certificate CN=intermediateCA0 uses an unsupported signature algorithm']);
    const warned = h.events.some((e) => e.type === 'log' && e.level === 'warn' && e.message.includes('unsupported signature algorithm'));
    expect(warned).toBe(true);
  });

  test('waiting on ACM validation and on the domain update emits waiting events with bounded back-off', async () => {
    const {FakeAws} = await import('./fake/index.js');
    const fake = new FakeAws().install();
    fake.acm.validationDelay = 4;
    fake.apigw.updatingPolls = 3;
    h = await awsHarness({fake});
    expect((await h.run('mtls')).ok).toBe(true);
    const waiting = h.events.filter((e) => e.type === 'waiting').map((e) => (e as {message: string}).message);
    expect(waiting.some((m) => m.includes('waiting for ACM to validate the certificate of api.mtls.test'))).toBe(true);
    expect(waiting.some((m) => m.includes('UPDATING'))).toBe(true);
    expect(h.sleeps.length).toBeGreaterThan(0);
    expect(Math.max(...h.sleeps)).toBeLessThanOrEqual(40);
  });

  test('a wait that never ends stops at its bound with what to do next', async () => {
    const {FakeAws} = await import('./fake/index.js');
    const fake = new FakeAws().install();
    fake.acm.validationDelay = 10_000;
    h = await awsHarness({fake});
    const outcome = await h.run('custom-domain');
    expect(outcome.ok).toBe(false);
    expect(outcome.failedStep).toBe('custom-domain');
    expect(h.state().steps['custom-domain']!.error).toMatch(/stopped waiting for ACM to issue the certificate of api\.mtls\.test.*_x1\.api\.mtls\.test\. CNAME.*run `mtls-wizard run` again/);
    expect(h.sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1_000 + 1_000);
  });
});
