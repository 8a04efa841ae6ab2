/**
 * The four certificate profiles, matching what AWS Private CA's templates produce (RootCACertificate/V1,
 * SubordinateCACertificate_PathLenN/V1, EndEntityClientAuthCertificate/V1, EndEntityServerAuthCertificate/V1).
 */
import {UserError} from '../errors.js';
import {describeKey, readPublicKey, type KeyMaterial} from './keys.js';
import type {IssuedCertificate} from './inspect.js';
import {checkCommonName, checkDnsName, commonNameOf, loadIssuer, sign, type Issuer} from './sign.js';
import {x509} from './x509.js';

const {KeyUsageFlags: KU} = x509;

function caExtensions(pathLen: number | undefined): x509.Extension[] {
  return [
    // pathLen undefined leaves the field out (a root: no limit); 0 is encoded, as "pathlen:0".
    new x509.BasicConstraintsExtension(true, pathLen, true),
    new x509.KeyUsagesExtension(KU.digitalSignature | KU.keyCertSign | KU.cRLSign, true),
  ];
}

function endEntityExtensions(publicKeyPem: string, usage: string, dnsNames: string[]): x509.Extension[] {
  // RSA keys may also carry TLS key exchange (RSA key transport); EC keys only sign.
  const isRsa = describeKey(readPublicKey(publicKeyPem)).type === 'RSA';
  return [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(KU.digitalSignature | (isRsa ? KU.keyEncipherment : 0), true),
    new x509.ExtendedKeyUsageExtension([usage], false),
    new x509.SubjectAlternativeNameExtension(dnsNames.map((value) => ({type: 'dns' as const, value}))),
  ];
}

/** A self-signed root: CA:TRUE without a path length, so it can sit above chains of any depth. */
export async function createRootCa(o: {key: KeyMaterial; commonName: string; notBefore?: Date; notAfter: Date}): Promise<IssuedCertificate> {
  checkCommonName(o.commonName);
  return sign(
    {subject: commonNameOf(o.commonName), publicKeyPem: o.key.publicKeyPem, window: o, extensions: caExtensions(undefined)},
    {selfKey: o.key},
  );
}

/** A subordinate CA that allows `pathLen` more CA certificates below it. */
export async function issueCaCertificate(o: {
  publicKeyPem: string;
  commonName: string;
  pathLen: number;
  issuer: Issuer;
  notBefore?: Date;
  notAfter: Date;
}): Promise<IssuedCertificate> {
  checkCommonName(o.commonName);
  if (!Number.isInteger(o.pathLen) || o.pathLen < 0) {
    throw new UserError({
      what: `failed to issue the CA certificate for ${o.commonName}`,
      why: `the path length must be a whole number of 0 or more, got ${o.pathLen}`,
      fix: 'use 0 for a CA that issues only end-entity certificates',
      field: 'pathLen',
    });
  }
  const issuer = await loadIssuer(o.issuer);
  // A chain validator would reject the new CA anyway; saying so now names the cause.
  if (issuer.pathLen !== null && o.pathLen >= issuer.pathLen) {
    const why =
      issuer.pathLen === 0
        ? `${issuer.subject} has pathlen:0, so it cannot issue CA certificates`
        : `${issuer.subject} has pathlen:${issuer.pathLen}, so a CA below it may have at most pathlen:${issuer.pathLen - 1}`;
    throw new UserError({
      what: `failed to issue the CA certificate for ${o.commonName}`,
      why,
      fix: 'issue it from a CA with a larger path length, or lower its path length',
      field: 'pathLen',
    });
  }
  return sign(
    {subject: commonNameOf(o.commonName), publicKeyPem: o.publicKeyPem, window: o, extensions: caExtensions(o.pathLen)},
    {issuer},
  );
}

/** A TLS client certificate: clientAuth only, its DNS name in the SAN. */
export async function issueClientCertificate(o: {
  publicKeyPem: string;
  commonName: string;
  dnsName: string;
  issuer: Issuer;
  notBefore?: Date;
  notAfter: Date;
}): Promise<IssuedCertificate> {
  checkCommonName(o.commonName);
  checkDnsName(o.dnsName, false);
  const issuer = await loadIssuer(o.issuer);
  const extensions = endEntityExtensions(o.publicKeyPem, x509.ExtendedKeyUsage.clientAuth, [o.dnsName]);
  return sign({subject: commonNameOf(o.commonName), publicKeyPem: o.publicKeyPem, window: o, extensions}, {issuer});
}

/** A TLS server certificate for `dnsNames`; the first one is also the subject's CN. */
export async function issueServerCertificate(o: {
  publicKeyPem: string;
  dnsNames: string[];
  issuer: Issuer;
  notBefore?: Date;
  notAfter: Date;
}): Promise<IssuedCertificate> {
  const first = o.dnsNames[0];
  if (first === undefined) {
    throw new UserError({
      what: 'failed to issue the server certificate',
      why: 'no DNS name was given',
      fix: 'pass the custom domain name, e.g. api.mtls.test',
      field: 'dnsNames',
    });
  }
  for (const name of o.dnsNames) checkDnsName(name, true);
  const issuer = await loadIssuer(o.issuer);
  const extensions = endEntityExtensions(o.publicKeyPem, x509.ExtendedKeyUsage.serverAuth, o.dnsNames);
  return sign({subject: commonNameOf(first), publicKeyPem: o.publicKeyPem, window: o, extensions}, {issuer});
}
