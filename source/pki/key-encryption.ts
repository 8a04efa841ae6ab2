/** How an encrypted private key (PKCS#8 EncryptedPrivateKeyInfo) or PKCS#12 content is protected, for people. */
import {children, intOf, nth, oidOf, type Tlv} from './der-read.js';
import {OID} from './pkcs12-crypto.js';

const CIPHERS: Readonly<Record<string, string>> = {
  [OID.aes256Cbc]: 'AES-256-CBC',
  '2.16.840.1.101.3.4.1.2': 'AES-128-CBC',
  '2.16.840.1.101.3.4.1.22': 'AES-192-CBC',
  '1.2.840.113549.3.7': 'DES-EDE3-CBC',
};
const PRFS: Readonly<Record<string, string>> = {
  [OID.hmacWithSha256]: 'HMAC-SHA256',
  '1.2.840.113549.2.7': 'HMAC-SHA1',
  '1.2.840.113549.2.10': 'HMAC-SHA384',
  '1.2.840.113549.2.11': 'HMAC-SHA512',
};
const PKCS12_PBE: Readonly<Record<string, string>> = {
  [OID.pbeWithShaAnd3KeyTripleDesCbc]: 'pbeWithSHAAnd3-KeyTripleDES-CBC (legacy)',
  '1.2.840.113549.1.12.1.6': 'pbeWithSHAAnd40BitRC2-CBC (legacy, weak)',
  '1.2.840.113549.1.12.1.5': 'pbeWithSHAAnd128BitRC2-CBC (legacy)',
};

/** e.g. "PBES2: PBKDF2 (HMAC-SHA256, 2048 iterations) + AES-256-CBC"; the OID when it is one we do not name. */
export function describeEncryption(algorithm: Tlv): string {
  const oid = oidOf(nth(algorithm, 0));
  try {
    if (oid === OID.pbes2) {
      const [kdf, scheme] = children(nth(algorithm, 1));
      const kdfParams = children(nth(kdf!, 1));
      const iterations = intOf(kdfParams[1]!);
      const prfTlv = kdfParams.find((t) => t.tag === 0x30);
      const prf = prfTlv ? (PRFS[oidOf(nth(prfTlv, 0))] ?? oidOf(nth(prfTlv, 0))) : 'HMAC-SHA1';
      const cipherOid = oidOf(nth(scheme!, 0));
      return `PBES2: PBKDF2 (${prf}, ${iterations} iterations) + ${CIPHERS[cipherOid] ?? cipherOid}`;
    }
    const legacy = PKCS12_PBE[oid];
    if (legacy) return `${legacy}, ${intOf(nth(nth(algorithm, 1), 1))} iterations`;
  } catch {
    // Unusual parameters: name the scheme without them.
  }
  return PKCS12_PBE[oid] ?? (oid === OID.pbes2 ? 'PBES2' : `algorithm ${oid}`);
}
