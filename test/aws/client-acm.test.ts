/** The article's path: ACM RequestCertificate with the CA's ARN, ExportCertificate with the passphrase. */
import {readFile, stat} from 'node:fs/promises';
import path from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import {opensslOk} from '../pki/openssl.js';
import {text} from './fake/core.js';
import {PASSPHRASE, awsHarness, type AwsHarness} from './harness.js';

let h: AwsHarness | undefined;
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

describe('client certificates through ACM', () => {
  test('RequestCertificate names the issuing CA, ExportCertificate gets the passphrase, the key lands encrypted', async () => {
    h = await awsHarness({choices: {clientCertMode: 'acm'}});
    const outcome = await h.run('client-cert');
    expect(outcome.ok, String(outcome.error)).toBe(true);
    const state = h.state();
    const requests = h.fake.core.inputs<any>('RequestCertificate');
    expect(requests[1]).toMatchObject({DomainName: 'client1.mtls.test', CertificateAuthorityArn: state.cas.intermediateCA0!.arn, KeyAlgorithm: 'EC_prime256v1', IdempotencyToken: state.clients.client1!.token});
    expect(requests[1].Tags).toContainEqual({Key: 'mtls-wizard:role', Value: 'client:client1'});
    const exported = h.fake.core.inputs<any>('ExportCertificate')[0];
    expect(exported.CertificateArn).toBe(state.clients.client1!.arn);
    expect(text(exported.Passphrase)).toBe(PASSPHRASE);
    expect(h.fake.core.count('IssueCertificate')).toBe(2);
    const key = path.join(h.dir, 'clients/client1/key.pem');
    expect(await readFile(key, 'utf8')).toContain('BEGIN ENCRYPTED PRIVATE KEY');
    expect((await stat(key)).mode & 0o777).toBe(0o600);
    opensslOk(['pkey', '-in', key, '-passin', `pass:${PASSPHRASE}`, '-noout']);
    opensslOk(['verify', '-CAfile', path.join(h.dir, 'cas/rootCA/certificate.pem'), '-untrusted', path.join(h.dir, 'cas/intermediateCA0/certificate.pem'), path.join(h.dir, 'clients/client1/certificate.pem')]);
  });

  test('refused before any call when the issuing CA would expire before the 395-day certificate', async () => {
    h = await awsHarness({choices: {clientCertMode: 'acm', intermediateValidityDays: 300, clientValidityDays: 300}});
    const outcome = await h.run('root-ca');
    expect(outcome.ok).toBe(false);
    expect(h.fake.calls).toEqual([]);
    expect(h.state().steps['root-ca']!.error).toBe(
      'cannot have ACM issue client1: ACM private certificates last 395 days, and intermediateCA0 ends in 300 days, before such a certificate would. Fix: give the CAs more than 395 days (--intermediate-validity-days), or use the default client mode (local key and CSR)',
    );
  });

  test('validities that do not nest are refused before any call', async () => {
    h = await awsHarness({choices: {rootValidityDays: 100, intermediateValidityDays: 200, clientValidityDays: 50}});
    expect((await h.run('root-ca')).ok).toBe(false);
    expect(h.fake.calls).toEqual([]);
    expect(h.state().steps['root-ca']!.error).toMatch(/^cannot create intermediateCA0 for 200 days: AWS Private CA refuses a certificate that ends after its issuer rootCA \(100 days\)/);
  });
});
