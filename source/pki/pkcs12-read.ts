/**
 * Reading a PKCS#12 file (the mirror of pkcs12.ts): check its MAC with the passphrase, decrypt the certificate
 * bags and describe the key bags. What `openssl pkcs12 -export` (modern or -legacy) and our export write.
 * The key itself is never returned decrypted: only its type, how it is protected, and the DER a caller may
 * hand to node:crypto to compare public keys.
 */
import {createDecipheriv, createHmac, pbkdf2Sync, timingSafeEqual} from 'node:crypto';
import {UserError} from '../errors.js';
import {children, intOf, nth, oidOf, readTlv, type Tlv} from './der-read.js';
import {describeEncryption} from './key-encryption.js';
import {bmpPassword, OID, pkcs12Kdf, type MacHash} from './pkcs12-crypto.js';

const DATA = '1.2.840.113549.1.7.1';
const ENCRYPTED_DATA = '1.2.840.113549.1.7.6';
const KEY_BAG = '1.2.840.113549.1.12.10.1.1';
const SHROUDED_KEY_BAG = '1.2.840.113549.1.12.10.1.2';
const CERT_BAG = '1.2.840.113549.1.12.10.1.3';
const X509_CERT = '1.2.840.113549.1.9.22.1';
const MAC_HASHES: Readonly<Record<string, MacHash>> = {[OID.sha1]: 'sha1', [OID.sha256]: 'sha256'};
const PRF_HASHES: Readonly<Record<string, string>> = {'1.2.840.113549.2.7': 'sha1', [OID.hmacWithSha256]: 'sha256', '1.2.840.113549.2.10': 'sha384', '1.2.840.113549.2.11': 'sha512'};
const CIPHERS: Readonly<Record<string, {name: string; keyLength: number}>> = {
  [OID.aes256Cbc]: {name: 'aes-256-cbc', keyLength: 32},
  '2.16.840.1.101.3.4.1.22': {name: 'aes-192-cbc', keyLength: 24},
  '2.16.840.1.101.3.4.1.2': {name: 'aes-128-cbc', keyLength: 16},
};

export interface Pkcs12Contents {
  /** e.g. "SHA-256 MAC, 2048 iterations"; null when the file has no MAC. */
  readonly mac: string | null;
  /** How the certificates are protected ("not encrypted" or the scheme). */
  readonly certificateEncryption: string;
  /** DER of every certificate bag, in file order. */
  readonly certificates: Buffer[];
  /** One entry per key bag: how it is protected and its EncryptedPrivateKeyInfo / PrivateKeyInfo DER. */
  readonly keys: {readonly encryption: string; readonly der: Buffer; readonly encrypted: boolean}[];
}

/** True when the bytes parse as a PFX (version 3, data content): how a binary file is told to be PKCS#12. */
export function isPkcs12(bytes: Buffer): boolean {
  try {
    const pfx = readTlv(bytes);
    return pfx.raw.length === bytes.length && intOf(nth(pfx, 0)) === 3 && oidOf(nth(nth(pfx, 1), 0)) === DATA;
  } catch {
    return false;
  }
}

/** Decodes a PFX with the passphrase; a wrong passphrase (the MAC does not verify) is a UserError. */
export function readPkcs12(bytes: Buffer, passphrase: string): Pkcs12Contents {
  const pfx = readTlv(bytes);
  const [, authSafe, macData] = children(pfx);
  const authSafeBytes = octets(nth(authSafe!, 1));
  const mac = macData ? checkMac(macData, authSafeBytes, passphrase) : null;
  const certificates: Buffer[] = [];
  const keys: Pkcs12Contents['keys'] = [];
  let certificateEncryption = 'not encrypted';
  for (const info of children(readTlv(authSafeBytes))) {
    const type = oidOf(nth(info, 0));
    let safeContents: Buffer;
    if (type === DATA) safeContents = octets(nth(info, 1));
    else if (type === ENCRYPTED_DATA) {
      const encryptedContentInfo = nth(nth(nth(info, 1), 0), 1);
      const [, algorithm, content] = children(encryptedContentInfo);
      certificateEncryption = describeEncryption(algorithm!);
      safeContents = decrypt(algorithm!, content!.value, passphrase);
    } else continue;
    for (const bag of children(readTlv(safeContents))) {
      const bagId = oidOf(nth(bag, 0));
      const value = nth(nth(bag, 1), 0);
      if (bagId === CERT_BAG && oidOf(nth(value, 0)) === X509_CERT) certificates.push(Buffer.from(octets(nth(value, 1))));
      else if (bagId === SHROUDED_KEY_BAG) keys.push({encryption: describeEncryption(nth(value, 0)), der: Buffer.from(value.raw), encrypted: true});
      else if (bagId === KEY_BAG) keys.push({encryption: 'not encrypted', der: Buffer.from(value.raw), encrypted: false});
    }
  }
  return {mac, certificateEncryption, certificates, keys};
}

/** The value of an OCTET STRING, or of [0] EXPLICIT OCTET STRING. */
function octets(tlv: Tlv): Buffer {
  const inner = tlv.tag === 0x04 ? tlv : nth(tlv, 0);
  if (inner.tag !== 0x04) throw new Error('expected an OCTET STRING');
  return inner.value;
}

function checkMac(macData: Tlv, authSafe: Buffer, passphrase: string): string {
  const [digestInfo, salt, iterationsTlv] = children(macData);
  const hashOid = oidOf(nth(nth(digestInfo!, 0), 0));
  const hash = MAC_HASHES[hashOid];
  const iterations = iterationsTlv ? intOf(iterationsTlv) : 1;
  if (!hash) return `MAC with ${hashOid} (not checked), ${iterations} iterations`;
  const expected = nth(digestInfo!, 1).value;
  const key = pkcs12Kdf(hash, bmpPassword(passphrase), salt!.value, 3, iterations, hash === 'sha1' ? 20 : 32);
  const actual = createHmac(hash, key).update(authSafe).digest();
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    throw new UserError({what: 'failed to open the PKCS#12 file', why: 'the passphrase is wrong (the integrity MAC does not verify), or the file is damaged', fix: 'pass the passphrase it was exported with in --passphrase-file', field: 'passphrase-file'});
  }
  return `${hash === 'sha1' ? 'SHA-1' : 'SHA-256'} MAC, ${iterations} iterations`;
}

function decrypt(algorithm: Tlv, ciphertext: Buffer, passphrase: string): Buffer {
  const oid = oidOf(nth(algorithm, 0));
  if (oid === OID.pbes2) {
    const [kdf, scheme] = children(nth(algorithm, 1));
    const params = children(nth(kdf!, 1));
    const prfTlv = params.find((t) => t.tag === 0x30);
    const prf = prfTlv ? PRF_HASHES[oidOf(nth(prfTlv, 0))] : 'sha1';
    const cipher = CIPHERS[oidOf(nth(scheme!, 0))];
    if (!prf || !cipher) throw unsupported(describeEncryption(algorithm));
    const key = pbkdf2Sync(Buffer.from(passphrase, 'utf8'), params[0]!.value, intOf(params[1]!), cipher.keyLength, prf);
    return decipher(cipher.name, key, nth(scheme!, 1).value, ciphertext);
  }
  if (oid === OID.pbeWithShaAnd3KeyTripleDesCbc) {
    const [salt, iterations] = children(nth(algorithm, 1));
    const password = bmpPassword(passphrase);
    const key = pkcs12Kdf('sha1', password, salt!.value, 1, intOf(iterations!), 24);
    const iv = pkcs12Kdf('sha1', password, salt!.value, 2, intOf(iterations!), 8);
    return decipher('des-ede3-cbc', key, iv, ciphertext);
  }
  throw unsupported(describeEncryption(algorithm));
}

function decipher(name: string, key: Buffer, iv: Buffer, ciphertext: Buffer): Buffer {
  try {
    const d = createDecipheriv(name, key, iv);
    return Buffer.concat([d.update(ciphertext), d.final()]);
  } catch {
    throw new UserError({what: 'failed to open the PKCS#12 file', why: 'its certificates do not decrypt with this passphrase', fix: 'pass the passphrase it was exported with in --passphrase-file', field: 'passphrase-file'});
  }
}

function unsupported(scheme: string): UserError {
  return new UserError({what: 'failed to open the PKCS#12 file', why: `its certificates are protected with ${scheme}, which this tool does not read`, fix: 'convert it with `openssl pkcs12 -in FILE -nodes | openssl pkcs12 -export -out new.p12`'});
}
