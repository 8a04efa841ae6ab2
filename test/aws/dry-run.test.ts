/**
 * `run --backend aws --dry-run`: the whole plan of AWS calls, offline. The SDK packages are replaced by
 * modules that throw when loaded, so the test fails if the dry run loads any client.
 */
import {readdir} from 'node:fs/promises';
import {mkdtemp, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, test, vi} from 'vitest';
import {runCli} from '../helpers/cli.js';

for (const pkg of ['@aws-sdk/client-acm-pca', '@aws-sdk/client-acm', '@aws-sdk/client-s3', '@aws-sdk/client-api-gateway', '@aws-sdk/client-route-53', '@aws-sdk/client-sts']) {
  vi.doMock(pkg, () => {
    throw new Error(`the dry run loaded ${pkg}`);
  });
}

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, {recursive: true, force: true});
  dir = undefined;
});

describe('aws dry run', () => {
  test('prints every call in order with key inputs and the cost, needs no credentials and writes nothing', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mtls-dry-'));
    const stateDir = path.join(dir, 'state');
    const result = await runCli(['run', '--backend', 'aws', '--dry-run', '--state-dir', stateDir, '--region', 'ap-northeast-1'], {AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: ''});
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = result.stdout;
    const apis = [...out.matchAll(/^\s+\d+\. \S+ (\S+)/gm)].map((m) => m[1]);
    expect(apis.slice(0, 12)).toEqual([
      'GetCallerIdentity',
      'RequestCertificate',
      'DescribeCertificate',
      'ListHostedZonesByName',
      'ChangeResourceRecordSets',
      'CreateCertificateAuthority',
      'GetCertificateAuthorityCsr',
      'IssueCertificate',
      'GetCertificate',
      'ImportCertificateAuthorityCertificate',
      'DescribeCertificateAuthority',
      'CreateCertificateAuthority',
    ]);
    for (const api of ['CreateRestApi', 'CreateDomainName', 'CreateBasePathMapping', 'CreateBucket', 'PutBucketVersioning', 'PutObject', 'UpdateDomainName', 'curl']) expect(apis).toContain(api);
    expect(apis.indexOf('CreateRestApi')).toBeLessThan(apis.indexOf('CreateDomainName'));
    expect(apis.indexOf('PutObject')).toBeLessThan(apis.indexOf('UpdateDomainName'));
    expect(apis.filter((a) => a === 'CreateCertificateAuthority')).toHaveLength(4);
    expect(out).toContain('TemplateArn=arn:aws:acm-pca:::template/RootCACertificate/V1 Validity=DAYS 3650');
    expect(out).toContain('TemplateArn=arn:aws:acm-pca:::template/SubordinateCACertificate_PathLen1/V1');
    expect(out).toContain('TemplateArn=arn:aws:acm-pca:::template/EndEntityClientAuthCertificate/V1 Validity=DAYS 395');
    expect(out).toContain('CertificateChain=intermediateCA1 + rootCA');
    expect(out).toMatch(/replace \/mutualTlsAuthentication\/truststoreUri=s3:\/\/mtls-wizard-truststore-mw-[0-9a-f]+\/truststore.pem, replace \/mutualTlsAuthentication\/truststoreVersion=\(VersionId of PutObject\)/);
    expect(out).toContain('disableExecuteApiEndpoint=true');
    expect(out).toContain('securityPolicy=TLS_1_2');
    expect(out).toContain('(ap-northeast-1)');
    expect(out).toContain('$1,600/month');
    await expect(readdir(stateDir)).rejects.toThrow();
  });

  test('in the China partition the template ARNs say aws-cn', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mtls-dry-'));
    const result = await runCli(['run', '--backend', 'aws', '--dry-run', '--state-dir', path.join(dir, 's'), '--region', 'cn-north-1']);
    expect(result.stdout).toContain('arn:aws-cn:acm-pca:::template/RootCACertificate/V1');
  });
});
