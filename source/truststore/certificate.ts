// @peculiar/x509 relies on decorator metadata; reflect-metadata must load before it.
import 'reflect-metadata';
import {BasicConstraintsExtension, X509Certificate as PeculiarCertificate} from '@peculiar/x509';
import {createHash, X509Certificate, type KeyObject} from 'node:crypto';
import type {TrustCertificate} from './types.js';

/** node:crypto's view of each certificate, kept beside it for signature checks (checkIssued, verify). */
const nodeViews = new WeakMap<TrustCertificate, X509Certificate>();

/** node:crypto's parsed certificate, created from the DER when the certificate came from elsewhere. */
export function nodeView(cert: TrustCertificate): X509Certificate {
  let view = nodeViews.get(cert);
  if (!view) {
    view = new X509Certificate(cert.der);
    nodeViews.set(cert, view);
  }
  return view;
}

/** Decoded certificates by SHA-256 of their DER: a walkthrough reads the same few CAs many times. */
const decoded = new Map<string, TrustCertificate>();
const MAX_CACHED = 4096;

/** Parses one DER certificate. Throws with a short reason when the bytes are not exactly one certificate. */
export function decodeCertificate(der: Uint8Array): TrustCertificate {
  const fingerprint = createHash('sha256').update(der).digest('hex');
  const hit = decoded.get(fingerprint);
  if (hit) return hit;
  const cert = decodeUncached(der, fingerprint);
  if (decoded.size >= MAX_CACHED) decoded.clear();
  decoded.set(fingerprint, cert);
  return cert;
}

function decodeUncached(der: Uint8Array, fingerprint: string): TrustCertificate {
  const view = new X509Certificate(der);
  // OpenSSL's parser ignores bytes after the certificate; a block with extra bytes was damaged or spliced.
  if (view.raw.length !== der.length) throw new Error(`${der.length - view.raw.length} unexpected bytes after the certificate`);
  const peculiar = new PeculiarCertificate(der);
  const basic = peculiar.getExtension(BasicConstraintsExtension);
  const cert: TrustCertificate = {
    pem: toPem(der),
    der,
    fingerprint,
    subject: peculiar.subject,
    issuer: peculiar.issuer,
    serial: view.serialNumber.toUpperCase(),
    isCa: basic?.ca === true,
    pathLen: basic?.ca === true && basic.pathLength !== undefined ? basic.pathLength : null,
    selfSigned: view.subject === view.issuer && verifies(view, view.publicKey),
    notBefore: peculiar.notBefore,
    notAfter: peculiar.notAfter,
    keyDescription: describeKey(view.publicKey),
    // Typed through webcrypto's Algorithm, which this project's lib settings do not declare.
    signatureAlgorithm: describeSignature(peculiar.signatureAlgorithm as {name: string; hash?: unknown}),
  };
  nodeViews.set(cert, view);
  return cert;
}

/** True when `subject`'s signature verifies with `key`; a key of another type is a plain "no". */
export function verifies(subject: X509Certificate, key: KeyObject): boolean {
  try {
    return subject.verify(key);
  } catch {
    return false;
  }
}

export function toPem(der: Uint8Array): string {
  const base64 = Buffer.from(der).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

const CURVES: Readonly<Record<string, string>> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
  secp224r1: 'P-224',
  prime192v1: 'P-192',
};

function describeKey(key: KeyObject): string {
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return `RSA ${details.modulusLength ?? '?'}`;
    case 'rsa-pss':
      return `RSA-PSS ${details.modulusLength ?? '?'}`;
    case 'dsa':
      return `DSA ${details.modulusLength ?? '?'}`;
    case 'ec': {
      const curve = details.namedCurve ?? 'unknown curve';
      return `EC ${CURVES[curve] ?? curve}`;
    }
    case 'ed25519':
      return 'Ed25519';
    case 'ed448':
      return 'Ed448';
    default:
      return key.asymmetricKeyType ?? 'unknown key';
  }
}

/** Signature algorithm OIDs @peculiar/x509 does not name; the rest come back as {name, hash}. */
const UNNAMED_SIGNATURES: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.2': 'md2WithRSAEncryption',
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.14': 'sha224WithRSAEncryption',
  '1.2.840.10045.4.3.1': 'ecdsa-with-SHA224',
};

/** OpenSSL's names ("sha256WithRSAEncryption", "ecdsa-with-SHA384"), which users see in `openssl x509 -text`. */
function describeSignature(algorithm: {readonly name: string; readonly hash?: unknown}): string {
  const hash = hashName(algorithm.hash);
  const bits = hash.replace('SHA-', '');
  switch (algorithm.name) {
    case 'RSASSA-PKCS1-v1_5':
      return `sha${bits}WithRSAEncryption`;
    case 'ECDSA':
      return `ecdsa-with-SHA${bits}`;
    case 'RSA-PSS':
      return `rsassaPss (${hash})`;
    case 'Ed25519':
      return 'ED25519';
    case 'Ed448':
      return 'ED448';
    default:
      return UNNAMED_SIGNATURES[algorithm.name] ?? algorithm.name;
  }
}

function hashName(hash: unknown): string {
  if (typeof hash === 'string') return hash;
  if (typeof hash === 'object' && hash !== null && 'name' in hash && typeof hash.name === 'string') return hash.name;
  return '';
}
