/** The server profile, and the mistakes a profile refuses before it signs anything. */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {UserError} from '../../source/errors.js';
import {
  createRootCa,
  generateKey,
  issueCaCertificate,
  issueClientCertificate,
  issueServerCertificate,
  keyMatchesCertificate,
  type Issuer,
  type KeyMaterial,
} from '../../source/pki/index.js';
import {extension, openssl, opensslOk, tempDir} from './openssl.js';

const DAY = 86_400_000;
const notAfter = (): Date => new Date(Date.now() + 365 * DAY);

describe('certificate profiles', () => {
  const dir = tempDir();
  let rootKey: KeyMaterial;
  let otherKey: KeyMaterial;
  let root: Issuer;
  let rootFile: string;
  let sub0: Issuer;

  beforeAll(async () => {
    [rootKey, otherKey] = await Promise.all([generateKey('EC_prime256v1'), generateKey('EC_prime256v1')]);
    const rootCert = await createRootCa({key: rootKey, commonName: 'publicCA', notAfter: new Date(Date.now() + 3650 * DAY)});
    root = {certificatePem: rootCert.pem, key: rootKey};
    rootFile = dir.write('root.pem', rootCert.pem);
    const sub = await issueCaCertificate({publicKeyPem: otherKey.publicKeyPem, commonName: 'sub0', pathLen: 0, issuer: root, notAfter: notAfter()});
    sub0 = {certificatePem: sub.pem, key: otherKey};
  });
  afterAll(() => dir.remove());

  it('issues a server certificate that openssl accepts for TLS servers with every DNS name', async () => {
    const key = await generateKey('RSA_2048');
    const cert = await issueServerCertificate({publicKeyPem: key.publicKeyPem, dnsNames: ['api.mtls.test', '*.mtls.test'], issuer: root, notAfter: notAfter()});
    const file = dir.write('server.pem', cert.pem);
    expect(opensslOk(['verify', '-CAfile', rootFile, '-purpose', 'sslserver', file])).toContain(': OK');
    const text = opensslOk(['x509', '-in', file, '-text', '-noout']);
    expect(text).toContain('Subject: CN = api.mtls.test');
    expect(extension(text, 'X509v3 Basic Constraints')).toEqual({critical: true, value: 'CA:FALSE'});
    expect(extension(text, 'X509v3 Extended Key Usage')?.value).toBe('TLS Web Server Authentication');
    expect(extension(text, 'X509v3 Subject Alternative Name')?.value).toBe('DNS:api.mtls.test, DNS:*.mtls.test');
    expect(extension(text, 'X509v3 Authority Key Identifier')).toBeDefined();
    // Checked both ways so that the helper cannot pass by always answering true.
    expect(keyMatchesCertificate(key.privateKeyPem, cert.pem)).toBe(true);
    expect(keyMatchesCertificate(otherKey.privateKeyPem, cert.pem)).toBe(false);
  });

  it('refuses a CA certificate below a pathlen:0 CA, which a verifier would reject', async () => {
    const attempt = issueCaCertificate({publicKeyPem: rootKey.publicKeyPem, commonName: 'tooDeep', pathLen: 0, issuer: sub0, notAfter: notAfter()});
    await expect(attempt).rejects.toThrow(/CN=sub0 has pathlen:0, so it cannot issue CA certificates/);
    await expect(attempt).rejects.toHaveProperty('field', 'pathLen');
  });

  it('refuses a negative or fractional path length', async () => {
    for (const pathLen of [-1, 0.5]) {
      await expect(issueCaCertificate({publicKeyPem: otherKey.publicKeyPem, commonName: 'x', pathLen, issuer: root, notAfter: notAfter()})).rejects.toBeInstanceOf(UserError);
    }
  });

  it('refuses to issue from an end-entity certificate', async () => {
    const leaf = await issueClientCertificate({publicKeyPem: otherKey.publicKeyPem, commonName: 'client1', dnsName: 'client1.mtls.test', issuer: sub0, notAfter: notAfter()});
    const attempt = issueClientCertificate({
      publicKeyPem: rootKey.publicKeyPem, commonName: 'x', dnsName: 'x.test', issuer: {certificatePem: leaf.pem, key: otherKey}, notAfter: notAfter(),
    });
    await expect(attempt).rejects.toThrow(/is not a CA/);
  });

  it("refuses an issuer key that does not belong to the issuer's certificate", async () => {
    const attempt = issueClientCertificate({
      publicKeyPem: otherKey.publicKeyPem, commonName: 'client1', dnsName: 'client1.mtls.test',
      issuer: {certificatePem: root.certificatePem, key: otherKey}, notAfter: notAfter(),
    });
    await expect(attempt).rejects.toThrow(/does not belong to the issuer's certificate/);
  });

  it('refuses a key whose label disagrees with the key itself', async () => {
    const mislabelled = {...rootKey, algorithm: 'RSA_2048' as const};
    await expect(createRootCa({key: mislabelled, commonName: 'rootCA', notAfter: notAfter()})).rejects.toThrow(/it is EC P-256, but it is labelled RSA_2048/);
  });

  it('refuses bad names with the field and the rule, and keeps DN syntax out of the common name', async () => {
    const tooLong = createRootCa({key: rootKey, commonName: 'x'.repeat(65), notAfter: notAfter()});
    await expect(tooLong).rejects.toThrow(/common name must be 1 to 64 characters/);
    const badDns = issueClientCertificate({publicKeyPem: otherKey.publicKeyPem, commonName: 'c', dnsName: 'bad name!', issuer: root, notAfter: notAfter()});
    await expect(badDns).rejects.toHaveProperty('field', 'dnsName');
    await expect(issueServerCertificate({publicKeyPem: otherKey.publicKeyPem, dnsNames: [], issuer: root, notAfter: notAfter()})).rejects.toHaveProperty('field', 'dnsNames');

    const odd = await createRootCa({key: rootKey, commonName: 'Team A, CN=admin', notAfter: notAfter()});
    const subject = openssl(['x509', '-in', dir.write('odd.pem', odd.pem), '-noout', '-subject', '-nameopt', 'multiline']);
    // One attribute whose value holds the comma, not two CNs.
    expect(subject.stdout.split('\n').filter((line) => line.includes('commonName')).map((line) => line.trim())).toEqual([
      'commonName                = Team A, CN=admin',
    ]);
  });
});
