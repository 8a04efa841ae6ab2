/**
 * API Gateway's algorithm rules for client certificates and their chain: signatures SHA-256 or stronger,
 * RSA keys of 2048 bits or more, ECDSA on P-256 or larger (aws-mtls-facts.md §1.3).
 * node:crypto does not expose a certificate's signature algorithm, so a few lines of DER reading get it.
 */
import type {X509Certificate} from 'node:crypto';

export interface AlgorithmProblem {
  readonly kind: 'signature' | 'key';
  /** e.g. "sha1WithRSAEncryption" or "RSA 1024 bits". */
  readonly detail: string;
}

const STRONG_HASHES = new Set(['SHA-256', 'SHA-384', 'SHA-512']);
const HASHES: Record<string, string> = {
  '2.16.840.1.101.3.4.2.1': 'SHA-256', '2.16.840.1.101.3.4.2.2': 'SHA-384', '2.16.840.1.101.3.4.2.3': 'SHA-512',
  '2.16.840.1.101.3.4.2.4': 'SHA-224', '1.3.14.3.2.26': 'SHA-1',
};
const SIGNATURES: Record<string, {name: string; hash: string}> = {
  '1.2.840.113549.1.1.11': {name: 'sha256WithRSAEncryption', hash: 'SHA-256'},
  '1.2.840.113549.1.1.12': {name: 'sha384WithRSAEncryption', hash: 'SHA-384'},
  '1.2.840.113549.1.1.13': {name: 'sha512WithRSAEncryption', hash: 'SHA-512'},
  '1.2.840.113549.1.1.14': {name: 'sha224WithRSAEncryption', hash: 'SHA-224'},
  '1.2.840.113549.1.1.5': {name: 'sha1WithRSAEncryption', hash: 'SHA-1'},
  '1.2.840.113549.1.1.4': {name: 'md5WithRSAEncryption', hash: 'MD5'},
  '1.2.840.10045.4.3.2': {name: 'ecdsa-with-SHA256', hash: 'SHA-256'},
  '1.2.840.10045.4.3.3': {name: 'ecdsa-with-SHA384', hash: 'SHA-384'},
  '1.2.840.10045.4.3.4': {name: 'ecdsa-with-SHA512', hash: 'SHA-512'},
  '1.2.840.10045.4.3.1': {name: 'ecdsa-with-SHA224', hash: 'SHA-224'},
  '1.2.840.10045.4.1': {name: 'ecdsa-with-SHA1', hash: 'SHA-1'},
};
const RSASSA_PSS = '1.2.840.113549.1.1.10';
const STRONG_CURVES = new Set(['prime256v1', 'secp384r1', 'secp521r1']);

/** The first problem with this certificate's signature or key, or undefined when both meet the rules. */
export function algorithmProblem(cert: X509Certificate): AlgorithmProblem | undefined {
  const signature = signatureAlgorithm(cert.raw);
  if (!STRONG_HASHES.has(signature.hash)) return {kind: 'signature', detail: signature.name};
  const key = cert.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss') {
    const bits = details.modulusLength ?? 0;
    if (bits < 2048) return {kind: 'key', detail: `RSA ${bits} bits`};
    return undefined;
  }
  if (key.asymmetricKeyType === 'ec') {
    const curve = details.namedCurve ?? 'unknown curve';
    return STRONG_CURVES.has(curve) ? undefined : {kind: 'key', detail: `EC ${curve}`};
  }
  return {kind: 'key', detail: `${key.asymmetricKeyType ?? 'unknown'} key (API Gateway takes RSA or ECDSA)`};
}

/** Name and hash of the certificate's outer signatureAlgorithm (RFC 5280 §4.1.1.2). */
export function signatureAlgorithm(der: Buffer): {name: string; hash: string} {
  try {
    const cert = readTlv(der, 0);
    const tbs = readTlv(der, cert.start);
    const algId = readTlv(der, tbs.end);
    const oidTlv = readTlv(der, algId.start);
    const oid = decodeOid(der.subarray(oidTlv.start, oidTlv.end));
    if (oid === RSASSA_PSS) return {name: 'RSASSA-PSS', hash: pssHash(der, oidTlv.end, algId.end)};
    return SIGNATURES[oid] ?? {name: oid, hash: 'unknown'};
  } catch {
    return {name: 'unreadable', hash: 'unknown'};
  }
}

/** RSASSA-PSS-params: [0] hashAlgorithm, default SHA-1 when absent (RFC 4055). */
function pssHash(der: Buffer, paramsAt: number, end: number): string {
  if (paramsAt >= end) return 'SHA-1';
  const params = readTlv(der, paramsAt);
  if (params.start >= params.end || der[params.start] !== 0xa0) return 'SHA-1';
  const explicit = readTlv(der, params.start);
  const hashAlg = readTlv(der, explicit.start);
  const oid = readTlv(der, hashAlg.start);
  return HASHES[decodeOid(der.subarray(oid.start, oid.end))] ?? 'unknown';
}

function readTlv(der: Buffer, at: number): {start: number; end: number} {
  let pos = at + 1;
  const first = der[pos++];
  if (first === undefined) throw new RangeError('truncated DER');
  let length = first;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count === 0 || count > 4) throw new RangeError('unsupported DER length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (der[pos++] ?? 0);
  }
  if (pos + length > der.length) throw new RangeError('truncated DER');
  return {start: pos, end: pos + length};
}

function decodeOid(bytes: Buffer): string {
  const first = bytes[0] ?? 0;
  const parts = [Math.floor(first / 40), first % 40];
  let value = 0;
  for (const byte of bytes.subarray(1)) {
    value = value * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}
