/**
 * root -> sub (pathLen 1) -> sub (pathLen 0) -> client, for every key algorithm, checked by openssl:
 * the chain verifies, and `openssl x509 -text` shows the profile AWS Private CA's templates would.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {
  createRootCa,
  generateKey,
  issueCaCertificate,
  issueClientCertificate,
  type IssuedCertificate,
  type KeyMaterial,
} from '../../source/pki/index.js';
import type {KeyAlgorithm} from '../../source/state/schema.js';
import {extension, openssl, opensslOk, tempDir} from './openssl.js';

const DAY = 86_400_000;

interface Expected {
  readonly signature: string;
  readonly keyLines: string[];
  readonly clientKeyUsage: string;
}

const CASES: Array<[KeyAlgorithm, Expected]> = [
  ['EC_prime256v1', {signature: 'ecdsa-with-SHA256', keyLines: ['Public-Key: (256 bit)', 'NIST CURVE: P-256'], clientKeyUsage: 'Digital Signature'}],
  ['EC_secp384r1', {signature: 'ecdsa-with-SHA384', keyLines: ['Public-Key: (384 bit)', 'NIST CURVE: P-384'], clientKeyUsage: 'Digital Signature'}],
  ['RSA_2048', {signature: 'sha256WithRSAEncryption', keyLines: ['Public-Key: (2048 bit)', 'Exponent: 65537 (0x10001)'], clientKeyUsage: 'Digital Signature, Key Encipherment'}],
  // The only RSA 4096 chain in the suite: four 4096-bit keys take a few seconds on two cores.
  ['RSA_4096', {signature: 'sha256WithRSAEncryption', keyLines: ['Public-Key: (4096 bit)', 'Exponent: 65537 (0x10001)'], clientKeyUsage: 'Digital Signature, Key Encipherment'}],
];

describe.each(CASES)('a %s hierarchy', (algorithm, expected) => {
  const dir = tempDir();
  const files: Record<'root' | 'sub1' | 'sub0' | 'client' | 'chain', string> = {root: '', sub1: '', sub0: '', client: '', chain: ''};
  const certs: Record<string, IssuedCertificate> = {};
  const text = (name: keyof typeof files): string => opensslOk(['x509', '-in', files[name], '-text', '-noout']);

  beforeAll(async () => {
    const keys: KeyMaterial[] = await Promise.all([1, 2, 3, 4].map(() => generateKey(algorithm)));
    const [rootKey, sub1Key, sub0Key, clientKey] = keys as [KeyMaterial, KeyMaterial, KeyMaterial, KeyMaterial];
    const now = Date.now();
    const root = await createRootCa({key: rootKey, commonName: 'rootCA', notAfter: new Date(now + 3650 * DAY)});
    const sub1 = await issueCaCertificate({
      publicKeyPem: sub1Key.publicKeyPem, commonName: 'intermediateCA1', pathLen: 1,
      issuer: {certificatePem: root.pem, key: rootKey}, notAfter: new Date(now + 1825 * DAY),
    });
    const sub0 = await issueCaCertificate({
      publicKeyPem: sub0Key.publicKeyPem, commonName: 'intermediateCA2', pathLen: 0,
      issuer: {certificatePem: sub1.pem, key: sub1Key}, notAfter: new Date(now + 1000 * DAY),
    });
    const client = await issueClientCertificate({
      publicKeyPem: clientKey.publicKeyPem, commonName: 'client2', dnsName: 'client2.mtls.test',
      issuer: {certificatePem: sub0.pem, key: sub0Key}, notAfter: new Date(now + 395 * DAY),
    });
    Object.assign(certs, {root, sub1, sub0, client});
    files.root = dir.write('root.pem', root.pem);
    files.sub1 = dir.write('sub1.pem', sub1.pem);
    files.sub0 = dir.write('sub0.pem', sub0.pem);
    files.client = dir.write('client.pem', client.pem);
    files.chain = dir.write('chain.pem', sub0.pem + sub1.pem);
  });
  afterAll(() => dir.remove());

  it('verifies up to the root for TLS client authentication, and not for server authentication', () => {
    const args = ['verify', '-CAfile', files.root, '-untrusted', files.chain];
    expect(opensslOk([...args, '-purpose', 'sslclient', files.client])).toContain(': OK');
    const asServer = openssl([...args, '-purpose', 'sslserver', files.client]);
    expect(asServer.status).not.toBe(0);
    expect(asServer.stdout + asServer.stderr).toContain('unsuitable certificate purpose');
  });

  it('makes a self-signed root with CA:TRUE critical and no path length', () => {
    const root = text('root');
    expect(root).toContain('Subject: CN = rootCA');
    expect(root).toContain('Issuer: CN = rootCA');
    expect(extension(root, 'X509v3 Basic Constraints')).toEqual({critical: true, value: 'CA:TRUE'});
    expect(extension(root, 'X509v3 Key Usage')).toEqual({critical: true, value: 'Digital Signature, Certificate Sign, CRL Sign'});
    const ski = extension(root, 'X509v3 Subject Key Identifier')?.value;
    expect(ski).toMatch(/^([0-9A-F]{2}:){19}[0-9A-F]{2}$/);
    expect(extension(root, 'X509v3 Authority Key Identifier')?.value).toContain(ski);
    expect(root).not.toContain('Extended Key Usage');
  });

  it('gives each subordinate its path length, including pathlen:0', () => {
    expect(extension(text('sub1'), 'X509v3 Basic Constraints')).toEqual({critical: true, value: 'CA:TRUE, pathlen:1'});
    expect(extension(text('sub0'), 'X509v3 Basic Constraints')).toEqual({critical: true, value: 'CA:TRUE, pathlen:0'});
    expect(extension(text('sub0'), 'X509v3 Key Usage')).toEqual({critical: true, value: 'Digital Signature, Certificate Sign, CRL Sign'});
  });

  it("links every certificate to its issuer's key identifier", () => {
    const pairs: Array<[keyof typeof files, keyof typeof files]> = [['sub1', 'root'], ['sub0', 'sub1'], ['client', 'sub0']];
    for (const [child, parent] of pairs) {
      const ski = extension(text(parent), 'X509v3 Subject Key Identifier')?.value;
      expect(ski, parent).toBeTruthy();
      expect(extension(text(child), 'X509v3 Authority Key Identifier')?.value, child).toContain(ski);
    }
  });

  it('makes a client certificate: CA:FALSE, clientAuth only, its DNS name in the SAN', () => {
    const client = text('client');
    expect(client).toContain('Subject: CN = client2');
    expect(client).toContain('Issuer: CN = intermediateCA2');
    expect(extension(client, 'X509v3 Basic Constraints')).toEqual({critical: true, value: 'CA:FALSE'});
    expect(extension(client, 'X509v3 Key Usage')).toEqual({critical: true, value: expected.clientKeyUsage});
    expect(extension(client, 'X509v3 Extended Key Usage')?.value).toBe('TLS Web Client Authentication');
    expect(extension(client, 'X509v3 Subject Alternative Name')?.value).toBe('DNS:client2.mtls.test');
    expect(extension(client, 'X509v3 Subject Key Identifier')).toBeDefined();
  });

  it('signs with the algorithm of the key type and uses the requested key size or curve', () => {
    for (const name of ['root', 'sub1', 'sub0', 'client'] as const) {
      const output = text(name);
      expect(output.match(/Signature Algorithm: (\S+)/g), name).toEqual([
        `Signature Algorithm: ${expected.signature}`,
        `Signature Algorithm: ${expected.signature}`,
      ]);
      for (const line of expected.keyLines) expect(output, name).toContain(line);
    }
  });

  it('reports the serial and fingerprint openssl sees; serials are random, positive and at least 64 bits', () => {
    const serials = new Set<string>();
    for (const name of ['root', 'sub1', 'sub0', 'client'] as const) {
      const cert = certs[name]!;
      const out = opensslOk(['x509', '-in', files[name], '-noout', '-serial', '-fingerprint', '-sha256']);
      expect(out).toContain(`serial=${cert.serial.toUpperCase()}`);
      expect(out.toLowerCase().replace(/:/g, '')).toContain(`fingerprint=${cert.fingerprint}`);
      expect(cert.serial).toMatch(/^[0-9a-f]{16,40}$/);
      expect(Number.parseInt(cert.serial.slice(0, 2), 16)).toBeLessThan(0x80);
      serials.add(cert.serial);
    }
    expect(serials.size).toBe(4);
  });
});
