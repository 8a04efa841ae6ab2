/**
 * `inspect`'s engine: what a file holds (certificates, a bundle, a private key, a PKCS#12 file; PEM or DER told
 * apart by content) and each certificate's facts. Certificates go through the truststore parser and
 * pki/inspect; a key is described (type, encryption), never returned or printed.
 */
import {createPrivateKey} from 'node:crypto';
import {UserError} from '../errors.js';
import {readTlv, nth, oidOf} from '../pki/der-read.js';
import {parseCertificate, readCertificate} from '../pki/inspect.js';
import {describeEncryption} from '../pki/key-encryption.js';
import {describeKey, keyMatchesCertificate} from '../pki/keys.js';
import {isPkcs12, readPkcs12} from '../pki/pkcs12-read.js';
import {x509} from '../pki/x509.js';
import {IssuerIndex} from '../truststore/chain.js';
import {checkTruststore} from '../truststore/check.js';
import {splitPem, type PemBlock} from '../truststore/pem.js';
import type {Finding, TrustCertificate} from '../truststore/types.js';
import {certificatesIn, isBinary} from './read.js';

export interface CertificateDetails {
  readonly subject: string;
  readonly issuer: string;
  readonly serial: string;
  readonly notBefore: string;
  readonly notAfter: string;
  /** Whole days until notAfter (negative once expired), at the time inspected. */
  readonly daysLeft: number;
  readonly validity: 'valid' | 'expired' | 'not yet valid';
  readonly key: {readonly type: string; readonly size: number | null; readonly description: string};
  readonly signatureAlgorithm: string;
  /** null when the certificate has no basicConstraints extension. pathLen null: no limit. */
  readonly basicConstraints: {readonly ca: boolean; readonly pathLen: number | null} | null;
  readonly keyUsage: string[] | null;
  readonly extendedKeyUsage: string[] | null;
  readonly subjectAltNames: string[];
  readonly subjectKeyId: string | null;
  readonly authorityKeyId: string | null;
  readonly sha256: string;
  readonly selfSigned: boolean;
}

export interface KeyDetails {
  readonly format: string;
  readonly encrypted: boolean;
  /** How it is encrypted, e.g. "PBES2: PBKDF2 (HMAC-SHA256, 2048 iterations) + AES-256-CBC"; null when it is not. */
  readonly encryption: string | null;
  /** "EC P-256", "RSA 2048"; null when it is encrypted and no passphrase was given. */
  readonly type: string | null;
  /** With --certificate: whether the key belongs to that certificate. */
  readonly matchesCertificate?: boolean;
}

export interface InspectReport {
  readonly kind: 'certificate' | 'bundle' | 'private-key' | 'pkcs12';
  readonly encoding: 'PEM' | 'DER';
  readonly certificates: CertificateDetails[];
  readonly keys: KeyDetails[];
  /** Bundles: the chains the certificates form, one line per certificate, drawn as a tree. */
  readonly tree?: string[];
  /** Bundles: the truststore rules' findings. */
  readonly findings?: {readonly errors: Finding[]; readonly warnings: Finding[]};
  readonly pkcs12?: {readonly mac: string | null; readonly certificateEncryption: string};
}

export interface InspectOptions {
  readonly now: Date;
  readonly passphrase?: string;
  /** PEM of a certificate the key should belong to (--certificate). */
  readonly certificatePem?: string;
}

const KEY_LABELS = new Set(['PRIVATE KEY', 'ENCRYPTED PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY']);
const NOT_RECOGNISED = 'pass a certificate, a bundle of certificates, a private key or a PKCS#12 file, in PEM or DER';

export function inspectBytes(bytes: Uint8Array, file: string, o: InspectOptions): InspectReport {
  const buf = Buffer.from(bytes);
  const refuse = (why: string) => new UserError({what: `failed to inspect ${file}`, why, fix: NOT_RECOGNISED});
  if (buf.length === 0) throw refuse('the file is empty');
  if (isBinary(bytes)) {
    const der = certificatesIn(bytes);
    if (der.certificates.length > 0) return withBundle('DER', der.certificates, [], o.now);
    if (isPkcs12(buf)) return pkcs12Report(buf, file, o);
    const key = derKey(buf, o);
    if (key) return {kind: 'private-key', encoding: 'DER', certificates: [], keys: [key]};
    throw refuse('it is binary, but neither a DER certificate, a DER private key nor a PKCS#12 file (or it is cut short)');
  }
  const {blocks, errors} = splitPem(new TextDecoder().decode(bytes));
  if (errors[0]) throw refuse(errors[0].message.split('. Fix: ')[0]!);
  if (blocks.length === 0) throw refuse('it holds no PEM block ("-----BEGIN …-----")');
  const certs: TrustCertificate[] = [];
  const keys: KeyDetails[] = [];
  for (const block of blocks) {
    if (block.label === 'CERTIFICATE') certs.push(pemCertificate(block, refuse));
    else if (KEY_LABELS.has(block.label)) keys.push(pemKey(block, o));
    else throw refuse(`block ${block.index} (line ${block.line}) is "${block.label}", which inspect does not read`);
  }
  if (certs.length === 0) return {kind: 'private-key', encoding: 'PEM', certificates: [], keys};
  return withBundle('PEM', certs, keys, o.now);
}

function pemCertificate(block: PemBlock, refuse: (why: string) => UserError): TrustCertificate {
  const parsed = certificatesIn(new TextEncoder().encode(`-----BEGIN CERTIFICATE-----${block.body}-----END CERTIFICATE-----\n`));
  const cert = parsed.certificates[0];
  if (!cert) throw refuse(`block ${block.index} (line ${block.line}) is not a readable certificate (${parsed.errors[0]?.message.split(': ').slice(1).join(': ').split('. Fix: ')[0] ?? 'damaged'})`);
  return cert;
}

function withBundle(encoding: 'PEM' | 'DER', certs: TrustCertificate[], keys: KeyDetails[], now: Date): InspectReport {
  const certificates = certs.map((c) => certificateDetails(c, now));
  if (certs.length === 1) return {kind: 'certificate', encoding, certificates, keys};
  const report = checkTruststore(certs.map((c) => c.pem).join(''), {now});
  return {kind: 'bundle', encoding, certificates, keys, tree: chainTree(certs), findings: {errors: report.errors, warnings: report.warnings}};
}

const KEY_USAGE_NAMES: readonly [number, string][] = [
  [1, 'digitalSignature'], [2, 'nonRepudiation'], [4, 'keyEncipherment'], [8, 'dataEncipherment'], [16, 'keyAgreement'],
  [32, 'keyCertSign'], [64, 'cRLSign'], [128, 'encipherOnly'], [256, 'decipherOnly'],
];
const EKU_NAMES: Readonly<Record<string, string>> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth', '1.3.6.1.5.5.7.3.2': 'clientAuth', '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection', '1.3.6.1.5.5.7.3.8': 'timeStamping', '1.3.6.1.5.5.7.3.9': 'OCSPSigning', '2.5.29.37.0': 'anyExtendedKeyUsage',
};

export function certificateDetails(cert: TrustCertificate, now: Date): CertificateDetails {
  const info = parseCertificate(cert.pem);
  const peculiar = readCertificate(cert.pem);
  const bc = peculiar.getExtension(x509.BasicConstraintsExtension);
  const ku = peculiar.getExtension(x509.KeyUsagesExtension);
  const eku = peculiar.getExtension(x509.ExtendedKeyUsageExtension);
  const san = peculiar.getExtension(x509.SubjectAlternativeNameExtension);
  const validity = now < cert.notBefore ? 'not yet valid' : now > cert.notAfter ? 'expired' : 'valid';
  return {
    subject: cert.subject,
    issuer: cert.issuer,
    serial: cert.serial,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    daysLeft: Math.floor((cert.notAfter.getTime() - now.getTime()) / 86_400_000),
    validity,
    key: {type: info.keyType, size: info.keySize, description: cert.keyDescription},
    signatureAlgorithm: cert.signatureAlgorithm,
    basicConstraints: bc ? {ca: bc.ca, pathLen: bc.ca ? (bc.pathLength ?? null) : null} : null,
    keyUsage: ku ? KEY_USAGE_NAMES.filter(([bit]) => (ku.usages & bit) !== 0).map(([, name]) => name) : null,
    extendedKeyUsage: eku ? eku.usages.map((u) => EKU_NAMES[String(u)] ?? String(u)) : null,
    subjectAltNames: san ? san.names.items.map((n) => `${n.type.toUpperCase()}:${n.value}`) : [],
    subjectKeyId: info.subjectKeyId,
    authorityKeyId: info.authorityKeyId,
    sha256: cert.fingerprint,
    selfSigned: cert.selfSigned,
  };
}

/** The chains a bundle forms: roots (or certificates whose issuer is not in it) first, children indented. */
export function chainTree(certs: readonly TrustCertificate[]): string[] {
  const index = new IssuerIndex(certs);
  const parent = new Map<TrustCertificate, TrustCertificate | undefined>();
  for (const cert of certs) {
    const lookup = cert.selfSigned ? undefined : index.issuerOf(cert);
    parent.set(cert, lookup?.kind === 'found' ? lookup.issuer : undefined);
  }
  const label = (c: TrustCertificate) => {
    const role = c.selfSigned ? 'root' : !parent.get(c) ? `issuer ${c.issuer} not in this file` : c.isCa ? 'CA' : 'leaf';
    const pathLen = c.isCa ? `, pathLen ${c.pathLen ?? 'none'}` : '';
    return `${c.subject} (${role}${pathLen})`;
  };
  const lines: string[] = [];
  const draw = (cert: TrustCertificate, prefix: string, last: boolean, top: boolean) => {
    lines.push(top ? label(cert) : `${prefix}${last ? '└─ ' : '├─ '}${label(cert)}`);
    const kids = certs.filter((c) => parent.get(c) === cert);
    const next = top ? '' : `${prefix}${last ? '   ' : '│  '}`;
    kids.forEach((kid, i) => draw(kid, next, i === kids.length - 1, false));
  };
  for (const top of certs.filter((c) => !parent.get(c))) draw(top, '', true, true);
  return lines;
}

function pemKey(block: PemBlock, o: InspectOptions): KeyDetails {
  const pem = `-----BEGIN ${block.label}-----${block.body}-----END ${block.label}-----\n`;
  if (block.label === 'ENCRYPTED PRIVATE KEY') {
    const der = Buffer.from(block.body.replace(/\s+/g, ''), 'base64');
    return encryptedKey('PKCS#8', describeEncryption(nth(readTlv(der), 0)), {key: pem, format: 'pem'}, o);
  }
  const format = block.label === 'PRIVATE KEY' ? 'PKCS#8' : block.label === 'RSA PRIVATE KEY' ? 'PKCS#1 (traditional RSA)' : 'SEC1 (traditional EC)';
  const dek = /DEK-Info:\s*([A-Z0-9-]+)/.exec(block.body)?.[1];
  if (/Proc-Type:\s*4,ENCRYPTED/.test(block.body)) return encryptedKey(format, `legacy PEM encryption (${dek ?? 'unknown cipher'}, MD5-based key derivation: weak)`, {key: pem, format: 'pem'}, o);
  return plainKey(format, {key: pem, format: 'pem'}, o);
}

function derKey(buf: Buffer, o: InspectOptions): KeyDetails | undefined {
  try {
    createPrivateKey({key: buf, format: 'der', type: 'pkcs8'});
    return plainKey('PKCS#8 (DER)', {key: buf, format: 'der', type: 'pkcs8'}, o);
  } catch {
    // not a plain PKCS#8 key: maybe an encrypted one
  }
  try {
    const top = readTlv(buf);
    if (top.raw.length !== buf.length || nth(top, 1).tag !== 0x04) return undefined;
    const scheme = describeEncryption(nth(top, 0));
    if (scheme.startsWith('algorithm ') || !oidOf(nth(nth(top, 0), 0))) return undefined;
    return encryptedKey('PKCS#8 (DER)', scheme, {key: buf, format: 'der', type: 'pkcs8'}, o);
  } catch {
    return undefined;
  }
}

type KeyInput = {key: string | Buffer; format: 'pem' | 'der'; type?: 'pkcs8'};

function plainKey(format: string, input: KeyInput, o: InspectOptions): KeyDetails {
  const key = createPrivateKey(input as Parameters<typeof createPrivateKey>[0]);
  return {format, encrypted: false, encryption: null, type: describeKey(key).description, ...match(key, o)};
}

function encryptedKey(format: string, encryption: string, input: KeyInput, o: InspectOptions): KeyDetails {
  if (o.passphrase === undefined) return {format, encrypted: true, encryption, type: null};
  let key;
  try {
    key = createPrivateKey({...input, passphrase: o.passphrase} as Parameters<typeof createPrivateKey>[0]);
  } catch {
    throw new UserError({what: 'failed to decrypt the private key', why: 'the passphrase is wrong, or the key file is damaged', fix: 'pass the passphrase the key was encrypted with in --passphrase-file', field: 'passphrase-file'});
  }
  return {format, encrypted: true, encryption, type: describeKey(key).description, ...match(key, o)};
}

function match(key: ReturnType<typeof createPrivateKey>, o: InspectOptions): {matchesCertificate?: boolean} {
  if (!o.certificatePem) return {};
  // The unencrypted PEM lives only inside this call; it is compared, never returned.
  return {matchesCertificate: keyMatchesCertificate(key.export({type: 'pkcs8', format: 'pem'}) as string, o.certificatePem)};
}

function pkcs12Report(buf: Buffer, file: string, o: InspectOptions): InspectReport {
  if (o.passphrase === undefined) {
    throw new UserError({what: `failed to inspect ${file}`, why: 'it is a PKCS#12 file, and its contents are encrypted', fix: 'pass its passphrase with --passphrase-file FILE'});
  }
  const p12 = readPkcs12(buf, o.passphrase);
  const certs = p12.certificates.flatMap((der) => certificatesIn(new Uint8Array(der)).certificates);
  const keys = p12.keys.map((k) =>
    k.encrypted ? encryptedKey('PKCS#8 in a key bag', k.encryption, {key: k.der, format: 'der', type: 'pkcs8'}, o) : plainKey('PKCS#8 in a key bag', {key: k.der, format: 'der', type: 'pkcs8'}, o),
  );
  const base = certs.length > 0 ? withBundle('DER', certs, keys, o.now) : {kind: 'pkcs12' as const, encoding: 'DER' as const, certificates: [], keys};
  return {...base, kind: 'pkcs12', pkcs12: {mac: p12.mac, certificateEncryption: p12.certificateEncryption}};
}
