import {webcrypto} from 'node:crypto';
import * as x509 from '@peculiar/x509';
import {beforeAll, describe, expect, it} from 'vitest';
import {checkTruststore, MAX_BUNDLE_BYTES} from '../../source/truststore/index.js';

// Generating 1,001 certificates with openssl would take many seconds; signing with one WebCrypto key takes a
// fraction of one. Each certificate is a distinct self-signed root, so none is a duplicate of another.
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
const algorithm = {name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256'};
let keys: webcrypto.CryptoKeyPair;

beforeAll(async () => {
  keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
});

async function root(name: string, padding = 0): Promise<string> {
  const extensions: x509.Extension[] = [new x509.BasicConstraintsExtension(true, undefined, true)];
  // A private, non-critical extension is a cheap way to make one certificate as big as a test needs.
  if (padding > 0) extensions.push(new x509.Extension('1.3.6.1.4.1.55555.1', false, new Uint8Array(padding)));
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: `CN=${name}`,
    notBefore: new Date(Date.now() - 86_400_000),
    notAfter: new Date(Date.now() + 86_400_000 * 30),
    keys,
    signingAlgorithm: algorithm,
    extensions,
  });
  return cert.toString('pem').replaceAll('\r\n', '\n') + '\n';
}

describe('at most 1,000 certificates', () => {
  let pems: string[];
  beforeAll(async () => {
    pems = await Promise.all(Array.from({length: 1001}, (_, i) => root(`root-${i}`)));
  });

  // Limits apply to what is uploaded, so a byte-identical copy (dropped) does not count.
  it('accepts 1,000 distinct certificates, plus a byte-identical copy that is dropped', () => {
    const report = checkTruststore([...pems.slice(0, 1000), pems[0]].join(''));
    expect(report.errors).toEqual([]);
    expect(report.certificates).toHaveLength(1000);
    expect(report.warnings.map((w) => w.code)).toEqual(['duplicate-dropped']);
  });

  it('refuses 1,001', () => {
    const report = checkTruststore(pems.join(''));
    expect(report.errors.map((e) => e.code)).toEqual(['too-many-certificates']);
    expect(report.errors[0]?.message).toContain('1001 certificates');
  });
});

describe('at most 1 MB, read as 1,000,000 bytes', () => {
  it('accepts a bundle just under 1,000,000 bytes', async () => {
    const pem = await root('bigRoot', 725_000);
    expect(pem.length).toBeGreaterThan(980_000);
    expect(pem.length).toBeLessThanOrEqual(MAX_BUNDLE_BYTES);
    expect(checkTruststore(pem).errors).toEqual([]);
  });

  it('refuses a bundle over 1,000,000 bytes even when under 1 MiB', async () => {
    const pem = await root('biggerRoot', 750_000);
    expect(pem.length).toBeGreaterThan(1_000_000);
    expect(pem.length).toBeLessThan(1_048_576);
    const report = checkTruststore(pem);
    expect(report.errors.map((e) => e.code)).toEqual(['too-large']);
    expect(report.errors[0]?.message).toMatch(/is 1,0\d\d,\d{3} bytes/);
    // The size is counted without joining the bundle; it must be the size of what would be uploaded.
    expect(report.errors[0]?.message).toContain(`is ${Buffer.byteLength(report.bundle).toLocaleString('en-US')} bytes`);
  });
});
