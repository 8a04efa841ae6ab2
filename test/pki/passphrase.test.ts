/** Passphrase rules (ACM ExportCertificate's) and encrypted PKCS#8 keys that openssl and curl can use. */
import {execFileSync} from 'node:child_process';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {UserError} from '../../source/errors.js';
import {
  checkPassphrase,
  createRootCa,
  decryptPrivateKey,
  encryptPrivateKey,
  generateKey,
  generatePassphrase,
  issueClientCertificate,
  type KeyMaterial,
} from '../../source/pki/index.js';
import {openssl, opensslOk, tempDir} from './openssl.js';

describe('checkPassphrase', () => {
  it.each([
    ['3 characters', 'abc', 'must be 4 to 128 characters'],
    ['129 characters', 'a'.repeat(129), 'must be 4 to 128 characters'],
    ["'#'", 'pass#word', "must not contain '#', '$' or '%'"],
    ["'$'", 'pa$$word', "must not contain '#', '$' or '%'"],
    ["'%'", '100%sure', "must not contain '#', '$' or '%'"],
    ['an accented letter', 'pâssword', 'must be ASCII'],
    ['an emoji', 'pass🔑word', 'must be ASCII'],
    ['a tab', 'pass\tword', 'must be ASCII'],
  ])('refuses %s and names the rule without echoing the passphrase', (_name, passphrase, rule) => {
    const broken = checkPassphrase(passphrase);
    expect(broken).toContain(rule);
    expect(broken).not.toContain(passphrase);
  });

  it.each([
    ['4 characters', 'abcd'],
    ['128 characters', 'a'.repeat(128)],
    ['spaces and other punctuation', "correct horse !&*()[]{}'\"\\/~`^"],
  ])('accepts %s', (_name, passphrase) => {
    expect(checkPassphrase(passphrase)).toBeUndefined();
  });

  it('generates passphrases that pass the rules and survive an unquoted shell word', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const passphrase = generatePassphrase();
      expect(checkPassphrase(passphrase)).toBeUndefined();
      expect(passphrase).toHaveLength(24);
      seen.add(passphrase);
    }
    expect(seen.size).toBe(200);
    // The shell itself is the oracle: pasted unquoted into a command, the word arrives unchanged.
    const sample = [...seen].slice(0, 20);
    const echoed = execFileSync('sh', ['-c', `printf '%s\\n' ${sample.join(' ')}`], {encoding: 'utf8'});
    expect(echoed.trim().split('\n')).toEqual(sample);
  });
});

describe('encrypted private keys', () => {
  const dir = tempDir();
  const passphrase = 'correct horse battery';
  let key: KeyMaterial;
  let encrypted: string;
  let encryptedFile: string;
  let certFile: string;

  beforeAll(async () => {
    const [caKey, clientKey] = await Promise.all([generateKey('EC_prime256v1'), generateKey('RSA_2048')]);
    key = clientKey;
    const notAfter = new Date(Date.now() + 86_400_000);
    const root = await createRootCa({key: caKey, commonName: 'rootCA', notAfter});
    const client = await issueClientCertificate({
      publicKeyPem: key.publicKeyPem, commonName: 'client1', dnsName: 'client1.mtls.test', issuer: {certificatePem: root.pem, key: caKey}, notAfter,
    });
    certFile = dir.write('client1.pem', client.pem);
    encrypted = encryptPrivateKey(key.privateKeyPem, passphrase);
    encryptedFile = dir.write('client1.key.pem', encrypted);
  });
  afterAll(() => dir.remove());

  it('writes PKCS#8 encrypted with PBES2 and AES-256-CBC', () => {
    expect(encrypted).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/);
    expect(encrypted).not.toContain(key.privateKeyPem.split('\n')[1]);
    const asn1 = opensslOk(['asn1parse', '-in', encryptedFile]);
    expect(asn1).toContain(':PBES2');
    expect(asn1).toContain(':PBKDF2');
    expect(asn1).toContain(':aes-256-cbc');
  });

  it('opens with the right passphrase in openssl, and the key belongs to the certificate (what curl --key --cert --pass needs)', () => {
    const env = {PKI_TEST_PASS: passphrase};
    expect(openssl(['pkey', '-in', encryptedFile, '-passin', 'env:PKI_TEST_PASS', '-noout'], env).status).toBe(0);
    const fromKey = opensslOk(['pkey', '-in', encryptedFile, '-passin', 'env:PKI_TEST_PASS', '-pubout'], env);
    const fromCert = opensslOk(['x509', '-in', certFile, '-noout', '-pubkey']);
    expect(fromKey).toBe(fromCert);
  });

  it('does not open with a wrong passphrase in openssl', () => {
    const run = openssl(['pkey', '-in', encryptedFile, '-passin', 'env:PKI_TEST_PASS', '-noout'], {PKI_TEST_PASS: 'correct horse battery!'});
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/bad decrypt|unable to load/i);
  });

  it('round-trips through decryptPrivateKey', () => {
    expect(decryptPrivateKey(encrypted, passphrase)).toBe(key.privateKeyPem);
  });

  it('reads a key openssl encrypted with the same scheme', () => {
    const plainFile = dir.write('plain.pem', key.privateKeyPem);
    const fromOpenssl = opensslOk(
      ['pkcs8', '-topk8', '-in', plainFile, '-v2', 'aes-256-cbc', '-passout', 'env:PKI_TEST_PASS'],
      {PKI_TEST_PASS: passphrase},
    );
    expect(decryptPrivateKey(fromOpenssl, passphrase)).toBe(key.privateKeyPem);
  });

  it('reports a wrong passphrase as a UserError that does not contain it', () => {
    const wrong = 'not the passphrase';
    let error: unknown;
    try {
      decryptPrivateKey(encrypted, wrong);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toContain('passphrase is wrong');
    expect((error as UserError).message).not.toContain(wrong);
    expect((error as UserError).field).toBe('passphrase');
  });

  it('refuses to encrypt with a passphrase that breaks the rules, without echoing it', () => {
    expect(() => encryptPrivateKey(key.privateKeyPem, 'ab$cd')).toThrow(UserError);
    expect(() => encryptPrivateKey(key.privateKeyPem, 'ab$cd')).toThrow(/must not contain '#', '\$' or '%'/);
    expect(() => encryptPrivateKey(key.privateKeyPem, 'ab$cd')).not.toThrow(/ab\$cd/);
  });

  it('refuses to decrypt something that is not an encrypted key', () => {
    expect(() => decryptPrivateKey(key.privateKeyPem, passphrase)).toThrow(/not an encrypted PKCS#8 key/);
  });
});
