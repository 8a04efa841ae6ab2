/**
 * Who issued whom, as OpenSSL decides it: `likelyIssued` is X509_check_issued (names, key identifiers, key type
 * against signature algorithm, keyUsage) on already-read fields, and `signedBy` is X509_verify, done by
 * node:crypto once per pair of certificates and remembered. Public keys are imported once per distinct key.
 */
import {createPublicKey, KeyObject, verify as verifySignature, webcrypto, X509Certificate} from 'node:crypto';
import {view, type CertificateParts} from './certificate.js';

/** Signature algorithms node:crypto verifies directly: digest (null for EdDSA) and the key type they need. */
const DIRECT: Readonly<Record<string, {digest: string | null; keyType: string}>> = {
  '1.2.840.113549.1.1.4': {digest: 'md5', keyType: 'rsa'},
  '1.2.840.113549.1.1.5': {digest: 'sha1', keyType: 'rsa'},
  '1.2.840.113549.1.1.14': {digest: 'sha224', keyType: 'rsa'},
  '1.2.840.113549.1.1.11': {digest: 'sha256', keyType: 'rsa'},
  '1.2.840.113549.1.1.12': {digest: 'sha384', keyType: 'rsa'},
  '1.2.840.113549.1.1.13': {digest: 'sha512', keyType: 'rsa'},
  '1.2.840.10045.4.1': {digest: 'sha1', keyType: 'ec'},
  '1.2.840.10045.4.3.1': {digest: 'sha224', keyType: 'ec'},
  '1.2.840.10045.4.3.2': {digest: 'sha256', keyType: 'ec'},
  '1.2.840.10045.4.3.3': {digest: 'sha384', keyType: 'ec'},
  '1.2.840.10045.4.3.4': {digest: 'sha512', keyType: 'ec'},
  '1.3.101.112': {digest: null, keyType: 'ed25519'},
  '1.3.101.113': {digest: null, keyType: 'ed448'},
};

/** Key types a signature algorithm may come from (OpenSSL's check_sig_alg_match), for the other algorithms. */
const OTHER_KEY_TYPES: Readonly<Record<string, readonly string[]>> = {
  '1.2.840.113549.1.1.2': ['rsa'],
  '1.2.840.113549.1.1.10': ['rsa', 'rsa-pss'],
  '1.2.840.10040.4.3': ['dsa'],
  '2.16.840.1.101.3.4.3.1': ['dsa'],
  '2.16.840.1.101.3.4.3.2': ['dsa'],
};

function keyTypesFor(signatureOid: string): readonly string[] {
  const direct = DIRECT[signatureOid];
  return direct ? [direct.keyType] : (OTHER_KEY_TYPES[signatureOid] ?? []);
}

/**
 * Could `issuer` have issued `child`, before any signature check: the issuer's subject is the child's issuer, the
 * child's authorityKeyIdentifier (key id, serial, issuer name) agrees with the issuer, the issuer's key type fits
 * the child's signature algorithm, and the issuer's keyUsage (if any) allows keyCertSign.
 */
export function likelyIssued(child: CertificateParts, issuer: CertificateParts): boolean {
  if (issuer.subjectKey !== child.issuerKey) return false;
  if (child.authorityKeyId !== undefined && issuer.subjectKeyId !== undefined && child.authorityKeyId !== issuer.subjectKeyId) return false;
  if (child.authoritySerial !== undefined && child.authoritySerial !== issuer.serialHex) return false;
  if (child.authorityIssuerKey !== undefined && child.authorityIssuerKey !== issuer.issuerKey) return false;
  if (!keyTypesFor(child.signatureOid).includes(issuer.keyType)) return false;
  return issuer.mayIssue;
}

const keys = new Map<string, KeyObject | null>();
const MAX_KEYS = 4096;

function keyId(parts: CertificateParts): string {
  return parts.bytes.toString('latin1', parts.spki.start, parts.spki.end);
}

function rememberKey(id: string, key: KeyObject | null): KeyObject | null {
  if (keys.size >= MAX_KEYS) keys.clear();
  keys.set(id, key);
  return key;
}

/** The issuer's public key, imported once per distinct key (a renewed CA often keeps its key); null if unusable. */
function publicKey(parts: CertificateParts): KeyObject | null {
  const id = keyId(parts);
  const known = keys.get(id);
  if (known !== undefined) return known;
  try {
    // OpenSSL 3.0 imports an RSAPublicKey in microseconds, a SubjectPublicKeyInfo in a few hundred.
    const rsa = parts.keyType === 'rsa';
    return rememberKey(id, createPublicKey({key: view(parts, rsa ? parts.keyBits : parts.spki), format: 'der', type: rsa ? 'pkcs1' : 'spki'}));
  } catch {
    return rememberKey(id, null);
  }
}

const WEB_CURVES = new Set(['P-256', 'P-384', 'P-521']);

/**
 * Imports an EC key from its point, as WebCrypto's "raw" format does: OpenSSL 3.0 takes about half the time it
 * needs for the same key as a SubjectPublicKeyInfo (whose decoder tries every format in turn). The point is still
 * checked to lie on the curve. Other keys, and any point this refuses, go the usual way (publicKey).
 */
async function importAhead(parts: CertificateParts): Promise<void> {
  if (parts.keyType !== 'ec' || !parts.curve || !WEB_CURVES.has(parts.curve)) return;
  const id = keyId(parts);
  if (keys.has(id)) return;
  try {
    const cryptoKey = await webcrypto.subtle.importKey('raw', view(parts, parts.keyBits), {name: 'ECDSA', namedCurve: parts.curve}, true, ['verify']);
    rememberKey(id, KeyObject.from(cryptoKey));
  } catch {
    // publicKey imports it from the SubjectPublicKeyInfo, and decides.
  }
}

// Verdicts live on the child's parts (a Map per certificate, created on first use): a WeakMap per certificate
// made every garbage collection of a 1,000-certificate check walk a thousand ephemeron tables.
function remembered(child: CertificateParts, issuer: CertificateParts): boolean | undefined {
  return child.verdicts?.get(issuer);
}

function remember(child: CertificateParts, issuer: CertificateParts, result: boolean): boolean {
  (child.verdicts ??= new Map()).set(issuer, result);
  return result;
}

/** True when `issuer`'s key verifies `child`'s signature (X509_verify: both algorithm fields must agree). */
export function signedBy(child: CertificateParts, issuer: CertificateParts): boolean {
  const known = remembered(child, issuer);
  if (known !== undefined) return known;
  const work = plan(child, issuer);
  if (typeof work === 'boolean') return remember(child, issuer, work);
  try {
    return remember(child, issuer, verifySignature(work.digest, view(child, child.tbs), work.key, view(child, child.signature)));
  } catch {
    return remember(child, issuer, false);
  }
}

/**
 * signedBy for a whole bundle, ahead of the walk that asks for it, on libuv's thread pool (the second core): each
 * certificate, as it is read (parsePemBundleAsync), is paired with the ones already seen, as its issuer or as
 * theirs (names, key identifiers, key type: likelyIssued), and each pair's check is sent at once, while this thread
 * reads on. `settled` waits for all of them; afterwards signedBy answers these pairs from memory.
 */
export class SignatureScheduler {
  private readonly seen = new Set<CertificateParts>();
  private readonly bySubject = new Map<string, CertificateParts[]>();
  private readonly byIssuer = new Map<string, CertificateParts[]>();
  private readonly keysReady = new Map<CertificateParts, Promise<void>>();
  private readonly pending: Promise<void>[] = [];

  add(parts: CertificateParts): void {
    if (this.seen.has(parts)) return;
    this.seen.add(parts);
    if (parts.subjectKey === parts.issuerKey) this.schedule(parts, parts);
    for (const issuer of this.bySubject.get(parts.issuerKey) ?? []) if (likelyIssued(parts, issuer)) this.schedule(parts, issuer);
    for (const child of this.byIssuer.get(parts.subjectKey) ?? []) if (likelyIssued(child, parts)) this.schedule(child, parts);
    push(this.bySubject, parts.subjectKey, parts);
    push(this.byIssuer, parts.issuerKey, parts);
  }

  async settled(): Promise<void> {
    await Promise.all(this.pending);
  }

  private schedule(child: CertificateParts, issuer: CertificateParts): void {
    if (remembered(child, issuer) !== undefined) return;
    let ready = this.keysReady.get(issuer);
    if (!ready) {
      ready = importAhead(issuer);
      this.keysReady.set(issuer, ready);
    }
    this.pending.push(ready.then(() => verifyOnPool(child, issuer)));
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function verifyOnPool(child: CertificateParts, issuer: CertificateParts): Promise<void> {
  const work = plan(child, issuer);
  if (typeof work === 'boolean') {
    remember(child, issuer, work);
    return Promise.resolve();
  }
  return new Promise<void>((resolve) => {
    try {
      verifySignature(work.digest, view(child, child.tbs), work.key, view(child, child.signature), (error, ok) => {
        remember(child, issuer, !error && ok);
        resolve();
      });
    } catch {
      remember(child, issuer, false);
      resolve();
    }
  });
}

/** The verdict when it needs no signature check of ours, else the digest and key to check it with. */
function plan(child: CertificateParts, issuer: CertificateParts): boolean | {digest: string | null; key: KeyObject} {
  const {bytes, outerAlgorithm: outer, innerAlgorithm: inner} = child;
  if (bytes.compare(bytes, inner.start, inner.end, outer.start, outer.end) !== 0) return false;
  const key = publicKey(issuer);
  if (!key) return false;
  const direct = DIRECT[child.signatureOid];
  if (direct && child.signatureParameters === undefined) {
    // A key of another type would verify with a different scheme: OpenSSL calls that a wrong key, not a match.
    return key.asymmetricKeyType === direct.keyType ? {digest: direct.digest, key} : false;
  }
  // RSASSA-PSS, DSA and the rest: OpenSSL's own certificate verification, on a certificate parsed just for it.
  try {
    return new X509Certificate(child.bytes).verify(key);
  } catch {
    return false;
  }
}
