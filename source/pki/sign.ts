/** The machinery every profile shares: the issuer's checks, serial numbers, names and the signature itself. */
import {randomBytes} from 'node:crypto';
import {UserError} from '../errors.js';
import {importSigningKey, keyMatchesCertificate, publicKeyDer, type KeyMaterial, type SigningKey} from './keys.js';
import {basicConstraintsOf, readCertificate, subjectKeyIdOf, summarize, type IssuedCertificate} from './inspect.js';
import {resolveWindow, type Window} from './validity.js';
import {x509} from './x509.js';

export interface Issuer {
  readonly certificatePem: string;
  readonly key: KeyMaterial;
}

export interface LoadedIssuer {
  readonly name: x509.Name;
  readonly subject: string;
  readonly window: Window;
  readonly keyId: string;
  readonly pathLen: number | null;
  readonly signing: SigningKey;
}

export async function loadIssuer(issuer: Issuer): Promise<LoadedIssuer> {
  const cert = readCertificate(issuer.certificatePem, 'the issuing CA certificate');
  const {isCa, pathLen} = basicConstraintsOf(cert);
  if (!isCa) {
    throw new UserError({
      what: `failed to issue a certificate from ${cert.subject}`,
      why: 'that certificate is not a CA (basicConstraints CA:TRUE is missing)',
      fix: 'issue from a root or subordinate CA',
    });
  }
  if (!keyMatchesCertificate(issuer.key.privateKeyPem, issuer.certificatePem)) {
    throw new UserError({
      what: `failed to issue a certificate from ${cert.subject}`,
      why: "the private key given for the issuer does not belong to the issuer's certificate",
      fix: 'pass the key the CA certificate was issued for',
    });
  }
  // The AKI must equal the issuer's SKI for chain builders to match them; compute one only if it has none.
  const keyId = subjectKeyIdOf(cert) ?? (await x509.SubjectKeyIdentifierExtension.create(cert.publicKey)).keyId;
  return {
    name: cert.subjectName,
    subject: cert.subject,
    window: {notBefore: cert.notBefore, notAfter: cert.notAfter},
    keyId,
    pathLen,
    signing: await importSigningKey(issuer.key),
  };
}

/** A random positive serial of 127 bits (RFC 5280 wants at least 64 bits of entropy, at most 20 octets). */
export function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f || 0x01;
  return bytes.toString('hex');
}

/** Rejects names a CA would refuse; the 64-character bound is X.509's ub-common-name. */
export function checkCommonName(commonName: string): void {
  if (commonName.trim() === '' || commonName.length > 64) {
    throw new UserError({
      what: 'failed to create the certificate',
      why: `the common name must be 1 to 64 characters, got ${commonName.length}`,
      fix: 'choose a shorter name, e.g. "rootCA" or "client1"',
      field: 'commonName',
    });
  }
}

const DNS_LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

/** Hostnames only (an optional leading "*." for servers): anything else makes a SAN that TLS clients reject. */
export function checkDnsName(dnsName: string, allowWildcard: boolean): void {
  const labels = dnsName.split('.');
  if (allowWildcard && labels[0] === '*') labels.shift();
  if (dnsName.length > 253 || labels.length === 0 || !labels.every((label) => DNS_LABEL.test(label))) {
    throw new UserError({
      what: 'failed to create the certificate',
      why: `"${dnsName}" is not a DNS name (letters, digits and hyphens in dot-separated labels)`,
      fix: 'use a name such as client1.mtls.test',
      field: 'dnsName',
    });
  }
}

export function commonNameOf(commonName: string): x509.Name {
  // A JSON name, not a string: a comma or '=' in the name must not be parsed as DN syntax.
  return new x509.Name([{CN: [commonName]}]);
}

export interface SignRequest {
  readonly subject: x509.Name;
  readonly publicKeyPem: string;
  readonly window: {notBefore?: Date; notAfter: Date};
  /** Extensions except SKI and AKI, which are added here for every profile. */
  readonly extensions: x509.Extension[];
}

/** Signs with the issuer's key, or self-signs with `selfKey` when there is no issuer (a root). */
export async function sign(
  request: SignRequest,
  signer: {issuer: LoadedIssuer} | {selfKey: KeyMaterial},
): Promise<IssuedCertificate> {
  const publicKey = publicKeyDer(request.publicKeyPem);
  const ski = await x509.SubjectKeyIdentifierExtension.create(publicKey);
  const issuer = 'issuer' in signer ? signer.issuer : undefined;
  const window = resolveWindow(request.window, issuer?.window, request.subject.toString());
  const signing = 'issuer' in signer ? signer.issuer.signing : await importSigningKey(signer.selfKey);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: request.subject,
    issuer: issuer ? issuer.name : request.subject,
    notBefore: window.notBefore,
    notAfter: window.notAfter,
    publicKey,
    signingKey: signing.cryptoKey,
    signingAlgorithm: signing.signParams,
    extensions: [
      ...request.extensions,
      ski,
      new x509.AuthorityKeyIdentifierExtension(issuer ? issuer.keyId : ski.keyId),
    ],
  });
  return summarize(cert);
}
