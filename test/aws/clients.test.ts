/**
 * Issue 9 on the aws backend (mocked AWS): `client add` issues through Private CA (IssueCertificate, or ACM
 * in the article's mode), `client revoke` sends RevokeCertificate once with the serial as AWS's examples
 * write it (checked against `openssl x509 -text`), renew revokes the old serial as SUPERSEDED, and a CA made
 * on this machine (a key, no ARN) signs a CRL instead of calling AWS.
 */
import {readFile} from 'node:fs/promises';
import path from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import {type LifecycleContext, addClient, renewClient, revokeClient} from '../../source/lifecycle/clients.js';
import {createRootCa, generateKey} from '../../source/pki/index.js';
import {writePublicFile, writeSecretFile} from '../../source/util/fs.js';
import {DefaultsPrompter} from '../../source/wizard/prompter.js';
import {PassphraseSource} from '../../source/wizard/secrets.js';
import {opensslOk} from '../pki/openssl.js';
import {decodeCsr} from './fake/pca.js';
import {text} from './fake/core.js';
import {PASSPHRASE, awsHarness, type AwsHarness} from './harness.js';

let h: AwsHarness | undefined;
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

function lifecycle(harness: AwsHarness): LifecycleContext {
  return {ctx: harness.session.context(), backend: harness.backend, secrets: new PassphraseSource({env: {MTLS_WIZARD_PASSPHRASE: PASSPHRASE}, prompter: new DefaultsPrompter()})};
}

/** The serial as `openssl x509 -noout -text` prints it (what AWS's RevokeCertificate examples copy). */
function opensslSerial(certificateFile: string): string {
  const out = opensslOk(['x509', '-in', certificateFile, '-noout', '-text']);
  return /Serial Number:\s*\n\s*([0-9a-f:]+)/.exec(out)![1]!;
}

describe('client lifecycle on aws (mocked)', () => {
  test('client add: IssueCertificate from the issuing Private CA with the client-auth template and a saved token', async () => {
    h = await awsHarness();
    expect((await h.run('client-cert')).ok).toBe(true);
    const before = h.fake.apis().length;
    const result = await addClient(lifecycle(h), {name: 'client3', issuer: 'intermediateCA0', validityDays: 200});
    expect(h.fake.apis().slice(before)).toEqual(['IssueCertificate', 'GetCertificate']);
    const issue = h.fake.core.inputs<any>('IssueCertificate').at(-1);
    const state = h.state();
    expect(issue).toMatchObject({
      CertificateAuthorityArn: state.cas.intermediateCA0!.arn,
      TemplateArn: 'arn:aws:acm-pca:::template/EndEntityClientAuthCertificate/V1',
      SigningAlgorithm: 'SHA256WITHECDSA',
      Validity: {Type: 'DAYS', Value: 200},
      IdempotencyToken: state.clients.client3!.token,
    });
    expect(decodeCsr(text(issue.Csr))).toMatchObject({commonName: 'client3', dnsName: 'client3.mtls.test'});
    expect(result.client).toMatchObject({name: 'client3', issuer: 'intermediateCA0', status: 'ACTIVE', trusted: true});
    opensslOk(['verify', '-CAfile', path.join(h.dir, 'cas/rootCA/certificate.pem'), '-untrusted', path.join(h.dir, 'cas/intermediateCA0/certificate.pem'), path.join(h.dir, result.files.certificate)]);
    opensslOk(['pkcs12', '-in', path.join(h.dir, result.files.p12.modern), '-passin', `pass:${PASSPHRASE}`, '-nokeys', '-clcerts']);
  });

  test('client revoke: RevokeCertificate once, serial as openssl -text prints it, reason in the PCA enum; a crash after the call completes on re-run', async () => {
    h = await awsHarness();
    expect((await h.run('client-cert')).ok).toBe(true);
    await addClient(lifecycle(h), {name: 'client3'});
    const state = h.state();
    const serial = opensslSerial(path.join(h.dir, state.clients.client3!.certificate!));
    expect(serial).toMatch(/^([0-9a-f]{2}:)+[0-9a-f]{2}$/);

    // The answer is lost after AWS revoked it: the state does not record it yet.
    h.fake.core.crashAfter = {api: 'RevokeCertificate'};
    await expect(revokeClient(lifecycle(h), {name: 'client3', reason: 'keyCompromise'})).rejects.toThrow();
    expect(h.state().clients.client3!.revokedAt).toBeUndefined();
    h.fake.core.crashAfter = undefined;
    await h.restart();
    const result = await revokeClient(lifecycle(h), {name: 'client3', reason: 'keyCompromise'});
    expect(result.client).toMatchObject({status: 'REVOKED', revocationReason: 'keyCompromise'});
    expect(result.gap).toMatch(/API Gateway checks no CRL/);
    expect(h.fake.core.inputs('RevokeCertificate')).toEqual([
      {CertificateAuthorityArn: state.cas.intermediateCA0!.arn, CertificateSerial: serial, RevocationReason: 'KEY_COMPROMISE'},
      {CertificateAuthorityArn: state.cas.intermediateCA0!.arn, CertificateSerial: serial, RevocationReason: 'KEY_COMPROMISE'},
    ]);
    expect(h.fake.pca.revoked.get(state.cas.intermediateCA0!.arn!)?.get(serial.replaceAll(':', ''))).toBe('KEY_COMPROMISE');

    // Already revoked: nothing is sent again.
    const again = await revokeClient(lifecycle(h), {name: 'client3', reason: 'keyCompromise'});
    expect(again.alreadyRevoked).toBe(true);
    expect(h.fake.core.count('RevokeCertificate')).toBe(2);
    expect(h.state().cas.intermediateCA0!.revoked).toEqual([{serial: state.clients.client3!.serial, revokedAt: expect.any(String), reason: 'keyCompromise'}]);
    expect(h.state().cas.intermediateCA0!.crl).toBeUndefined();
  });

  test('client renew: a new IssueCertificate with a new token and key, then the old serial revoked as SUPERSEDED', async () => {
    h = await awsHarness();
    expect((await h.run('client-cert')).ok).toBe(true);
    const old = h.state().clients.client1!;
    const oldSerial = opensslSerial(path.join(h.dir, old.certificate!));
    const oldKey = await readFile(path.join(h.dir, old.key!), 'utf8');
    const before = h.fake.apis().length;
    const result = await renewClient(lifecycle(h), {name: 'client1'});
    expect(h.fake.apis().slice(before)).toEqual(['IssueCertificate', 'GetCertificate', 'RevokeCertificate']);
    const now = h.state().clients.client1!;
    expect(now.token).not.toBe(old.token);
    expect(h.fake.core.inputs<any>('IssueCertificate').at(-1).IdempotencyToken).toBe(now.token);
    expect(now.serial).not.toBe(old.serial);
    expect(now.renewal).toBeUndefined();
    expect(await readFile(path.join(h.dir, now.key!), 'utf8')).not.toBe(oldKey);
    expect(await readFile(path.join(h.dir, result.previousDir, 'key.pem'), 'utf8')).toBe(oldKey);
    expect(h.fake.core.inputs('RevokeCertificate').at(-1)).toEqual({CertificateAuthorityArn: h.state().cas.intermediateCA0!.arn, CertificateSerial: oldSerial, RevocationReason: 'SUPERSEDED'});
    expect(result.client.status).toBe('ACTIVE');
  });

  test('renew interrupted after IssueCertificate reached AWS: the re-run gets the same certificate, then revokes the old one', async () => {
    h = await awsHarness();
    expect((await h.run('client-cert')).ok).toBe(true);
    h.fake.core.crashAfter = {api: 'IssueCertificate', nth: 4}; // root, intermediateCA0, client1, then the renewal
    await expect(renewClient(lifecycle(h), {name: 'client1'})).rejects.toThrow();
    expect(h.state().clients.client1!.renewal).toBeDefined();
    h.fake.core.crashAfter = undefined;
    await h.restart();
    await renewClient(lifecycle(h), {name: 'client1'});
    const issues = h.fake.core.inputs<any>('IssueCertificate');
    // The retry sent the same token: AWS answered with the certificate it had issued, none was made twice.
    expect(issues.at(-1).IdempotencyToken).toBe(issues.at(-2).IdempotencyToken);
    expect(h.fake.pca.certificates.size).toBe(4);
    expect(h.fake.core.count('RevokeCertificate')).toBe(1);
  });

  test('the article mode: client add goes through ACM RequestCertificate and ExportCertificate', async () => {
    h = await awsHarness({choices: {clientCertMode: 'acm'}});
    expect((await h.run('client-cert')).ok).toBe(true);
    const before = h.fake.apis().length;
    await addClient(lifecycle(h), {name: 'client3', issuer: 'intermediateCA0'});
    const calls = h.fake.apis().slice(before);
    expect(calls[0]).toBe('RequestCertificate');
    expect(calls.at(-1)).toBe('ExportCertificate');
    expect(h.fake.core.inputs<any>('RequestCertificate').at(-1)).toMatchObject({DomainName: 'client3.mtls.test', CertificateAuthorityArn: h.state().cas.intermediateCA0!.arn});
  });

  test('--check-revocation on aws is refused: API Gateway checks no CRL and no authorizer is deployed', async () => {
    h = await awsHarness();
    await expect(h.backend.openEndpoint(h.session.context(), {checkRevocation: true})).rejects.toThrow(/cannot check revocation on the aws backend: API Gateway checks no CRL.*REQUEST authorizer/);
    expect(h.fake.calls).toEqual([]);
  });

  test('a CA made on this machine (a key, no ARN) signs a CRL: no AWS call', async () => {
    h = await awsHarness();
    const ctx = h.session.context();
    const key = await generateKey('EC_prime256v1');
    const ca = await createRootCa({key, commonName: 'localRoot', notAfter: new Date(Date.now() + 30 * 86_400_000)});
    await writeSecretFile(path.join(h.dir, 'cas/localRoot/key.pem'), key.privateKeyPem);
    await writePublicFile(path.join(h.dir, 'cas/localRoot/certificate.pem'), ca.pem);
    await ctx.update((d) => {
      d.cas.localRoot = {name: 'localRoot', parent: null, pathLen: null, certificate: 'cas/localRoot/certificate.pem', key: 'cas/localRoot/key.pem', fingerprint: ca.fingerprint};
    });
    const result = await h.backend.revokeCertificate(ctx, {issuer: 'localRoot', serial: '0badf00d', reason: 'cessationOfOperation'});
    expect(h.fake.calls).toEqual([]);
    expect(result.crl).toBe('cas/localRoot/crl.pem');
    const crl = path.join(h.dir, result.crl!);
    const out = opensslOk(['crl', '-in', crl, '-CAfile', path.join(h.dir, 'cas/localRoot/certificate.pem'), '-noout', '-text']);
    expect(out).toContain('Serial Number: 0BADF00D');
    expect(out).toContain('Cessation Of Operation');
  });
});
