/**
 * PKCS#12 (.p12 / .pfx) export of a client certificate, its key and its chain: the one file browsers,
 * keychains, Java and Windows import, and that curl takes with `--cert-type P12`.
 *
 * Layout (what `openssl pkcs12 -export` writes, so every reader has met it): an AuthenticatedSafe holding
 * (1) an encryptedData ContentInfo with the certificate bags and (2) a data ContentInfo with one
 * pkcs8ShroudedKeyBag; then a MAC over the AuthenticatedSafe. The key and the leaf certificate carry the same
 * localKeyId (SHA-1 of the certificate) so readers pair them, and the friendlyName when one is given.
 *
 * Whose is what:
 *  - the structures (PFX, AuthenticatedSafe, SafeContents, SafeBag, CertBag, PKCS8ShroudedKeyBag, MacData,
 *    PKCS#12 attributes, CMS ContentInfo and EncryptedContentInfo) are @peculiar/asn1-pfx's and its siblings'
 *    (the ones @peculiar/x509 already brings), written by @peculiar/asn1-schema: see pkcs12-asn1.ts for the one
 *    converter swapped there for speed, and the few structures no package declares;
 *  - ciphers, hashes, HMAC and PBKDF2 are node:crypto's;
 *  - ours (pkcs12-crypto.ts): the RFC 7292 appendix B key derivation (the MAC key in both profiles, the compatible
 *    profile's 3DES key and IV), which neither Node nor a maintained library offers for every key type, and the
 *    choice of algorithms, salts and iteration counts below.
 * pkijs was not used for the modern profile: it cannot write the compatible one (so there would be two builders),
 * it works through asynchronous WebCrypto while this export is synchronous, and it would add a dependency tree for
 * what node:crypto does in three calls.
 */
import {EncryptedContent, EncryptedContentInfo} from '@peculiar/asn1-cms';
import {AuthenticatedSafe, PFX, PKCS8ShroudedKeyBag, SafeContents, id_certBag, id_pkcs8ShroudedKeyBag, id_x509Certificate} from '@peculiar/asn1-pfx';
import {FriendlyName, id_pkcs9_at_friendlyName, id_pkcs9_at_localKeyId} from '@peculiar/asn1-pkcs9';
import {AsnConvert, OctetString} from '@peculiar/asn1-schema';
import {X509Certificate, createHash, createPrivateKey, getCiphers, type KeyObject} from 'node:crypto';
import {ExternalError, UserError} from '../errors.js';
import {checkPassphrase} from './passphrase.js';
import {pemBlocks} from './pem.js';
import {EncryptedData, Pkcs12Attribute, Pkcs12CertBag, Pkcs12ContentInfo, Pkcs12SafeBag} from './pkcs12-asn1.js';
import {encryptPbes2, encryptSha1TripleDes, macData, type Encrypted, type MacHash} from './pkcs12-crypto.js';

export type Pkcs12Profile = 'modern' | 'compatible';

export const PKCS12_PROFILES: Record<Pkcs12Profile, {description: string; useFor: string}> = {
  modern: {
    description: 'AES-256-CBC (PBES2, PBKDF2-HMAC-SHA256, 2,048 iterations) for the key and certificates, SHA-256 MAC: the layout OpenSSL 3 writes by default',
    useFor: 'curl, Firefox, Chrome and Edge, OpenSSL 3, Node 17 or newer, Java 11.0.12 / 17 or newer, Windows Server 2019 / Windows 10 1709 or newer. Pick this unless a reader below refuses the file',
  },
  compatible: {
    description: 'Triple DES (pbeWithSHAAnd3-KeyTripleDES-CBC, 2,048 iterations) for the key and certificates, SHA-1 MAC: what `openssl pkcs12 -export -legacy -certpbe PBE-SHA1-3DES` writes',
    useFor: 'macOS Keychain (Security framework), Windows before Server 2019 / older certutil, Java before 11.0.12, and other readers that refuse AES-encrypted PKCS#12 files with "wrong password" or "unsupported algorithm"',
  },
};

interface Scheme {
  encrypt(plaintext: Buffer, passphrase: string): Encrypted;
  readonly macHash: MacHash;
  readonly macIterations: number;
  readonly saltLength: number;
}

// modern: OpenSSL 3's own defaults (2,048 iterations for the key, the certificates and the MAC), with a 16-byte
// salt (the NIST minimum). Iterations cost start-up time on every walkthrough; 2,048 is what OpenSSL writes.
const SCHEMES: Record<Pkcs12Profile, Scheme> = {
  modern: {encrypt: (p, pass) => encryptPbes2(p, pass, 2048, 16), macHash: 'sha256', macIterations: 2048, saltLength: 16},
  compatible: {encrypt: (p, pass) => encryptSha1TripleDes(p, pass, 2048, 8), macHash: 'sha1', macIterations: 2048, saltLength: 8},
};

const OID = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
} as const;

const WHAT = 'failed to export the PKCS#12 file';

const der = (value: object): ArrayBuffer => AsnConvert.serialize(value);

function dataContentInfo(content: ArrayBuffer): Pkcs12ContentInfo {
  return new Pkcs12ContentInfo(OID.data, new OctetString(content));
}

function encryptedContentInfo(encrypted: Encrypted): Pkcs12ContentInfo {
  const info = new EncryptedContentInfo({
    contentType: OID.data,
    contentEncryptionAlgorithm: encrypted.algorithm,
    encryptedContent: new EncryptedContent({value: new OctetString(encrypted.ciphertext)}),
  });
  return new Pkcs12ContentInfo(OID.encryptedData, new EncryptedData(info));
}

function privateKey(privateKeyPem: string): KeyObject {
  try {
    return createPrivateKey({key: privateKeyPem, format: 'pem'});
  } catch {
    // Node's message is not shown: the input is a secret, and what matters is what to pass instead.
    throw new UserError({
      what: WHAT,
      why: 'the private key is not an unencrypted PEM private key',
      fix: 'pass the "BEGIN PRIVATE KEY" PEM of the client key (decrypt an encrypted key with decryptPrivateKey first)',
      field: 'privateKeyPem',
    });
  }
}

/** Every certificate in the PEM text; anything else in it (a key, a CSR, garbage) is refused. */
function parseCertificates(pem: string, field: string, name: string): X509Certificate[] {
  const blocks = pemBlocks(pem);
  const wrong = blocks.find((b) => b.label !== 'CERTIFICATE');
  if (blocks.length === 0 || wrong) {
    throw new UserError({
      what: WHAT,
      why: wrong ? `${name} holds a "${wrong.label}" PEM block, not a certificate` : `${name} holds no PEM certificate`,
      fix: 'pass "BEGIN CERTIFICATE" PEM text',
      field,
    });
  }
  return blocks.map((block) => {
    try {
      return new X509Certificate(block.der);
    } catch {
      throw new UserError({what: WHAT, why: `${name} holds a damaged certificate`, fix: 'pass the PEM text the CA issued', field});
    }
  });
}

function checkFriendlyName(name: string): void {
  // BMPString holds only the Basic Multilingual Plane; control characters would garble keychain listings.
  if (name.length === 0 || name.length > 64 || !/^[^\p{Cc}\uD800-\uDFFF]+$/u.test(name)) {
    throw new UserError({
      what: WHAT,
      why: 'the friendly name must be 1 to 64 printable characters, without emoji or line breaks',
      fix: 'use the certificate\'s common name, e.g. "client1"',
      field: 'friendlyName',
    });
  }
}

function checkInputs(o: {passphrase: string; profile: Pkcs12Profile; friendlyName?: string}): void {
  if (!Object.hasOwn(SCHEMES, o.profile)) {
    throw new UserError({what: WHAT, why: `there is no profile "${String(o.profile)}"`, fix: 'use "modern" or "compatible"', field: 'profile'});
  }
  const broken = checkPassphrase(o.passphrase);
  if (broken) {
    throw new UserError({
      what: WHAT,
      why: `the passphrase ${broken}`,
      fix: 'choose another passphrase (4 to 128 ASCII characters, none of # $ %), or let the wizard generate one',
      field: 'passphrase',
    });
  }
  if (o.friendlyName !== undefined) checkFriendlyName(o.friendlyName);
  // OpenSSL 3 keeps 3DES in its default provider, but a FIPS-only build drops it: say so instead of a raw error.
  if (o.profile === 'compatible' && !getCiphers().includes('des-ede3-cbc')) {
    throw new ExternalError({
      what: WHAT,
      why: "this Node.js build's OpenSSL does not offer Triple DES (des-ede3-cbc), which the compatible profile needs",
      fix: 'use the "modern" profile, or run a Node.js build without a FIPS-only OpenSSL configuration',
    });
  }
}

/** A password-protected PKCS#12 file (DER) with the client key, its certificate and, optionally, its chain. */
export function exportPkcs12(o: {
  /** Unencrypted PKCS#8 PEM. A secret: it only leaves this function encrypted. */
  privateKeyPem: string;
  certificatePem: string;
  /** Issuing CA certificates (PEM), nearest first; a PEM text may hold several. */
  chainPems?: string[];
  passphrase: string;
  profile: Pkcs12Profile;
  /** The label keychains and browsers show; usually the certificate's common name. */
  friendlyName?: string;
}): Uint8Array {
  checkInputs(o);
  const [leafCertificate, ...extra] = parseCertificates(o.certificatePem, 'certificatePem', 'the certificate');
  if (!leafCertificate || extra.length > 0) {
    throw new UserError({what: WHAT, why: 'the certificate text holds more than one certificate', fix: 'pass the client certificate alone and its CA certificates in the chain', field: 'certificatePem'});
  }
  const keyObject = privateKey(o.privateKeyPem);
  // Compared with the objects already parsed (OpenSSL's X509_check_private_key) rather than by parsing the PEM
  // texts again and exporting both public keys, as keyMatchesCertificate does.
  if (keyObject.asymmetricKeyType !== leafCertificate.publicKey.asymmetricKeyType || !leafCertificate.checkPrivateKey(keyObject)) {
    throw new UserError({what: WHAT, why: 'the private key does not belong to the certificate', fix: 'pass the key the certificate was issued for', field: 'privateKeyPem'});
  }
  const key = keyObject.export({type: 'pkcs8', format: 'der'});
  const leaf = leafCertificate.raw;
  // The leaf again or a CA given twice would only make readers import duplicates.
  const seen = new Set([leaf.toString('hex')]);
  const chain = (o.chainPems ?? []).flatMap((pem, i) => parseCertificates(pem, 'chainPems', `chain entry ${i + 1}`).map((c) => c.raw));
  const cas = chain.filter((der) => !seen.has(der.toString('hex')) && seen.add(der.toString('hex')));

  const scheme = SCHEMES[o.profile];
  const leafAttributes = [new Pkcs12Attribute(id_pkcs9_at_localKeyId, [new OctetString(createHash('sha1').update(leaf).digest())])];
  if (o.friendlyName !== undefined) leafAttributes.push(new Pkcs12Attribute(id_pkcs9_at_friendlyName, [new FriendlyName(o.friendlyName)]));
  // DER orders a SET OF by the members' encodings (X.690 11.6); asn1-schema writes them in the order given.
  const attributes = leafAttributes.map((attribute) => ({attribute, der: Buffer.from(der(attribute))})).sort((x, y) => Buffer.compare(x.der, y.der)).map((x) => x.attribute);

  const certBag = (cert: Buffer, bagAttributes?: Pkcs12Attribute[]): Pkcs12SafeBag =>
    new Pkcs12SafeBag(id_certBag, new Pkcs12CertBag(id_x509Certificate, new OctetString(cert)), bagAttributes);
  const certificates = Buffer.from(der(new SafeContents([certBag(leaf, attributes), ...cas.map((cert) => certBag(cert))])));

  const shrouded = scheme.encrypt(key, o.passphrase);
  const keyBag = new Pkcs12SafeBag(
    id_pkcs8ShroudedKeyBag,
    new PKCS8ShroudedKeyBag({encryptionAlgorithm: shrouded.algorithm, encryptedData: new OctetString(shrouded.ciphertext)}),
    attributes,
  );

  const authSafe = der(new AuthenticatedSafe([encryptedContentInfo(scheme.encrypt(certificates, o.passphrase)), dataContentInfo(der(new SafeContents([keyBag])))]));
  const mac = macData(scheme.macHash, new Uint8Array(authSafe), o.passphrase, scheme.macIterations, scheme.saltLength);
  return new Uint8Array(der(new PFX({version: 3, authSafe: dataContentInfo(authSafe), macData: mac})));
}
