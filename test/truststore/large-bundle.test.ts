import {webcrypto} from 'node:crypto';
import * as x509 from '@peculiar/x509';
import {beforeAll, describe, expect, it, vi} from 'vitest';
import {checkTruststore, checkTruststoreAsync, formatReport} from '../../source/truststore/index.js';

// A 1,000-certificate bundle (API Gateway's maximum) of healthy hierarchies with one of each problem planted in
// it, each at a known certificate: the check must find exactly those, however many certificates surround them.
// Certificates are signed with WebCrypto keys (openssl would take minutes for 1,000); each CA has its own key.
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
const EC = {name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256'};
const EC_SHA1 = {...EC, hash: 'SHA-1'};
const RSA_1024 = {name: 'RSASSA-PKCS1-v1_5', modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256'};
const DAY = 86_400_000;
const NOW = Date.now();

interface Ca {
  readonly cert: x509.X509Certificate;
  readonly keys: webcrypto.CryptoKeyPair;
}

const newKeys = (algorithm: object = EC) => webcrypto.subtle.generateKey(algorithm as webcrypto.EcKeyGenParams, true, ['sign', 'verify']) as Promise<webcrypto.CryptoKeyPair>;
let serial = 0;

interface IssueOptions {
  /** undefined: a CA without pathLen; null: not a CA. */
  readonly pathLength?: number | null;
  readonly notBefore?: number;
  readonly notAfter?: number;
  readonly signWith?: webcrypto.CryptoKeyPair;
  readonly signingAlgorithm?: object;
  readonly keys?: webcrypto.CryptoKeyPair;
  /** Leave out authorityKeyIdentifier, so that only the signature tells the true issuer. */
  readonly noAuthorityKeyId?: boolean;
}

async function issue(subject: string, parent: Ca | 'self', opts: IssueOptions = {}): Promise<Ca> {
  const keys = opts.keys ?? (await newKeys());
  const signer = opts.signWith ?? (parent === 'self' ? keys : parent.keys);
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(opts.pathLength !== null, opts.pathLength ?? undefined, true),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
  ];
  if (!opts.noAuthorityKeyId) extensions.push(await x509.AuthorityKeyIdentifierExtension.create(signer.publicKey));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: (++serial).toString(16).padStart(6, '0'),
    subject,
    issuer: parent === 'self' ? subject : parent.cert.subject,
    notBefore: new Date(opts.notBefore ?? NOW - DAY),
    notAfter: new Date(opts.notAfter ?? NOW + 3650 * DAY),
    publicKey: keys.publicKey,
    signingKey: signer.privateKey,
    signingAlgorithm: (opts.signingAlgorithm ?? EC) as webcrypto.EcdsaParams,
    extensions,
  });
  return {cert, keys};
}

const pem = (ca: Ca) => `${ca.cert.toString('pem').replaceAll('\r\n', '\n')}\n`;

let report: ReturnType<typeof checkTruststore>;
let bundlePem: string;
let expectedErrors: string[];
let expectedWarnings: string[];

beforeAll(async () => {
  const bundle: Ca[] = [];
  const healthyRoots: Ca[] = [];
  // 246 healthy hierarchies of four: a root, A (pathLen 1) and B (pathLen 0) below it, A1 below A.
  for (let tree = 0; tree < 246; tree++) {
    const root = await issue(`C=JP, O=Example ${tree}, CN=Root CA ${tree}`, 'self');
    const a = await issue(`C=JP, O=Example ${tree}, CN=CA ${tree}-A`, root, {pathLength: 1});
    const b = await issue(`C=JP, O=Example ${tree}, CN=CA ${tree}-B`, root, {pathLength: 0});
    const a1 = await issue(`C=JP, O=Example ${tree}, CN=CA ${tree}-A1`, a, {pathLength: 0});
    healthyRoots.push(root);
    bundle.push(root, a, b, a1);
  }
  const [r0, r1, r2] = healthyRoots as [Ca, Ca, Ca];
  const planted = async (subject: string, parent: Ca | 'self', opts: IssueOptions = {}) => {
    const ca = await issue(`CN=${subject}`, parent, opts);
    bundle.push(ca);
    return ca;
  };
  const stranger = await issue('CN=Not In The Bundle', 'self');
  const expired = await planted('Expired CA', r0, {notBefore: NOW - 400 * DAY, notAfter: NOW - DAY});
  const early = await planted('Future CA', r0, {notBefore: NOW + 30 * DAY});
  const notCa = await planted('Not A CA', r0, {pathLength: null});
  const belowNotCa = await planted('Below A Non-CA', notCa);
  const orphan = await planted('Orphan CA', stranger);
  const forged = await planted('Forged CA', r1, {signWith: stranger.keys, noAuthorityKeyId: true});
  const damaged = await planted('Damaged Root', 'self', {signWith: stranger.keys, noAuthorityKeyId: true});
  const sha1 = await planted('SHA-1 CA', r1, {signingAlgorithm: EC_SHA1});
  const weakKey = await planted('RSA-1024 CA', r1, {keys: await newKeys(RSA_1024)});
  // Below tree 2's B (pathLen 0): one CA level too many.
  const tooLow = await planted('Too Low CA', bundle[10] as Ca);
  // Five CA certificates in one chain: the fifth is too deep.
  let level: Ca = await planted('Deep Root', 'self');
  for (const depth of [1, 2, 3]) level = await planted(`Deep CA ${depth}`, level);
  const tooDeep = await planted('Deep CA 4', level);
  // A second, different root with tree 2's subject.
  bundle.push(await issue(r2.cert.subject, 'self'));
  expect(bundle).toHaveLength(1000);
  // A byte-identical copy, which is dropped and not counted.
  bundle.push(r0);

  const subject = (ca: Ca) => ca.cert.subject;
  expectedErrors = [
    `duplicate-subject ${subject(r2)}`,
    `issuer-not-ca ${subject(belowNotCa)}`,
    `issuer-missing ${subject(orphan)}`,
    `bad-signature ${subject(forged)}`,
    `bad-signature ${subject(damaged)}`,
    `weak-signature ${subject(sha1)}`,
    `weak-key ${subject(weakKey)}`,
    `path-length-exceeded ${subject(tooLow)}`,
    `chain-too-long ${subject(tooDeep)}`,
  ].sort();
  expectedWarnings = [`duplicate-dropped ${subject(r0)}`, `expired ${subject(expired)}`, `not-yet-valid ${subject(early)}`, `not-a-ca ${subject(notCa)}`].sort();
  bundlePem = bundle.map(pem).join('');
  report = checkTruststore(bundlePem);
}, 120_000);

describe('a 1,000-certificate bundle with one of each problem planted', () => {
  it('reads all 1,000 distinct certificates, roots as roots', () => {
    expect(report.certificates).toHaveLength(1000);
    expect(report.certificates.filter((c) => c.selfSigned)).toHaveLength(246 + 2);
    expect(report.certificates.find((c) => c.subject === 'C=JP, O=Example 7, CN=CA 7-A1')).toMatchObject({issuer: 'C=JP, O=Example 7, CN=CA 7-A', isCa: true, selfSigned: false, keyDescription: 'EC P-256'});
    expect(report.certificates.find((c) => c.subject === 'CN=RSA-1024 CA')?.keyDescription).toBe('RSA 1024');
  });

  it('finds exactly the planted errors and warnings, each at its certificate', () => {
    const line = (f: {code: string; subject?: string}) => `${f.code} ${f.subject ?? ''}`;
    expect(report.errors.map(line).sort()).toEqual(expectedErrors);
    expect(report.warnings.map(line).sort()).toEqual(expectedWarnings);
    expect(report.ok).toBe(false);
  });

  it('explains the forged and the damaged certificate as bad signatures, not as missing issuers', () => {
    const text = formatReport(report);
    expect(text).toContain('error [bad-signature] CN=Forged CA does not chain to a root in the bundle: the certificate named C=JP, O=Example 1, CN=Root CA 1 in the bundle did not sign CN=Forged CA');
    expect(text).toContain('error [bad-signature] CN=Damaged Root names itself as its issuer, but its signature does not verify with its own key');
    expect(text).toMatch(/^truststore: 1000 certificates, 9 errors, 4 warnings$/m);
  });

  it('gets the same report when the signatures are checked ahead on the thread pool, as the CLI does', async () => {
    // Fresh modules, so that no certificate or signature is answered from the first check's memory.
    vi.resetModules();
    const fresh = (await import('../../source/truststore/index.js')) as {checkTruststoreAsync: typeof checkTruststoreAsync};
    expect(fresh.checkTruststoreAsync).not.toBe(checkTruststoreAsync);
    expect(await fresh.checkTruststoreAsync(bundlePem)).toEqual(report);
  });
});
