/** X.509 for the wizard: keys, certificate profiles, CSRs, encrypted keys and passphrases, parsing. */
export {generateKey, signingAlgorithmFor, keyMatchesCertificate, describeKey} from './keys.js';
export type {KeyMaterial, KeyDetails} from './keys.js';
export {createRootCa, issueCaCertificate, issueClientCertificate, issueServerCertificate} from './profiles.js';
export type {Issuer} from './sign.js';
export {createCsr} from './csr.js';
export {encryptPrivateKey, decryptPrivateKey, checkPassphrase, generatePassphrase, PASSPHRASE_MIN, PASSPHRASE_MAX} from './passphrase.js';
export {clampNotAfter, CLOCK_SKEW_MS} from './validity.js';
export {notAfterOf, parseCertificate} from './inspect.js';
export type {IssuedCertificate, CertificateInfo} from './inspect.js';
export {pemBlocks, sha256Hex} from './pem.js';
export type {PemBlock} from './pem.js';
export {exportPkcs12, PKCS12_PROFILES} from './pkcs12.js';
export type {Pkcs12Profile} from './pkcs12.js';
