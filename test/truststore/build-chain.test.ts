import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {buildChain, CHAIN_REASONS, parsePemBundle, type TrustCertificate} from '../../source/truststore/index.js';
import {articleHierarchy, opensslVerifies, Pki, type Cert} from './fixtures.js';

let pki: Pki;
let other: Pki;
let a: ReturnType<typeof articleHierarchy>;
let partB: TrustCertificate[];

const day = 86_400_000;
const bundleOf = (...certs: Cert[]) => certs.map((c) => c.pem).join('');
const poolOf = (...certs: Cert[]) => parsePemBundle(bundleOf(...certs)).certificates;
const reasonFor = (leaf: Cert, pool: readonly TrustCertificate[], now?: Date) => {
  const result = buildChain(leaf.pem, pool, {now});
  return result.ok ? 'ok' : result.reason;
};

beforeAll(() => {
  pki = new Pki();
  other = new Pki();
  a = articleHierarchy(pki);
  partB = poolOf(a.intermediateCA0, a.rootCA, a.intermediateCA1, a.intermediateCA2);
});
afterAll(() => {
  pki.cleanup();
  other.cleanup();
});

describe('buildChain accepts', () => {
  it('client1 and client2 through the part B truststore, leaf first and root last, as openssl does', () => {
    for (const [leaf, expected] of [
      [a.client1, ['CN=client1', 'CN=intermediateCA0', 'CN=rootCA']],
      [a.client2, ['CN=client2', 'CN=intermediateCA2', 'CN=intermediateCA1', 'CN=rootCA']],
    ] as const) {
      const result = buildChain(leaf.pem, partB);
      expect(result.ok && result.chain.map((c) => c.subject)).toEqual(expected);
      expect(opensslVerifies(pki, bundleOf(a.intermediateCA0, a.rootCA, a.intermediateCA1, a.intermediateCA2), leaf)).toBe(true);
    }
  });

  it('a chain of exactly 4 CA certificates', () => {
    const l1 = pki.ca('okLevel1', a.rootCA);
    const l2 = pki.ca('okLevel2', l1);
    const l3 = pki.ca('okLevel3', l2);
    expect(reasonFor(pki.client('okDeepLeaf', l3), poolOf(a.rootCA, l1, l2, l3))).toBe('ok');
  });
});

describe('buildChain refuses, worded as API Gateway logs it', () => {
  it('a client certificate from a CA outside the truststore', () => {
    const outsider = other.client('outsider', other.ca('outsideCA', other.root('outsideRoot')));
    expect(reasonFor(outsider, partB)).toBe(CHAIN_REASONS.noIssuer);
    expect(CHAIN_REASONS.noIssuer).toBe('Could not find issuer for certificate');
    expect(opensslVerifies(pki, bundleOf(a.intermediateCA0, a.rootCA), outsider)).toBe(false);
  });

  it('an issuer with the right name but another key (signatures are verified, not just names)', () => {
    const fakeIssuer = other.ca('intermediateCA0', other.root('fakeRoot'));
    expect(reasonFor(a.client1, poolOf(fakeIssuer, a.rootCA))).toBe(CHAIN_REASONS.noIssuer);
    const fakeRoot = other.root('rootCA');
    const result = buildChain(a.client1.pem, poolOf(a.intermediateCA0, fakeRoot));
    expect(result).toEqual({ok: false, reason: 'chain does not reach a trusted root', subject: 'CN=intermediateCA0'});
  });

  it('a self-signed client certificate', () => {
    const selfSigned = pki.selfSignedClient('selfSignedClient');
    expect(reasonFor(selfSigned, [...partB, ...poolOf(selfSigned)])).toBe('self signed certificate');
  });

  it('an intermediate-only truststore: the issuer is there but no root', () => {
    expect(buildChain(a.client1.pem, poolOf(a.intermediateCA0))).toEqual({ok: false, reason: 'chain does not reach a trusted root', subject: 'CN=intermediateCA0'});
  });

  it('a client certificate signed with SHA-1, or with an RSA 1024 key', () => {
    expect(reasonFor(pki.client('sha1Client', a.intermediateCA0, {md: 'sha1'}), partB)).toBe('Client cert using an insecure Signature Algorithm');
    expect(reasonFor(pki.client('rsa1024Client', a.intermediateCA0, {key: 'rsa1024'}), partB)).toBe('Client cert using an insecure Signature Algorithm');
  });

  it('an insecure CA in the chain', () => {
    const weakCa = other.ca('weakCA', a.rootCA, {md: 'sha1'});
    const result = buildChain(other.client('belowWeak', weakCa).pem, poolOf(a.rootCA, weakCa));
    expect(result).toEqual({ok: false, reason: CHAIN_REASONS.insecureChain, subject: 'CN=weakCA'});
  });

  it('an expired or not yet valid client certificate', () => {
    expect(reasonFor(a.client1, partB, new Date(Date.now() + 400 * day))).toBe('certificate has expired');
    expect(reasonFor(a.client1, partB, new Date(Date.now() - day))).toBe('certificate is not yet valid');
    expect(reasonFor(a.client1, partB, new Date(Date.now() + 300 * day))).toBe('ok');
  });

  it('an expired CA in the chain, named in the result', () => {
    const result = buildChain(a.client2.pem, partB, {now: new Date(Date.now() + 1500 * day)});
    expect(result).toMatchObject({ok: false, reason: 'certificate has expired', subject: 'CN=intermediateCA2'});
  });

  it('more than 4 CA certificates, as openssl -verify_depth 3 does', () => {
    const levels: Cert[] = [pki.root('tooDeepRoot')];
    for (let i = 1; i <= 4; i += 1) levels.push(pki.ca(`tooDeep${i}`, levels[i - 1] as Cert));
    const leaf = pki.client('tooDeepLeaf', levels[4] as Cert);
    expect(reasonFor(leaf, poolOf(...levels))).toBe('certificate chain too long');
    expect(opensslVerifies(pki, bundleOf(...levels), leaf, ['-verify_depth', '3'])).toBe(false);
    expect(opensslVerifies(pki, bundleOf(...levels), leaf, ['-verify_depth', '4'])).toBe(true);
  });

  it('a CA below a pathLen 0 CA', () => {
    const sub = pki.ca('subBelowPathLen0', a.intermediateCA0);
    const leaf = pki.client('leafBelowSub', sub);
    expect(buildChain(leaf.pem, [...partB, ...poolOf(sub)])).toEqual({ok: false, reason: 'path length constraint exceeded', subject: 'CN=intermediateCA0'});
  });

  it('uses only the first certificate the client sends, never the chain it sends along', () => {
    expect(reasonFor({...a.client1, pem: bundleOf(a.client1, a.intermediateCA0, a.rootCA)}, [])).toBe(CHAIN_REASONS.noIssuer);
    expect(buildChain('not a certificate', partB)).toEqual({ok: false, reason: 'certificate could not be parsed'});
  });
});
