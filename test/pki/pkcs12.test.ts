/**
 * PKCS#12 export, checked by independent readers: openssl 3 (algorithms, contents, MAC), Node's own TLS
 * stack, and real curl presenting the file to an HTTPS server on 127.0.0.1 that requires a client certificate.
 */
import {execFile} from 'node:child_process';
import {createHash, X509Certificate} from 'node:crypto';
import {writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {createSecureContext} from 'node:tls';
import {promisify} from 'node:util';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {UserError} from '../../source/errors.js';
import {
  createRootCa,
  encryptPrivateKey,
  generateKey,
  issueCaCertificate,
  issueClientCertificate,
  issueServerCertificate,
  type KeyMaterial,
} from '../../source/pki/index.js';
import {exportPkcs12, type Pkcs12Profile} from '../../source/pki/pkcs12.js';
import {bmpPassword, pkcs12Kdf} from '../../source/pki/pkcs12-crypto.js';
import {type EchoServer, startClientCertEcho} from './echo-server.js';
import {openssl, opensslOk, tempDir} from './openssl.js';

const run = promisify(execFile);
const DAY = 86_400_000;
const PASSPHRASE = 'workshop-pass-1';
const KEYS = ['EC_prime256v1', 'RSA_2048'] as const;
const PROFILES: Pkcs12Profile[] = ['modern', 'compatible'];
const CASES = KEYS.flatMap((key) => PROFILES.map((profile) => ({key, profile, name: `${key} ${profile}`})));

const derOf = (pem: string): Buffer => Buffer.from(new X509Certificate(pem).raw);

describe('exportPkcs12', () => {
  const dir = tempDir();
  const pems = {root: '', sub: '', server: ''};
  let serverKey: KeyMaterial;
  let clientKey: KeyMaterial;
  let clientPem = '';
  const clients = new Map<string, {key: KeyMaterial; pem: string; keyFile: string}>();
  const p12 = new Map<string, {file: string; der: Uint8Array}>();
  const writeBinary = (name: string, der: Uint8Array): string => {
    const file = join(dir.path, name);
    writeFileSync(file, der, {mode: 0o600});
    return file;
  };

  beforeAll(async () => {
    const [rootKey, subKey, ec, rsa, srv] = await Promise.all([
      generateKey('EC_prime256v1'), generateKey('EC_prime256v1'), generateKey('EC_prime256v1'), generateKey('RSA_2048'), generateKey('EC_prime256v1'),
    ]);
    const notAfter = new Date(Date.now() + 30 * DAY);
    const root = await createRootCa({key: rootKey, commonName: 'rootCA', notAfter});
    const sub = await issueCaCertificate({publicKeyPem: subKey.publicKeyPem, commonName: 'intermediateCA0', pathLen: 0, issuer: {certificatePem: root.pem, key: rootKey}, notAfter});
    const server = await issueServerCertificate({publicKeyPem: srv.publicKeyPem, dnsNames: ['api.mtls.test'], issuer: {certificatePem: root.pem, key: rootKey}, notAfter});
    Object.assign(pems, {root: root.pem, sub: sub.pem, server: server.pem});
    serverKey = srv;
    for (const key of [ec, rsa]) {
      const cert = await issueClientCertificate({
        publicKeyPem: key.publicKeyPem, commonName: 'client1', dnsName: 'client1.mtls.test', issuer: {certificatePem: sub.pem, key: subKey}, notAfter,
      });
      clients.set(key.algorithm, {key, pem: cert.pem, keyFile: dir.write(`${key.algorithm}.key.pem`, key.privateKeyPem)});
    }
    clientKey = ec;
    clientPem = clients.get('EC_prime256v1')?.pem ?? '';
    for (const c of CASES) {
      const client = clients.get(c.key);
      if (!client) throw new Error(`no client for ${c.key}`);
      const der = exportPkcs12({
        privateKeyPem: client.key.privateKeyPem, certificatePem: client.pem, chainPems: [sub.pem, root.pem],
        passphrase: PASSPHRASE, profile: c.profile, friendlyName: 'client1',
      });
      p12.set(c.name, {der, file: writeBinary(`${c.name.replace(' ', '-')}.p12`, der)});
    }
  });
  afterAll(() => dir.remove());

  const fileOf = (name: string): string => p12.get(name)?.file ?? '';
  const pkcs12 = (name: string, args: string[], pass = PASSPHRASE) =>
    openssl(['pkcs12', '-in', fileOf(name), '-passin', `pass:${pass}`, ...args]);

  describe.each(CASES)('$name, read by openssl 3', ({key, profile, name}) => {
    it('uses the profile\'s algorithms for the key, the certificates and the MAC (openssl reads it without -legacy)', () => {
      const info = pkcs12(name, ['-info', '-noout']);
      expect(info.status).toBe(0);
      const text = info.stdout + info.stderr;
      if (profile === 'modern') {
        expect(text).toContain('MAC: sha256, Iteration 2048');
        expect(text).toMatch(/PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256/);
        expect(text).toMatch(/Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256/);
      } else {
        expect(text).toContain('MAC: sha1, Iteration 2048');
        expect(text).toContain('PKCS7 Encrypted data: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048');
        expect(text).toContain('Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048');
      }
      expect(text).not.toMatch(/RC2|40Bit/i);
    });

    it('holds the original key, paired with the certificate by localKeyID and friendlyName', () => {
      const client = clients.get(key);
      const extracted = opensslOk(['pkcs12', '-in', fileOf(name), '-passin', `pass:${PASSPHRASE}`, '-nocerts', '-nodes']);
      const extractedFile = dir.write(`${name.replace(' ', '-')}.out.key.pem`, extracted);
      expect(opensslOk(['pkey', '-in', extractedFile, '-pubout'])).toBe(opensslOk(['pkey', '-in', client?.keyFile ?? '', '-pubout']));
      const certOut = opensslOk(['pkcs12', '-in', fileOf(name), '-passin', `pass:${PASSPHRASE}`, '-nokeys', '-clcerts']);
      const sha1 = createHash('sha1').update(derOf(client?.pem ?? '')).digest('hex').toUpperCase().match(/../g)?.join(' ');
      for (const bags of [extracted, certOut]) {
        expect(bags).toContain(`localKeyID: ${sha1}`);
        expect(bags).toContain('friendlyName: client1');
      }
    });

    it('holds the original certificate, then the chain in the order given', () => {
      const leaf = opensslOk(['pkcs12', '-in', fileOf(name), '-passin', `pass:${PASSPHRASE}`, '-nokeys', '-clcerts']);
      expect(derOf(leaf).equals(derOf(clients.get(key)?.pem ?? ''))).toBe(true);
      const cas = opensslOk(['pkcs12', '-in', fileOf(name), '-passin', `pass:${PASSPHRASE}`, '-nokeys', '-cacerts']);
      const blocks = cas.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
      expect(blocks.map((b) => derOf(b).toString('hex'))).toEqual([derOf(pems.sub).toString('hex'), derOf(pems.root).toString('hex')]);
    });

    it('fails the MAC check with a wrong passphrase', () => {
      const attempt = pkcs12(name, ['-info', '-noout'], 'wrong-pass-1');
      expect(attempt.status).not.toBe(0);
      expect(attempt.stderr).toContain('Mac verify error');
    });

    it('is loaded by Node\'s TLS stack, and only with the right passphrase', () => {
      const pfx = Buffer.from(p12.get(name)?.der ?? []);
      expect(() => createSecureContext({pfx, passphrase: PASSPHRASE})).not.toThrow();
      expect(() => createSecureContext({pfx, passphrase: 'wrong-pass-1'})).toThrow(/mac verify failure/i);
    });
  });

  it('writes one certificate bag when no chain is given, and different bytes every time (fresh salts and IVs)', () => {
    const o = {privateKeyPem: clientKey.privateKeyPem, certificatePem: clientPem, passphrase: PASSPHRASE, profile: 'modern' as const};
    const first = exportPkcs12(o);
    expect(Buffer.from(first).equals(Buffer.from(exportPkcs12(o)))).toBe(false);
    const file = writeBinary('alone.p12', first);
    const info = openssl(['pkcs12', '-in', file, '-passin', `pass:${PASSPHRASE}`, '-info', '-noout']);
    expect(info.status).toBe(0);
    expect((info.stderr + info.stdout).match(/Certificate bag/g)).toHaveLength(1);
  });

  describe('presented by real curl to a server that requires client certificates', () => {
    let server: EchoServer | undefined;
    let port = 0;
    let rootFile = '';

    beforeAll(async () => {
      rootFile = dir.write('root.pem', pems.root);
      // The server trusts only the root: intermediateCA0 must travel inside the .p12 for the chain to verify.
      server = await startClientCertEcho({key: serverKey.privateKeyPem, cert: pems.server, ca: [pems.root]});
      port = server.port;
    });
    afterAll(async () => {
      await server?.close();
    });

    const curl = (extra: string[]) =>
      run('curl', [
        '--disable', // first argument: ignore any ~/.curlrc
        '--silent', '--show-error', '--max-time', '10', '--write-out', '\n%{http_code}',
        '--resolve', `api.mtls.test:${port}:127.0.0.1`, '--cacert', rootFile,
        ...extra, `https://api.mtls.test:${port}/`,
      ]);

    it.each(CASES)('accepts the $name file with its passphrase (200)', async ({name}) => {
      const {stdout} = await curl(['--cert', `${fileOf(name)}:${PASSPHRASE}`, '--cert-type', 'P12']);
      const [body = '', status] = stdout.split('\n');
      expect(status).toBe('200');
      expect(JSON.parse(body)).toEqual({subject: 'client1', issuer: 'intermediateCA0'});
    });

    it('cannot use the file with a wrong passphrase', async () => {
      const attempt = curl(['--cert', `${fileOf('EC_prime256v1 modern')}:wrong-pass-1`, '--cert-type', 'P12']);
      await expect(attempt).rejects.toMatchObject({code: 58});
    });
  });

  describe('refuses bad input with a UserError naming the field and rule, without echoing secrets', () => {
    const base = (): Parameters<typeof exportPkcs12>[0] => ({
      privateKeyPem: clientKey.privateKeyPem, certificatePem: clientPem, passphrase: PASSPHRASE, profile: 'modern',
    });
    const caught = (override: Partial<Parameters<typeof exportPkcs12>[0]>): UserError => {
      try {
        exportPkcs12({...base(), ...override});
      } catch (error) {
        if (error instanceof UserError) return error;
        throw error;
      }
      throw new Error('exportPkcs12 accepted the input');
    };

    it.each([
      ['too short', 'abc', 'must be 4 to 128 characters'],
      ["with '$'", 'pa$$word', "must not contain '#', '$' or '%'"],
      ['non-ASCII', 'pâssword', 'must be ASCII'],
    ])('a passphrase %s', (_name, passphrase, rule) => {
      const error = caught({passphrase});
      expect(error.field).toBe('passphrase');
      expect(error.message).toContain(rule);
      expect(error.message).not.toContain(passphrase);
    });

    it('a key that does not belong to the certificate', () => {
      const other = clients.get('RSA_2048')?.key.privateKeyPem ?? '';
      expect(caught({privateKeyPem: other})).toMatchObject({field: 'privateKeyPem', why: 'the private key does not belong to the certificate'});
    });

    it('an encrypted key, without putting the key in the message', () => {
      const encrypted = encryptPrivateKey(clientKey.privateKeyPem, PASSPHRASE);
      const error = caught({privateKeyPem: encrypted});
      expect(error.field).toBe('privateKeyPem');
      expect(error.message).not.toContain('PRIVATE KEY-----');
    });

    it('a chain entry that is not a certificate', () => {
      expect(caught({chainPems: [pems.sub, clientKey.privateKeyPem]}).message).toContain('chain entry 2 holds a "PRIVATE KEY" PEM block');
    });

    it('an unknown profile and a friendly name with a line break', () => {
      expect(caught({profile: 'strong' as Pkcs12Profile}).field).toBe('profile');
      expect(caught({friendlyName: 'client\n1'}).field).toBe('friendlyName');
    });
  });
});

describe('the PKCS#12 key derivation (RFC 7292 appendix B)', () => {
  // openssl's PKCS12KDF takes the password bytes as given, so it gets the BMPString form in hex.
  it.each([
    ['sha1', 1, 24],
    ['sha1', 2, 8],
    ['sha256', 3, 32],
    ['sha256', 1, 70],
  ] as const)('matches openssl kdf PKCS12KDF for %s, id %i, %i bytes', (hash, id, length) => {
    const salt = Buffer.from('0a1b2c3d4e5f60718293a4b5c6d7e8f9', 'hex');
    const password = bmpPassword('workshop-pass-1');
    const expected = opensslOk([
      'kdf', '-keylen', String(length), '-kdfopt', `digest:${hash.toUpperCase()}`, '-kdfopt', `hexpass:${password.toString('hex')}`,
      '-kdfopt', `hexsalt:${salt.toString('hex')}`, '-kdfopt', 'iter:2048', '-kdfopt', `id:${id}`, 'PKCS12KDF',
    ]);
    expect(pkcs12Kdf(hash, password, salt, id, 2048, length).toString('hex')).toBe(expected.trim().replace(/:/g, '').toLowerCase());
  });
});
