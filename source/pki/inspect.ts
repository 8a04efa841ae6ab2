/** Reading certificates: ours, openssl's, or anyone's. */
import {X509Certificate as NodeX509Certificate} from 'node:crypto';
import {UserError} from '../errors.js';
import {describeKey} from './keys.js';
import {derToPem, pemToDer, sha256Hex} from './pem.js';
import {x509} from './x509.js';

export interface IssuedCertificate {
  readonly pem: string;
  /** e.g. "CN=rootCA" */
  readonly subject: string;
  readonly issuer: string;
  /** Lowercase hex, no leading zero byte. */
  readonly serial: string;
  /** SHA-256 of the DER, lowercase hex, no colons. */
  readonly fingerprint: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

export interface CertificateInfo {
  subject: string;
  issuer: string;
  serial: string;
  fingerprint: string;
  notBefore: Date;
  notAfter: Date;
  isCa: boolean;
  /** basicConstraints pathLenConstraint; null when absent (no limit) or not a CA. */
  pathLen: number | null;
  /** Subject equals issuer and the certificate's own key verifies its signature. */
  selfSigned: boolean;
  /** "EC P-256", "RSA 2048" */
  keyDescription: string;
  /** "RSA", "EC", or the key type Node reports (e.g. "ed25519"). */
  keyType: string;
  /** RSA modulus bits or EC curve size; null when unknown. */
  keySize: number | null;
  /** openssl's name, e.g. "ecdsa-with-SHA256", "sha256WithRSAEncryption"; the OID when unknown. */
  signatureAlgorithm: string;
  /** e.g. "SHA-256"; null when the algorithm names none (Ed25519) or is unknown. */
  signatureHash: string | null;
  /** DNS names from subjectAltName. */
  dnsNames: string[];
  /** subjectKeyIdentifier / authorityKeyIdentifier key ids, lowercase hex; null when absent. */
  subjectKeyId: string | null;
  authorityKeyId: string | null;
}

/** Parses one PEM certificate into @peculiar/x509's form; the error names what was wrong with the input. */
/** Parsed certificates by PEM text: issuing reads the same CA certificates again and again. */
const parsed = new Map<string, x509.X509Certificate>();

export function readCertificate(pem: string, what = 'the certificate'): x509.X509Certificate {
  const hit = parsed.get(pem);
  if (hit) return hit;
  const der = pemToDer(pem, 'CERTIFICATE', what);
  try {
    const cert = new x509.X509Certificate(der);
    if (parsed.size >= 1024) parsed.clear();
    parsed.set(pem, cert);
    return cert;
  } catch {
    throw new UserError({
      what: `failed to read ${what}`,
      why: 'the PEM block is not a DER-encoded X.509 certificate',
      fix: 'pass the certificate exactly as issued, e.g. the output of `openssl x509 -in cert.pem`',
    });
  }
}

/** When a certificate ends; no more parsing than that (the parse is cached by PEM, and signing reuses it). */
export function notAfterOf(pem: string): Date {
  return readCertificate(pem).notAfter;
}

export function summarize(cert: x509.X509Certificate): IssuedCertificate {
  return {
    pem: derToPem(cert.rawData, 'CERTIFICATE'),
    subject: cert.subject,
    issuer: cert.issuer,
    serial: cert.serialNumber.toLowerCase(),
    fingerprint: sha256Hex(cert.rawData),
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
  };
}

export function basicConstraintsOf(cert: x509.X509Certificate): {isCa: boolean; pathLen: number | null} {
  const bc = cert.getExtension(x509.BasicConstraintsExtension);
  if (!bc?.ca) return {isCa: false, pathLen: null};
  return {isCa: true, pathLen: bc.pathLength ?? null};
}

export function subjectKeyIdOf(cert: x509.X509Certificate): string | null {
  return cert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId.toLowerCase() ?? null;
}

function signatureNames(cert: x509.X509Certificate): {name: string; hash: string | null} {
  const alg = cert.signatureAlgorithm as {name: string; hash?: {name: string}};
  const hash = alg.hash?.name ?? null;
  const bits = hash?.replace('SHA-', '') ?? '';
  if (alg.name === 'ECDSA' && hash) return {name: `ecdsa-with-SHA${bits}`, hash};
  if (alg.name === 'RSASSA-PKCS1-v1_5' && hash) return {name: `sha${bits}WithRSAEncryption`, hash};
  if (alg.name === 'RSA-PSS') return {name: 'rsassaPss', hash};
  if (alg.name === 'Ed25519') return {name: 'ED25519', hash: null};
  return {name: alg.name, hash};
}

export function parseCertificate(pem: string): CertificateInfo {
  const cert = readCertificate(pem);
  const node = new NodeX509Certificate(Buffer.from(cert.rawData));
  const key = describeKey(node.publicKey);
  const signature = signatureNames(cert);
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  const aki = cert.getExtension(x509.AuthorityKeyIdentifierExtension);
  // checkIssued compares names (and key ids); verify proves the certificate signed itself.
  const selfSigned = node.checkIssued(node) && node.verify(node.publicKey);
  return {
    ...summarize(cert),
    ...basicConstraintsOf(cert),
    selfSigned,
    keyDescription: key.description,
    keyType: key.type,
    keySize: key.size,
    signatureAlgorithm: signature.name,
    signatureHash: signature.hash,
    dnsNames: san ? san.names.items.filter((n) => n.type === 'dns').map((n) => n.value) : [],
    subjectKeyId: subjectKeyIdOf(cert),
    authorityKeyId: aki?.keyId?.toLowerCase() ?? null,
  };
}
