/**
 * The password-based cryptography of PKCS#12. Every cipher, hash, HMAC and PBKDF2 is node:crypto's (OpenSSL);
 * the parameter structures are @peculiar/asn1-schema classes (pkcs12-asn1.ts). What is ours:
 *  - the RFC 7292 appendix B key derivation, which the MAC needs in both profiles and the compatible profile's
 *    pbeWithSHAAnd3-KeyTripleDES-CBC needs for its key and IV. Node does not expose OpenSSL's PKCS12_key_gen; pkijs
 *    has the KDF inside its MAC code only (asynchronous, through WebCrypto) and writes PBES2 bags only; node-forge
 *    exposes it (pkcs12.generateKey) over its own pure-JavaScript hashes, which would be a new dependency for the
 *    ~30 lines below, which use node:crypto's hashes;
 *  - the order of the node:crypto calls for PBES2 (RFC 8018: PBKDF2-HMAC-SHA256, then AES-256-CBC).
 * Every function returns the AlgorithmIdentifier with the ciphertext, so a file always names what it used.
 */
import {DigestInfo} from '@peculiar/asn1-rsa';
import {MacData} from '@peculiar/asn1-pfx';
import {OctetString} from '@peculiar/asn1-schema';
import {createCipheriv, createHash, createHmac, hash as oneShotHash, pbkdf2Sync, randomBytes} from 'node:crypto';
import {Pbes2Params, Pbkdf2Params, Pkcs12AlgorithmIdentifier, Pkcs12PbeParams, type AnyValue} from './pkcs12-asn1.js';

const algorithm = (oid: string, parameters: AnyValue): Pkcs12AlgorithmIdentifier => new Pkcs12AlgorithmIdentifier(oid, parameters);

export const OID = {
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  hmacWithSha256: '1.2.840.113549.2.9',
  aes256Cbc: '2.16.840.1.101.3.4.1.42',
  pbeWithShaAnd3KeyTripleDesCbc: '1.2.840.113549.1.12.1.3',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
} as const;

export type MacHash = 'sha1' | 'sha256';

/** The password as RFC 7292 B.1 wants it: BMPString bytes (UTF-16 big-endian) with a two-byte zero terminator. */
export function bmpPassword(passphrase: string): Buffer {
  return Buffer.concat([Buffer.from(passphrase, 'utf16le').swap16(), Buffer.alloc(2)]);
}

/** Repeats `input` to fill a whole number of v-byte blocks (empty stays empty), as B.2 steps 2 and 3 say. */
function fillBlocks(input: Buffer, v: number): Buffer {
  const out = Buffer.alloc(v * Math.ceil(input.length / v));
  for (let i = 0; i < out.length; i++) out[i] = input[i % input.length] ?? 0;
  return out;
}

/**
 * RFC 7292 B.2. `id` 1 derives a cipher key, 2 an IV, 3 a MAC key. SHA-1 and SHA-256 both have a 64-byte
 * block (v) and output u bytes; each round hashes D||I `iterations` times, then adds B + 1 to every block of I.
 */
export function pkcs12Kdf(hash: MacHash, password: Buffer, salt: Buffer, id: 1 | 2 | 3, iterations: number, length: number): Buffer {
  const v = 64;
  const diversifier = Buffer.alloc(v, id);
  const input = Buffer.concat([fillBlocks(salt, v), fillBlocks(password, v)]);
  const out: Buffer[] = [];
  for (let produced = 0; produced < length; ) {
    const a = createHash(hash).update(diversifier).update(input).digest();
    // These thousands of tiny digests are most of an export's time. crypto.hash (Node 20.12+) skips the Hash object;
    // asking it for a 'binary' (latin1: bytes 0-255 to characters and back, one to one) string, written back into
    // the same Buffer, skips allocating a Buffer per digest: about twice as fast as crypto.hash returning a Buffer,
    // three times createHash (SHA-1 and SHA-256 alike, Node 20).
    for (let round = 1; round < iterations; round++) a.write(oneShotHash(hash, a, 'binary'), 'binary');
    out.push(a);
    produced += a.length;
    if (produced >= length) break;
    const b = fillBlocks(a, v);
    // I_j = (I_j + B + 1) mod 2^(8v), each block a big-endian number.
    for (let start = 0; start < input.length; start += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = (input[start + k] ?? 0) + (b[k] ?? 0) + carry;
        input[start + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return Buffer.concat(out).subarray(0, length);
}

export interface Encrypted {
  /** AlgorithmIdentifier of the encryption scheme, with its salt, iterations and IV. */
  readonly algorithm: Pkcs12AlgorithmIdentifier;
  readonly ciphertext: Buffer;
}

function encrypt(cipher: string, key: Buffer, iv: Buffer, plaintext: Buffer): Buffer {
  const c = createCipheriv(cipher, key, iv);
  return Buffer.concat([c.update(plaintext), c.final()]);
}

/** PBES2: PBKDF2-HMAC-SHA256 -> AES-256-CBC. The passphrase goes in as its bytes (ASCII), not as a BMPString. */
export function encryptPbes2(plaintext: Buffer, passphrase: string, iterations: number, saltLength: number): Encrypted {
  const salt = randomBytes(saltLength);
  const iv = randomBytes(16);
  const key = pbkdf2Sync(Buffer.from(passphrase, 'utf8'), salt, iterations, 32, 'sha256');
  // keyLength is left out: AES-256 fixes it, and OpenSSL leaves it out too.
  const kdf = algorithm(OID.pbkdf2, new Pbkdf2Params(new OctetString(salt), iterations, algorithm(OID.hmacWithSha256, null)));
  const scheme = algorithm(OID.aes256Cbc, new OctetString(iv));
  return {algorithm: algorithm(OID.pbes2, new Pbes2Params(kdf, scheme)), ciphertext: encrypt('aes-256-cbc', key, iv, plaintext)};
}

/** pbeWithSHAAnd3-KeyTripleDES-CBC (RFC 7292 appendix C): key and IV both from the B.2 KDF with SHA-1. */
export function encryptSha1TripleDes(plaintext: Buffer, passphrase: string, iterations: number, saltLength: number): Encrypted {
  const salt = randomBytes(saltLength);
  const password = bmpPassword(passphrase);
  const key = pkcs12Kdf('sha1', password, salt, 1, iterations, 24);
  const iv = pkcs12Kdf('sha1', password, salt, 2, iterations, 8);
  return {
    algorithm: algorithm(OID.pbeWithShaAnd3KeyTripleDesCbc, new Pkcs12PbeParams(new OctetString(salt), iterations)),
    ciphertext: encrypt('des-ede3-cbc', key, iv, plaintext),
  };
}

/** MacData: an HMAC over the AuthenticatedSafe's bytes, keyed by the B.2 KDF (id 3) with the same hash. */
export function macData(hash: MacHash, authSafe: Uint8Array, passphrase: string, iterations: number, saltLength: number): MacData {
  const salt = randomBytes(saltLength);
  const size = hash === 'sha1' ? 20 : 32;
  const key = pkcs12Kdf(hash, bmpPassword(passphrase), salt, 3, iterations, size);
  const digest = createHmac(hash, key).update(authSafe).digest();
  const digestAlgorithm = algorithm(hash === 'sha1' ? OID.sha1 : OID.sha256, null);
  return new MacData({mac: new DigestInfo({digestAlgorithm, digest: new OctetString(digest)}), macSalt: new OctetString(salt), iterations});
}
