import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {checkTruststore, formatReport, parsePemBundle} from '../../source/truststore/index.js';
import {articleHierarchy, opensslVerifies, Pki, type Cert} from './fixtures.js';

let pki: Pki;
let other: Pki;
let a: ReturnType<typeof articleHierarchy>;

beforeAll(() => {
  pki = new Pki();
  other = new Pki();
  a = articleHierarchy(pki);
});
afterAll(() => {
  pki.cleanup();
  other.cleanup();
});

const bundleOf = (...certs: Cert[]) => certs.map((c) => c.pem).join('');
const errorCodes = (pem: string, now?: Date) => checkTruststore(pem, {now}).errors.map((e) => `${e.code} ${e.subject ?? ''}`.trim());
const warningCodes = (pem: string, now?: Date) => checkTruststore(pem, {now}).warnings.map((e) => `${e.code} ${e.subject ?? ''}`.trim());

describe('a sound bundle', () => {
  it('passes, and openssl verifies client certificates against it', () => {
    const bundle = bundleOf(a.intermediateCA0, a.rootCA);
    const report = checkTruststore(bundle);
    expect(report).toMatchObject({ok: true, errors: [], warnings: []});
    expect(report.certificates.map((c) => c.subject)).toEqual(['CN=intermediateCA0', 'CN=rootCA']);
    expect(report.bundle).toBe(bundle);
    expect(opensslVerifies(pki, report.bundle, a.client1)).toBe(true);
  });

  it('passes for the article part B bundle (root, three intermediates, in any order)', () => {
    const report = checkTruststore(bundleOf(a.intermediateCA2, a.rootCA, a.intermediateCA0, a.intermediateCA1));
    expect(report.errors).toEqual([]);
    expect(opensslVerifies(pki, report.bundle, a.client2)).toBe(true);
  });
});

describe('duplicates', () => {
  it('drops a byte-identical copy with a note, and the bundle still works', () => {
    const report = checkTruststore(bundleOf(a.rootCA, a.intermediateCA0, a.rootCA));
    expect(report.ok).toBe(true);
    expect(report.warnings.map((w) => w.code)).toEqual(['duplicate-dropped']);
    expect(report.warnings[0]?.message).toMatch(/CN=rootCA .* appears 2 times/);
    expect(report.certificates).toHaveLength(2);
    expect(parsePemBundle(report.bundle).certificates).toHaveLength(2);
    expect(report.bundle).toBe(bundleOf(a.rootCA, a.intermediateCA0));
  });

  it('refuses two different certificates with the same subject', () => {
    const impostor = other.root('rootCA');
    const report = checkTruststore(bundleOf(a.rootCA, a.intermediateCA0, impostor));
    expect(report.ok).toBe(false);
    expect(report.errors.map((e) => e.code)).toEqual(['duplicate-subject']);
    expect(report.errors[0]).toMatchObject({subject: 'CN=rootCA'});
    expect(report.errors[0]?.apiGateway).toMatch(/one certificate per subject/);
  });
});

describe('every chain reaches a self-signed root inside the bundle', () => {
  it('flags an intermediate-only bundle, which openssl also cannot verify', () => {
    const bundle = bundleOf(a.intermediateCA0);
    expect(errorCodes(bundle)).toEqual(['issuer-missing CN=intermediateCA0']);
    expect(opensslVerifies(pki, bundle, a.client1)).toBe(false);
    const error = checkTruststore(bundle).errors[0];
    expect(error?.message).toMatch(/its issuer CN=rootCA is not in the bundle/);
    expect(error?.client).toMatch(/HTTP 403/);
  });

  it('flags each certificate of a chain that stops short of its root', () => {
    expect(errorCodes(bundleOf(a.intermediateCA2, a.intermediateCA1))).toEqual(['no-root CN=intermediateCA2', 'issuer-missing CN=intermediateCA1']);
  });

  it('does not trust a name alone: an issuer with the right name but another key does not count', () => {
    const impostor = other.root('rootCA');
    expect(errorCodes(bundleOf(a.intermediateCA0, impostor))).toEqual(['bad-signature CN=intermediateCA0']);
    expect(opensslVerifies(pki, bundleOf(a.intermediateCA0, impostor), a.client1)).toBe(false);
  });

  it('does not take a certificate that names itself as issuer for a root unless its own key signed it', () => {
    const signer = other.root('selfIssued');
    const fake = pki.ca('selfIssued', signer); // subject = issuer = CN=selfIssued, signed by another key
    expect(parsePemBundle(fake.pem).certificates[0]?.selfSigned).toBe(false);
    expect(parsePemBundle(signer.pem).certificates[0]?.selfSigned).toBe(true);
    expect(errorCodes(fake.pem)).toEqual(['bad-signature CN=selfIssued']);
  });
});

describe('a chain holds at most 4 CA certificates', () => {
  let levels: Cert[];
  let leaf4: Cert;
  let leaf5: Cert;
  beforeAll(() => {
    const root = pki.root('deepRoot');
    levels = [root];
    for (let i = 1; i <= 4; i += 1) levels.push(pki.ca(`level${i}`, levels[i - 1] as Cert));
    leaf4 = pki.client('leafUnderLevel3', levels[3] as Cert);
    leaf5 = pki.client('leafUnderLevel4', levels[4] as Cert);
  });

  it('accepts 4 levels (root and 3 intermediates)', () => {
    const bundle = bundleOf(...levels.slice(0, 4));
    expect(checkTruststore(bundle).errors).toEqual([]);
    // openssl's -verify_depth counts intermediates only: 3 intermediates = 4 CA certificates.
    expect(opensslVerifies(pki, bundle, leaf4, ['-verify_depth', '3'])).toBe(true);
  });

  it('flags the fifth level, and only it', () => {
    const bundle = bundleOf(...levels);
    expect(errorCodes(bundle)).toEqual(['chain-too-long CN=level4']);
    expect(checkTruststore(bundle).errors[0]?.message).toMatch(/5 CA certificates .*at most 4/);
    expect(opensslVerifies(pki, bundle, leaf5, ['-verify_depth', '3'])).toBe(false);
  });
});

describe('pathLen constraints', () => {
  it('flags a CA placed below a CA whose pathLen forbids it, as openssl does', () => {
    const sub = pki.ca('belowPathLen0', a.intermediateCA0);
    const leaf = pki.client('leafBelowPathLen0', sub);
    const bundle = bundleOf(a.rootCA, a.intermediateCA0, sub);
    expect(errorCodes(bundle)).toEqual(['path-length-exceeded CN=belowPathLen0']);
    expect(opensslVerifies(pki, bundle, leaf)).toBe(false);
    expect(opensslVerifies(pki, bundleOf(a.rootCA, a.intermediateCA0), a.client1)).toBe(true);
  });
});

describe('keys and signatures', () => {
  it('accepts RSA 2048, EC P-256 and P-384, SHA-256 and SHA-384', () => {
    const rsa = other.root('rsa2048Root', {key: 'rsa2048'});
    const p384 = other.ca('p384Ca', rsa, {key: 'ec384', md: 'sha384'});
    const report = checkTruststore(bundleOf(rsa, p384, a.rootCA));
    expect(report.errors).toEqual([]);
    expect(report.certificates.map((c) => c.keyDescription)).toEqual(['RSA 2048', 'EC P-384', 'EC P-256']);
  });

  it('flags RSA 1024 and EC P-224 keys as weak', () => {
    const rsa = other.root('rsa1024Root', {key: 'rsa1024'});
    const p224 = other.root('p224Root', {key: 'ec224'});
    expect(errorCodes(bundleOf(rsa, p224))).toEqual(['weak-key CN=rsa1024Root', 'weak-key CN=p224Root']);
  });

  it('flags a SHA-1 signature as weak', () => {
    const sha1 = other.ca('sha1Intermediate', a.rootCA, {md: 'sha1'});
    const report = checkTruststore(bundleOf(a.rootCA, sha1));
    expect(report.errors.map((e) => e.code)).toEqual(['weak-signature']);
    expect(report.errors[0]?.message).toMatch(/ecdsa-with-SHA1/);
  });

  it('flags Ed25519, which API Gateway does not list', () => {
    const ed = other.root('edRoot', {key: 'ed25519'});
    expect(errorCodes(ed.pem)).toEqual(['unsupported-key CN=edRoot', 'unsupported-signature CN=edRoot']);
  });
});

describe('validity', () => {
  const day = 86_400_000;

  it('flags an expired intermediate as a warning, judged at the given time, as openssl -attime does', () => {
    const bundle = bundleOf(a.intermediateCA0, a.rootCA);
    const inSixYears = new Date(Date.now() + 6 * 365 * day);
    const report = checkTruststore(bundle, {now: inSixYears});
    expect(report.ok).toBe(true);
    expect(report.warnings.map((w) => `${w.code} ${w.subject}`)).toEqual(['expired CN=intermediateCA0']);
    expect(report.warnings[0]?.client).toMatch(/403.*certificate has expired/);
    const attime = String(Math.floor(inSixYears.getTime() / 1000));
    expect(opensslVerifies(pki, bundle, a.rootCA, ['-attime', attime])).toBe(true);
    expect(opensslVerifies(pki, bundle, a.intermediateCA0, ['-attime', attime])).toBe(false);
  });

  it('flags certificates that are not valid yet', () => {
    const yesterday = new Date(Date.now() - day);
    expect(warningCodes(bundleOf(a.intermediateCA0, a.rootCA), yesterday)).toEqual(['not-yet-valid CN=intermediateCA0', 'not-yet-valid CN=rootCA']);
    expect(warningCodes(bundleOf(a.intermediateCA0, a.rootCA))).toEqual([]);
  });
});

describe('other content', () => {
  it('warns about a certificate that is not a CA', () => {
    expect(warningCodes(bundleOf(a.intermediateCA0, a.rootCA, a.client1))).toEqual(['not-a-ca CN=client1']);
  });

  it('keeps the good certificates when a block is bad, but is not ok', () => {
    const report = checkTruststore(`${a.rootCA.pem}-----BEGIN CERTIFICATE-----\nMIIB\n`);
    expect(report.ok).toBe(false);
    expect(report.errors.map((e) => e.code)).toEqual(['truncated-pem']);
    expect(report.certificates).toHaveLength(1);
  });
});

describe('formatReport', () => {
  it('lists the certificates, each finding with its consequences, and the verdict', () => {
    const text = formatReport(checkTruststore(bundleOf(a.intermediateCA0)), 'ts.pem');
    expect(text).toContain('ts.pem: 1 certificate, 1 error, 0 warnings');
    expect(text).toMatch(/CN=intermediateCA0 {2}\(issued by CN=rootCA; EC P-256; valid until \d{4}-\d\d-\d\d; SHA-256 ([0-9A-F]{2}:){8}…\)/);
    expect(text).toContain('error [issuer-missing] CN=intermediateCA0 does not chain to a root in the bundle');
    expect(text).toContain('    API Gateway: API Gateway accepts the bundle and reports a truststore warning');
    expect(text).toContain('    Clients: client certificates issued below this CA get HTTP 403');
    expect(text).toContain('Result: not ready to upload.');
    expect(formatReport(checkTruststore(bundleOf(a.intermediateCA0, a.rootCA)))).toContain('Result: ready to upload.');
  });
});
