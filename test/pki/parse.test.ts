/** parseCertificate on certificates openssl made itself, and on input that is not a certificate. */
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {UserError} from '../../source/errors.js';
import {createRootCa, generateKey, issueCaCertificate, parseCertificate} from '../../source/pki/index.js';
import {opensslOk, tempDir} from './openssl.js';

describe('parseCertificate', () => {
  const dir = tempDir();
  const pem: Record<'ecRoot' | 'rsaSub' | 'leaf', string> = {ecRoot: '', rsaSub: '', leaf: ''};
  const file = (name: string): string => join(dir.path, name);

  beforeAll(() => {
    // An EC root with pathlen:2, an RSA subordinate with pathlen:0 below it, and a leaf below that: all openssl's.
    opensslOk(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384', '-nodes', '-keyout', file('root.key'),
      '-subj', '/O=Workshop/CN=osslRoot', '-days', '30', '-sha384', '-out', file('root.pem'),
      '-addext', 'basicConstraints=critical,CA:TRUE,pathlen:2', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    opensslOk(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('sub.key'), '-subj', '/CN=osslSub', '-out', file('sub.csr')]);
    dir.write('sub.ext', 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n');
    opensslOk(['x509', '-req', '-in', file('sub.csr'), '-CA', file('root.pem'), '-CAkey', file('root.key'), '-days', '20',
      '-sha256', '-extfile', file('sub.ext'), '-out', file('sub.pem')]);
    opensslOk(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', file('leaf.key'), '-subj', '/CN=osslLeaf', '-out', file('leaf.csr')]);
    dir.write('leaf.ext', 'basicConstraints=critical,CA:FALSE\nsubjectAltName=DNS:a.mtls.test,DNS:b.mtls.test,IP:127.0.0.1\n');
    opensslOk(['x509', '-req', '-in', file('leaf.csr'), '-CA', file('sub.pem'), '-CAkey', file('sub.key'), '-days', '10',
      '-sha256', '-extfile', file('leaf.ext'), '-out', file('leaf.pem')]);
    pem.ecRoot = readFileSync(file('root.pem'), 'utf8');
    pem.rsaSub = readFileSync(file('sub.pem'), 'utf8');
    pem.leaf = readFileSync(file('leaf.pem'), 'utf8');
  });
  afterAll(() => dir.remove());

  it('reads a self-signed EC root with a path length', () => {
    const info = parseCertificate(pem.ecRoot);
    expect(info).toMatchObject({
      subject: 'O=Workshop, CN=osslRoot', isCa: true, pathLen: 2, selfSigned: true,
      keyDescription: 'EC P-384', keyType: 'EC', keySize: 384, signatureAlgorithm: 'ecdsa-with-SHA384', signatureHash: 'SHA-384', dnsNames: [],
    });
    const out = opensslOk(['x509', '-in', file('root.pem'), '-noout', '-serial', '-fingerprint', '-sha256', '-startdate', '-enddate']);
    expect(out).toContain(`serial=${info.serial.toUpperCase()}`);
    expect(out.replace(/:/g, '').toLowerCase()).toContain(`fingerprint=${info.fingerprint}`);
    expect(new Date(/notAfter=(.+)/.exec(out)?.[1] ?? '')).toEqual(info.notAfter);
  });

  it('reads an RSA subordinate with pathlen:0 as a CA that is not self-signed', () => {
    expect(parseCertificate(pem.rsaSub)).toMatchObject({
      subject: 'CN=osslSub', issuer: 'O=Workshop, CN=osslRoot', isCa: true, pathLen: 0, selfSigned: false,
      keyDescription: 'RSA 2048', signatureAlgorithm: 'ecdsa-with-SHA256',
    });
  });

  it('reads a leaf: not a CA, no path length, only its DNS names', () => {
    expect(parseCertificate(pem.leaf)).toMatchObject({
      isCa: false, pathLen: null, selfSigned: false, keyDescription: 'EC P-256',
      signatureAlgorithm: 'sha256WithRSAEncryption', dnsNames: ['a.mtls.test', 'b.mtls.test'],
    });
  });

  it('does not call a certificate self-signed just because its subject equals its issuer', async () => {
    const [keyA, keyB] = await Promise.all([generateKey('EC_prime256v1'), generateKey('EC_prime256v1')]);
    const notAfter = new Date(Date.now() + 86_400_000);
    const a = await createRootCa({key: keyA, commonName: 'twin', notAfter});
    const b = await issueCaCertificate({publicKeyPem: keyB.publicKeyPem, commonName: 'twin', pathLen: 0, issuer: {certificatePem: a.pem, key: keyA}, notAfter});
    expect(parseCertificate(a.pem).selfSigned).toBe(true);
    const info = parseCertificate(b.pem);
    expect([info.subject, info.issuer, info.selfSigned]).toEqual(['CN=twin', 'CN=twin', false]);
  });

  it.each([
    ['an empty string', '', /expected exactly one "-----BEGIN CERTIFICATE-----" PEM block, found no PEM block/],
    ['a private key', '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n', /found "PRIVATE KEY"/],
    ['a block that is not DER', '-----BEGIN CERTIFICATE-----\naGVsbG8gd29ybGQ=\n-----END CERTIFICATE-----\n', /not a DER-encoded X\.509 certificate/],
  ])('refuses %s, naming the rule', (_name, input, message) => {
    expect(() => parseCertificate(input)).toThrow(UserError);
    expect(() => parseCertificate(input)).toThrow(message);
  });

  it('refuses a bundle: one certificate at a time', () => {
    expect(() => parseCertificate(pem.leaf + pem.rsaSub)).toThrow(/found "CERTIFICATE", "CERTIFICATE"/);
  });
});
