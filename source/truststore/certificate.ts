/**
 * One certificate, read once: the fields the rules show and judge (TrustCertificate), and beside it the parts
 * issuer matching and signature checks need (CertificateParts: names as compared, key identifiers, the signed
 * bytes). The DER is read with der.ts; node:crypto is asked only for keys of types we do not read ourselves,
 * and (signature.ts) to verify signatures.
 */
import {createPublicKey, hash} from 'node:crypto';
import {bitStringBytes, children, content, contentString, encoding, expect, first, next, oid, readNode, smallInteger, TAG, type Node} from './der.js';
import {readName} from './name.js';
import {signedBy} from './signature.js';
import type {TrustCertificate} from './types.js';

/** What issuer matching and signature verification need, kept out of the public certificate type. */
export interface CertificateParts {
  /** Subject and issuer as OpenSSL compares them (see name.ts). */
  readonly subjectKey: string;
  readonly issuerKey: string;
  /** The DER, and where in it the signed bytes, signature, both signature algorithms and the key lie. */
  readonly bytes: Buffer;
  readonly tbs: Span;
  readonly signature: Span;
  readonly outerAlgorithm: Span;
  readonly innerAlgorithm: Span;
  /** SubjectPublicKeyInfo, and the subjectPublicKey bits (for RSA the PKCS#1 RSAPublicKey; for EC the point). */
  readonly spki: Span;
  readonly keyBits: Span;
  readonly signatureOid: string;
  readonly signatureParameters: Uint8Array | undefined;
  /** The key's algorithm: "rsa", "ec", "ed25519", … (node:crypto's names), and for EC its curve ("P-256"). */
  readonly keyType: string;
  readonly curve: string | undefined;
  readonly subjectKeyId: string | undefined;
  readonly authorityKeyId: string | undefined;
  readonly authoritySerial: string | undefined;
  /** The first directoryName of authorityKeyIdentifier's authorityCertIssuer, as compared. */
  readonly authorityIssuerKey: string | undefined;
  /** False only when a keyUsage extension is present without keyCertSign. */
  readonly mayIssue: boolean;
  readonly serialHex: string;
  /** Whether each issuer's key verified this certificate's signature, once asked (signature.ts). */
  verdicts?: Map<CertificateParts, boolean>;
}

/** Where a field lies in a certificate's DER: views are made only when a field is used. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

export function view(parts: CertificateParts, span: Span): Buffer {
  return parts.bytes.subarray(span.start, span.end);
}

const parts = new WeakMap<TrustCertificate, CertificateParts>();

export function partsOf(cert: TrustCertificate): CertificateParts {
  const found = parts.get(cert);
  if (!found) throw new Error(`no parsed parts for ${cert.subject}: certificates come from decodeCertificate`);
  return found;
}

/** Decoded certificates by SHA-256 of their DER: a walkthrough reads the same few CAs many times. */
const decoded = new Map<string, TrustCertificate>();
const MAX_CACHED = 4096;

/** Parses one DER certificate. Throws with a short reason when the bytes are not exactly one certificate. */
export function decodeCertificate(der: Uint8Array): TrustCertificate {
  const fingerprint = hash('sha256', der, 'hex');
  const hit = decoded.get(fingerprint);
  if (hit) return hit;
  const {cert, certParts} = decodeUncached(der, fingerprint);
  parts.set(cert, certParts);
  if (decoded.size >= MAX_CACHED) decoded.clear();
  decoded.set(fingerprint, cert);
  return cert;
}

function span(node: Node): Span {
  return {start: node.start, end: node.end};
}

// The certificate is read field by field in place (no arrays of children, no copies): this runs a thousand
// times, mostly before V8 has compiled it, in a check of API Gateway's largest truststore.
function decodeUncached(der: Uint8Array, fingerprint: string): {cert: TrustCertificate; certParts: CertificateParts} {
  const bytes = Buffer.from(der.buffer, der.byteOffset, der.byteLength);
  const top = expect(readNode(bytes), TAG.sequence, 'the certificate');
  // OpenSSL's parser ignores bytes after the certificate; a block with extra bytes was damaged or spliced.
  if (top.end !== der.length) throw new Error(`${der.length - top.end} unexpected bytes after the certificate`);
  const tbs = expect(first(top), TAG.sequence, 'tbsCertificate');
  const outerAlgorithm = next(tbs, top.end);
  const signatureNode = outerAlgorithm && next(outerAlgorithm, top.end);
  if (!outerAlgorithm || !signatureNode || signatureNode.end !== top.end) throw new Error('the certificate does not have three parts');
  let field = first(tbs);
  let version = 0;
  if (field?.tag === 0xa0) {
    version = smallInteger(expect(first(field), TAG.integer, 'the version'));
    field = next(field, tbs.end);
  }
  if (version > 2) throw new Error(`version ${version + 1} is not an X.509 version`);
  const serialNode = expect(field, TAG.integer, 'the serial number');
  const innerAlgorithm = expect(next(serialNode, tbs.end), TAG.sequence, 'the signature algorithm');
  const issuerNode = expect(next(innerAlgorithm, tbs.end), TAG.sequence, 'the issuer');
  const validityNode = expect(next(issuerNode, tbs.end), TAG.sequence, 'the validity');
  const subjectNode = expect(next(validityNode, tbs.end), TAG.sequence, 'the subject');
  const spki = expect(next(subjectNode, tbs.end), TAG.sequence, 'the public key');
  let extensionsNode: Node | undefined;
  for (let optional = next(spki, tbs.end); optional; optional = next(optional, tbs.end)) {
    if (optional.tag === 0xa3) {
      extensionsNode = optional;
      break;
    }
  }
  const notBeforeNode = first(validityNode);
  const notAfterNode = notBeforeNode && next(notBeforeNode, validityNode.end);
  if (!notBeforeNode || !notAfterNode) throw new Error('the validity is missing a date');
  const notBefore = readTime(notBeforeNode);
  const notAfter = readTime(notAfterNode);
  const subject = readName(subjectNode);
  const issuer = readName(issuerNode);
  const key = readKey(spki);
  const signature = readAlgorithm(outerAlgorithm);
  const extensions = readExtensions(extensionsNode);
  const basic = extensions.get(BASIC_CONSTRAINTS);
  let isCa = false;
  let pathLenNode: Node | undefined;
  if (basic) {
    const constraints = expect(readNode(basic), TAG.sequence, 'basicConstraints');
    const cA = first(constraints);
    isCa = cA?.tag === TAG.boolean && cA.end > cA.contentStart && cA.bytes[cA.contentStart] !== 0;
    for (let item = cA; item && !pathLenNode; item = next(item, constraints.end)) if (item.tag === TAG.integer) pathLenNode = item;
  }
  const serialHex = hexOfInteger(content(serialNode));
  const aki = readAuthorityKeyId(extensions.get(AUTHORITY_KEY_ID));
  const ski = extensions.get(SUBJECT_KEY_ID);
  const keyUsage = extensions.get(KEY_USAGE);
  const certParts: CertificateParts = {
    subjectKey: subject.key,
    issuerKey: issuer.key,
    bytes,
    tbs: span(tbs),
    signature: bitStringSpan(signatureNode),
    outerAlgorithm: span(outerAlgorithm),
    innerAlgorithm: span(innerAlgorithm),
    spki: span(spki),
    keyBits: key.bits,
    signatureOid: signature.oid,
    signatureParameters: signature.parameters,
    keyType: key.type,
    curve: key.curve,
    subjectKeyId: ski ? hex(content(expect(readNode(ski), TAG.octetString, 'subjectKeyIdentifier'))) : undefined,
    ...aki,
    mayIssue: keyUsage === undefined || ((bitStringBytes(readNode(keyUsage))[0] ?? 0) & 0x04) !== 0,
    serialHex,
  };
  const selfIssued = certParts.subjectKey === certParts.issuerKey;
  let pem: string | undefined;
  const cert: TrustCertificate = {
    // Written when first read: a check that never uploads (the `truststore check` command) never needs it.
    get pem() {
      return (pem ??= toPem(der));
    },
    der,
    fingerprint,
    subject: subject.display,
    issuer: issuer.display,
    serial: serialHex,
    isCa,
    pathLen: isCa && pathLenNode ? smallInteger(pathLenNode) : null,
    // A self-issued certificate is a root only if its own key verifies its signature: checked when first asked,
    // so that a whole bundle's signatures can be checked together (signature.ts, SignatureScheduler).
    get selfSigned() {
      return selfIssued && signedBy(certParts, certParts);
    },
    notBefore,
    notAfter,
    keyDescription: key.description,
    signatureAlgorithm: describeSignature(signature.oid, signature.parameters),
  };
  return {cert, certParts};
}

/** A BIT STRING's bits (no unused bits), as a span. */
function bitStringSpan(node: Node): Span {
  expect(node, TAG.bitString, 'a bit string');
  if (node.end === node.contentStart) throw new Error('a bit string is empty');
  return {start: node.contentStart + 1, end: node.end};
}

// Extension OIDs as the hex of their encoded contents (compared without decoding them to dotted form).
const BASIC_CONSTRAINTS = '551d13';
const AUTHORITY_KEY_ID = '551d23';
const SUBJECT_KEY_ID = '551d0e';
const KEY_USAGE = '551d0f';

/** Extension values (the contents of extnValue) by the hex of their OID's contents; the first of each wins. */
function readExtensions(wrapper: Node | undefined): Map<string, Buffer> {
  const values = new Map<string, Buffer>();
  if (!wrapper) return values;
  const list = expect(first(wrapper), TAG.sequence, 'the extensions');
  for (let extension = first(list); extension; extension = next(extension, list.end)) {
    expect(extension, TAG.sequence, 'an extension');
    const idNode = expect(first(extension), TAG.oid, 'an extension identifier');
    let last = idNode;
    for (let item = next(idNode, extension.end); item; item = next(item, extension.end)) last = item;
    const id = contentString(idNode, 'hex');
    if (last.tag !== TAG.octetString) throw new Error(`extension ${oid(idNode)} is missing or malformed`);
    if (!values.has(id)) values.set(id, content(last));
  }
  return values;
}

function readAuthorityKeyId(value: Buffer | undefined): Pick<CertificateParts, 'authorityKeyId' | 'authoritySerial' | 'authorityIssuerKey'> {
  if (!value) return {authorityKeyId: undefined, authoritySerial: undefined, authorityIssuerKey: undefined};
  const fields = children(expect(readNode(value), TAG.sequence, 'authorityKeyIdentifier'));
  const keyId = fields.find((node) => node.tag === 0x80);
  const serial = fields.find((node) => node.tag === 0x82);
  const names = fields.find((node) => node.tag === 0xa1);
  // GeneralName directoryName is [4], explicitly tagged because Name is a CHOICE.
  const directory = names ? children(names).find((node) => node.tag === 0xa4) : undefined;
  const directoryName = directory ? children(directory)[0] : undefined;
  return {
    authorityKeyId: keyId ? hex(content(keyId)) : undefined,
    authoritySerial: serial ? hexOfInteger(content(serial)) : undefined,
    authorityIssuerKey: directoryName ? readName(directoryName).key : undefined,
  };
}

function readAlgorithm(node: Node | undefined): {oid: string; parameters: Buffer | undefined} {
  const [id, parameters] = children(expect(node, TAG.sequence, 'an algorithm identifier'));
  return {oid: oid(id as Node), parameters: parameters && parameters.tag !== TAG.null ? encoding(parameters) : undefined};
}

/** UTCTime (YYMMDDHHMMSSZ, 1950–2049) or GeneralizedTime (YYYYMMDDHHMMSS[.fff]Z). */
function readTime(node: Node): Date {
  const value = contentString(node, 'latin1');
  const match =
    node.tag === 0x17 ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/.exec(value) : node.tag === 0x18 ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:[.,](\d+))?Z$/.exec(value) : null;
  if (!match) throw new Error(`a validity date ("${value.slice(0, 20)}") is not a UTC time`);
  const [, y = '', mo = '', d = '', h = '', mi = '', s = '0', fraction = ''] = match;
  const year = node.tag === 0x17 ? (Number(y) < 50 ? 2000 : 1900) + Number(y) : Number(y);
  const ms = fraction ? Math.round(Number(`0.${fraction}`) * 1000) : 0;
  const date = new Date(Date.UTC(year, Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms));
  if (Number.isNaN(date.getTime())) throw new Error(`a validity date ("${value}") is not a date`);
  return date;
}

// Named curves by OID, with OpenSSL's short names (what node:crypto reports as namedCurve).
const CURVES: Readonly<Record<string, {name: string; size: number}>> = {
  '1.2.840.10045.3.1.7': {name: 'P-256', size: 32},
  '1.3.132.0.34': {name: 'P-384', size: 48},
  '1.3.132.0.35': {name: 'P-521', size: 66},
  '1.3.132.0.33': {name: 'P-224', size: 28},
  '1.2.840.10045.3.1.1': {name: 'P-192', size: 24},
};

/**
 * "RSA 2048", "EC P-256", "Ed25519", … and node:crypto's key type. RSA, EC on the usual curves and EdDSA are read
 * here; anything else is handed to node:crypto, whose description and errors are then exactly what they always were.
 */
function readKey(spki: Node): {type: string; description: string; curve: string | undefined; bits: Span} {
  const algorithm = expect(first(spki), TAG.sequence, 'an algorithm identifier');
  const keyBits = expect(next(algorithm, spki.end), TAG.bitString, 'a bit string');
  const {oid: id, parameters} = readAlgorithm(algorithm);
  const bitsSpan = bitStringSpan(keyBits);
  const bits = keyBits.bytes.subarray(bitsSpan.start, bitsSpan.end);
  switch (id) {
    case '1.2.840.113549.1.1.1': {
      const [modulus, exponent, ...extra] = children(expect(readNode(bits), TAG.sequence, 'the RSA key'));
      if (!exponent || extra.length > 0 || exponent.tag !== TAG.integer) throw new Error('the RSA key is malformed');
      return {type: 'rsa', description: `RSA ${bitLength(content(expect(modulus, TAG.integer, 'the RSA modulus')))}`, curve: undefined, bits: bitsSpan};
    }
    case '1.2.840.10045.2.1': {
      const curve = parameters && parameters[0] === TAG.oid ? CURVES[oid(readNode(parameters))] : undefined;
      const pointOk = curve && ((bits[0] === 4 && bits.length === 1 + 2 * curve.size) || ((bits[0] === 2 || bits[0] === 3) && bits.length === 1 + curve.size));
      if (curve && pointOk) return {type: 'ec', description: `EC ${curve.name}`, curve: curve.name, bits: bitsSpan};
      break;
    }
    case '1.3.101.112':
      if (bits.length === 32) return {type: 'ed25519', description: 'Ed25519', curve: undefined, bits: bitsSpan};
      break;
    case '1.3.101.113':
      if (bits.length === 57) return {type: 'ed448', description: 'Ed448', curve: undefined, bits: bitsSpan};
      break;
  }
  const key = createPublicKey({key: Buffer.from(encoding(spki)), format: 'der', type: 'spki'});
  return {type: key.asymmetricKeyType ?? 'unknown', description: describeNodeKey(key), curve: undefined, bits: bitsSpan};
}

const NODE_CURVES: Readonly<Record<string, string>> = {prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521', secp224r1: 'P-224', prime192v1: 'P-192'};

function describeNodeKey(key: ReturnType<typeof createPublicKey>): string {
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
      return `EC ${NODE_CURVES[curve] ?? curve}`;
    }
    default:
      return key.asymmetricKeyType ?? 'unknown key';
  }
}

const SIGNATURES: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.2': 'md2WithRSAEncryption',
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.14': 'sha224WithRSAEncryption',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10045.4.3.1': 'ecdsa-with-SHA224',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '1.3.101.112': 'ED25519',
  '1.3.101.113': 'ED448',
};

const HASHES: Readonly<Record<string, string>> = {
  '1.3.14.3.2.26': 'SHA-1',
  '2.16.840.1.101.3.4.2.1': 'SHA-256',
  '2.16.840.1.101.3.4.2.2': 'SHA-384',
  '2.16.840.1.101.3.4.2.3': 'SHA-512',
};

/** OpenSSL's names ("sha256WithRSAEncryption", "ecdsa-with-SHA384"), which users see in `openssl x509 -text`. */
function describeSignature(id: string, parameters: Buffer | undefined): string {
  if (id !== '1.2.840.113549.1.1.10') return SIGNATURES[id] ?? id;
  return `rsassaPss (${pssHash(parameters)})`;
}

/** The hash of RSASSA-PSS parameters (RFC 4055: [0] hashAlgorithm, SHA-1 when absent); "" without parameters. */
function pssHash(parameters: Buffer | undefined): string {
  if (!parameters) return '';
  const hashField = children(readNode(parameters)).find((node) => node.tag === 0xa0);
  if (!hashField) return 'SHA-1';
  const hashId = oid(children(expect(children(hashField)[0], TAG.sequence, 'the PSS hash'))[0] as Node);
  return HASHES[hashId] ?? hashId;
}

function bitLength(integer: Uint8Array): number {
  let start = 0;
  while (start < integer.length - 1 && integer[start] === 0) start += 1;
  const first = integer[start] ?? 0;
  return first === 0 ? 0 : (integer.length - start - 1) * 8 + (32 - Math.clz32(first));
}

/** An INTEGER's value in uppercase hex as OpenSSL prints it (BN_bn2hex): whole bytes, no leading zero bytes. */
function hexOfInteger(bytes: Uint8Array): string {
  if (bytes.length > 0 && ((bytes[0] as number) & 0x80) !== 0) {
    // Negative: two's complement back to the magnitude.
    const magnitude = Uint8Array.from(bytes, (b) => ~b & 0xff);
    for (let i = magnitude.length - 1; i >= 0; i--) if ((magnitude[i] = ((magnitude[i] as number) + 1) & 0xff) !== 0) break;
    return `-${hexOfInteger(magnitude)}`;
  }
  let start = 0;
  while (start < bytes.length && bytes[start] === 0) start += 1;
  return start === bytes.length ? '0' : hex(bytes.subarray(start)).toUpperCase();
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** The length of toPem's text (ASCII, so also its size in bytes) for `derLength` bytes of DER. */
export function pemLength(derLength: number): number {
  const base64 = 4 * Math.ceil(derLength / 3);
  return PEM_HEADER.length + base64 + Math.ceil(base64 / 64) + PEM_FOOTER.length;
}

const PEM_HEADER = '-----BEGIN CERTIFICATE-----\n';
const PEM_FOOTER = '-----END CERTIFICATE-----\n';

export function toPem(der: Uint8Array): string {
  const base64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < base64.length; i += 64) lines.push(base64.slice(i, i + 64));
  return `${PEM_HEADER}${lines.join('\n')}\n${PEM_FOOTER}`;
}
