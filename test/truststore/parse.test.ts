import {readFileSync} from 'node:fs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {parsePemBundle} from '../../source/truststore/index.js';
import {openssl, Pki, type Cert} from './fixtures.js';

let pki: Pki;
let root: Cert;
let intermediate: Cert;

beforeAll(() => {
  pki = new Pki();
  root = pki.root('rootCA', {subjectSuffix: '/O=Example, Inc./C=JP'});
  intermediate = pki.ca('intermediateCA0', root, {pathlen: 0, key: 'rsa2048'});
});
afterAll(() => pki.cleanup());

const codes = (input: string | Uint8Array) => parsePemBundle(input).errors.map((e) => e.code);

describe('parsePemBundle reads certificates', () => {
  it('gives the fields openssl reports', () => {
    const {certificates, errors} = parsePemBundle(root.pem + intermediate.pem);
    expect(errors).toEqual([]);
    const [r, i] = certificates;
    const fingerprint = openssl(['x509', '-in', root.certPath, '-noout', '-fingerprint', '-sha256']).split('=')[1]?.trim();
    expect(r?.fingerprint).toBe(fingerprint?.replaceAll(':', '').toLowerCase());
    expect(r?.subject).toBe('CN=rootCA, O=Example\\, Inc., C=JP');
    expect(r).toMatchObject({isCa: true, pathLen: null, selfSigned: true, keyDescription: 'EC P-256', signatureAlgorithm: 'ecdsa-with-SHA256'});
    expect(i).toMatchObject({subject: 'CN=intermediateCA0', issuer: r?.subject, isCa: true, pathLen: 0, selfSigned: false, keyDescription: 'RSA 2048', signatureAlgorithm: 'ecdsa-with-SHA256'});
    const serial = openssl(['x509', '-in', intermediate.certPath, '-noout', '-serial']).trim().split('=')[1];
    expect(i?.serial.replace(/^0+/, '')).toBe(serial?.replace(/^0+/, ''));
    const enddate = openssl(['x509', '-in', intermediate.certPath, '-noout', '-enddate']).trim().split('=')[1] ?? '';
    expect(i?.notAfter.getTime()).toBe(new Date(enddate).getTime());
  });

  it('normalises the PEM: CRLF, comments between blocks, one-line pastes and byte input give the same certificate', () => {
    const reference = parsePemBundle(root.pem).certificates[0];
    const crlf = root.pem.replaceAll('\n', '\r\n');
    const commented = `subject=CN = rootCA\nBag Attributes: none\n${root.pem}\ntrailing words\n`;
    const oneLine = root.pem.replaceAll('\n', '');
    for (const input of [crlf, commented, oneLine, new TextEncoder().encode(`\uFEFF${root.pem}`)]) {
      const {certificates, errors} = parsePemBundle(input);
      expect(errors).toEqual([]);
      expect(certificates[0]?.fingerprint).toBe(reference?.fingerprint);
      expect(certificates[0]?.pem).toBe(reference?.pem);
    }
    // The normalised PEM is what openssl itself writes.
    expect(reference?.pem).toBe(openssl(['x509', '-in', root.certPath]));
  });
});

describe('parsePemBundle refuses bad input, each with its own code', () => {
  it('empty input', () => {
    expect(codes('')).toEqual(['empty']);
    expect(codes(' \n\t\n')).toEqual(['empty']);
    expect(codes(new Uint8Array())).toEqual(['empty']);
  });

  it('text that is not PEM, and binary DER', () => {
    expect(codes('hello, this is not a certificate\n')).toEqual(['not-pem']);
    const result = parsePemBundle(opensslDer(root));
    expect(result.errors.map((e) => e.code)).toEqual(['not-pem']);
    expect(result.errors[0]?.message).toMatch(/binary.*openssl x509 -inform DER/);
  });

  it('a BEGIN line without its END line, and an END without BEGIN', () => {
    const cut = root.pem.slice(0, root.pem.indexOf('-----END'));
    expect(codes(cut)).toEqual(['truncated-pem']);
    expect(codes(intermediate.pem + cut)).toEqual(['truncated-pem']);
    expect(parsePemBundle(intermediate.pem + cut).certificates).toHaveLength(1);
    expect(codes(cut + intermediate.pem)).toEqual(['truncated-pem']);
    expect(codes(root.pem.slice(root.pem.indexOf('\n') + 1))).toEqual(['truncated-pem']);
  });

  it('a block whose base64 is cut short or damaged', () => {
    const lines = root.pem.trim().split('\n');
    const shortened = [...lines.slice(0, 3), lines.at(-2)?.slice(0, 5), lines.at(-1)].join('\n');
    expect(codes(shortened)).toEqual(['invalid-base64']);
    expect(codes(root.pem.replace(/^(-----BEGIN CERTIFICATE-----\n.{10})..../, '$1!!!!'))).toEqual(['invalid-base64']);
  });

  it('a block whose DER is not a certificate', () => {
    const garbage = `-----BEGIN CERTIFICATE-----\n${Buffer.from('not a certificate at all').toString('base64')}\n-----END CERTIFICATE-----\n`;
    expect(codes(garbage)).toEqual(['invalid-certificate']);
    // Whole base64 quads removed from the middle: decodes, but the DER is cut.
    const body = root.pem.split('\n').slice(1, -2).join('');
    const chopped = `-----BEGIN CERTIFICATE-----\n${body.slice(0, 40)}${body.slice(80)}\n-----END CERTIFICATE-----\n`;
    expect(codes(chopped)).toEqual(['invalid-certificate']);
  });

  it('a private key instead of a certificate, named but never echoed', () => {
    for (const keyPem of [readFileSync(root.keyPath, 'utf8'), openssl(['ec', '-in', root.keyPath], undefined)]) {
      const {errors, certificates} = parsePemBundle(keyPem + intermediate.pem);
      expect(errors.map((e) => e.code)).toEqual(['private-key']);
      expect(certificates).toHaveLength(1);
      const body = keyPem.split('\n')[1] ?? '';
      expect(JSON.stringify(errors)).not.toContain(body.slice(0, 20));
    }
  });

  it('other PEM kinds: a CSR or a public key', () => {
    const csr = readFileSync(pki.path('intermediateCA0.csr'), 'utf8');
    const result = parsePemBundle(csr);
    expect(result.errors.map((e) => e.code)).toEqual(['not-a-certificate']);
    expect(result.errors[0]?.message).toMatch(/CERTIFICATE REQUEST/);
    expect(codes(openssl(['pkey', '-in', root.keyPath, '-pubout']))).toEqual(['not-a-certificate']);
  });
});

function opensslDer(cert: Cert): Uint8Array {
  const file = pki.path(`${cert.name}.der`);
  openssl(['x509', '-in', cert.certPath, '-outform', 'DER', '-out', file]);
  return new Uint8Array(readFileSync(file));
}
