/** Every SDK error becomes one line: AccessDenied names the IAM action, the others say what to do. */
import {afterEach, describe, expect, test} from 'vitest';
import {ExternalError, UserError} from '../../source/errors.js';
import {iamAction, mapAwsError} from '../../source/backends/aws/errors.js';
import {awsError, FakeAws} from './fake/index.js';
import {PASSPHRASE, awsHarness, type AwsHarness} from './harness.js';

let h: AwsHarness | undefined;
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

describe('mapAwsError', () => {
  test.each([
    ['acm-pca', 'CreateCertificateAuthority', 'acm-pca:CreateCertificateAuthority'],
    ['acm', 'RequestCertificate', 'acm:RequestCertificate'],
    ['s3', 'PutObject', 's3:PutObject'],
    ['s3', 'ListObjectVersions', 's3:ListBucketVersions'],
    ['s3', 'HeadBucket', 's3:ListBucket'],
    ['apigateway', 'CreateDomainName', 'apigateway:POST'],
    ['apigateway', 'UpdateDomainName', 'apigateway:PATCH'],
    ['apigateway', 'DeleteRestApi', 'apigateway:DELETE'],
    ['route53', 'ChangeResourceRecordSets', 'route53:ChangeResourceRecordSets'],
  ] as const)('%s %s needs %s', (service, api, action) => {
    expect(iamAction(service, api)).toBe(action);
    const e = mapAwsError(awsError(service === 's3' || service === 'route53' ? 'AccessDenied' : 'AccessDeniedException', 'not authorized', 403), service, api);
    expect(e).toBeInstanceOf(UserError);
    expect(e.message).toContain(`lacks the IAM permission ${action}`);
    expect(e.message).not.toContain('\n');
  });

  test('UpdateDomainName access denied also names the S3 read API Gateway makes for the caller', () => {
    expect(mapAwsError(awsError('AccessDeniedException', 'x', 403), 'apigateway', 'UpdateDomainName').message).toContain('s3:GetObject, s3:GetObjectVersion on the truststore object');
  });

  test('throttling (after the retries), quotas, states, validation and credentials each say what to do', () => {
    const line = (name: string, message = 'm') => mapAwsError(awsError(name, message), 'acm-pca', 'CreateCertificateAuthority');
    expect(line('ThrottlingException')).toBeInstanceOf(ExternalError);
    expect(line('ThrottlingException').message).toMatch(/kept throttling it \(ThrottlingException\).*run `mtls-wizard run` again.*makes nothing twice/);
    expect(line('LimitExceededException', 'too many CAs').message).toMatch(/quota was reached: too many CAs.*Service Quotas/);
    expect(line('InvalidStateException', 'The CA is not ACTIVE').message).toMatch(/not in a state that allows it: The CA is not ACTIVE.*wait until AWS finishes/);
    expect(line('ValidationException', 'Validity exceeds the CA').message).toMatch(/AWS refused the request: Validity exceeds the CA.*correct the input/);
    expect(line('CredentialsProviderError', 'Could not load credentials from any providers').message).toMatch(/credentials are missing, invalid or expired.*--profile/);
    expect(line('ExpiredTokenException').message).toContain('aws sso login');
    expect(mapAwsError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4566'), {code: 'ECONNREFUSED'}), 's3', 'PutObject').message).toMatch(/cannot reach the AWS endpoint.*AWS_ENDPOINT_URL/);
  });

  test('a PEM block in a service message is not repeated, and long messages are cut to one line', () => {
    const pem = '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----';
    const e = mapAwsError(awsError('ValidationException', `bad input ${pem}\n${'x'.repeat(500)}`), 'acm', 'ExportCertificate');
    expect(e.message).not.toContain('MIIB');
    expect(e.message).not.toContain('\n');
    expect(e.message.length).toBeLessThan(500);
  });
});

describe('errors through the runner', () => {
  test('AccessDenied on the first billable call fails the step with one line naming the action; nothing is created', async () => {
    const fake = new FakeAws().install();
    fake.core.failBefore = {api: 'CreateCertificateAuthority', error: awsError('AccessDeniedException', 'User: arn:aws:iam::111122223333:user/tester is not authorized to perform: acm-pca:CreateCertificateAuthority', 403)};
    h = await awsHarness({fake});
    const outcome = await h.run('root-ca');
    expect(outcome.ok).toBe(false);
    const failed = h.events.find((e) => e.type === 'step-failed') as {message: string} | undefined;
    expect(failed?.message).toMatch(/^AWS CreateCertificateAuthority failed: access denied: the caller lacks the IAM permission acm-pca:CreateCertificateAuthority\. Fix: allow acm-pca:CreateCertificateAuthority/);
    expect(fake.pca.cas.size).toBe(0);
  });

  test('no passphrase in any event, even when ExportCertificate fails', async () => {
    const fake = new FakeAws().install();
    fake.core.failBefore = {api: 'ExportCertificate', error: awsError('ValidationException', 'Passphrase is invalid')};
    h = await awsHarness({fake, choices: {clientCertMode: 'acm'}});
    const outcome = await h.run('client-cert');
    expect(outcome.ok).toBe(false);
    expect(h.state().steps['client-cert']!.error).toContain('AWS ExportCertificate failed: AWS refused the request: Passphrase is invalid');
    expect(JSON.stringify(h.events)).not.toContain(PASSPHRASE);
  });

  test('a given bucket without versioning is refused with the command that fixes it', async () => {
    const fake = new FakeAws().install();
    fake.s3.buckets.set('my-bucket', {name: 'my-bucket', versions: []});
    h = await awsHarness({fake, choices: {bucket: 'my-bucket'}});
    const outcome = await h.run('mtls');
    expect(outcome.ok).toBe(false);
    expect(h.state().steps.mtls!.error).toBe(
      'cannot keep the truststore in the bucket my-bucket: its versioning is not enabled, and API Gateway pins a truststore by object version. Fix: run `aws s3api put-bucket-versioning --bucket my-bucket --versioning-configuration Status=Enabled`, or drop --bucket so the wizard makes a bucket',
    );
    expect(fake.core.count('PutObject')).toBe(0);
  });

  test('a given versioned bucket is used as is, and teardown deletes only the versions the wizard uploaded', async () => {
    const fake = new FakeAws().install();
    fake.s3.buckets.set('my-bucket', {name: 'my-bucket', versioning: 'Enabled', versions: [{key: 'other.txt', versionId: 'v-other', body: 'x', metadata: {}, deleteMarker: false, lastModified: new Date()}]});
    h = await awsHarness({fake, choices: {bucket: 'my-bucket'}});
    expect((await h.run('mtls')).ok).toBe(true);
    expect(fake.core.count('CreateBucket') + fake.core.count('PutBucketVersioning')).toBe(0);
    expect(h.state().truststore).toMatchObject({bucket: 'my-bucket', uri: 's3://my-bucket/truststore.pem'});
    await h.backend.teardown(h.session.context());
    expect(fake.s3.buckets.get('my-bucket')!.versions.map((v) => v.versionId)).toEqual(['v-other']);
  });
});
