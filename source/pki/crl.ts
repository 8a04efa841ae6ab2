/**
 * Certificate revocation lists for CAs made on this machine: a CRL signed by the CA's own key (PEM with the
 * "X509 CRL" label that OpenSSL and Node read; @peculiar/x509's toString gives "CRL", which they refuse),
 * with the authority key identifier and an increasing CRL number; and the lookup a CRL-checking authorizer
 * does: is this certificate's serial on its issuer's CRL, and is that CRL really signed by the issuer.
 */
import type {KeyMaterial} from './keys.js';
import {importSigningKey} from './keys.js';
import {x509} from './x509.js';

import {REVOCATION_REASONS, type RevocationReason} from './revocation-reasons.js';

export {REVOCATION_REASONS, type RevocationReason};

const REASON_CODES: Record<RevocationReason, number> = {unspecified: 0, keyCompromise: 1, affiliationChanged: 3, superseded: 4, cessationOfOperation: 5};
const REASON_NAMES: Record<number, RevocationReason> = Object.fromEntries(Object.entries(REASON_CODES).map(([k, v]) => [v, k as RevocationReason]));

/** A CRL's nextUpdate: 7 days after it is made. */
export const CRL_VALIDITY_DAYS = 7;
const DAY = 86_400_000;

export interface CrlEntry {
  /** Hex serial as the state records it (lowercase, no colons). */
  readonly serial: string;
  readonly revokedAt: string;
  readonly reason: string;
}

export interface CrlRequest {
  readonly caCertificatePem: string;
  readonly caKey: KeyMaterial;
  readonly entries: readonly CrlEntry[];
  /** CRL number: one more than the last CRL this CA wrote. */
  readonly number: number;
  readonly now: Date;
}

/** DER INTEGER of a non-negative number (the CRL Number extension's value). */
function derInteger(n: number): Uint8Array {
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  const bytes = Buffer.from(hex, 'hex');
  const body = bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
  return Uint8Array.from([0x02, body.length, ...body]);
}

/** Signs a CRL listing every entry; returns PEM ("-----BEGIN X509 CRL-----"). */
export async function createCrl(o: CrlRequest): Promise<string> {
  const ca = new x509.X509Certificate(o.caCertificatePem);
  const signing = await importSigningKey(o.caKey);
  const crl = await x509.X509CrlGenerator.create({
    issuer: ca.subjectName,
    thisUpdate: o.now,
    nextUpdate: new Date(o.now.getTime() + CRL_VALIDITY_DAYS * DAY),
    signingAlgorithm: signing.signParams,
    signingKey: signing.cryptoKey,
    extensions: [await x509.AuthorityKeyIdentifierExtension.create(ca), new x509.Extension('2.5.29.20', false, derInteger(o.number))],
    entries: o.entries.map((e) => ({
      serialNumber: e.serial,
      revocationDate: new Date(e.revokedAt),
      ...(reasonCode(e.reason) ? {reason: reasonCode(e.reason) as x509.X509CrlReason} : {}),
    })),
  });
  return x509.PemConverter.encode(crl.rawData, 'X509 CRL');
}

function reasonCode(reason: string): number {
  return REASON_CODES[reason as RevocationReason] ?? 0;
}

export type RevocationStatus =
  | {readonly status: 'revoked'; readonly serial: string; readonly reason: RevocationReason; readonly revokedAt: string}
  | {readonly status: 'good'}
  | {readonly status: 'no-crl'}
  | {readonly status: 'bad-crl'; readonly why: string};

/**
 * Looks the certificate up in its issuer's CRL, as a CRL-checking authorizer would: the CRL must be signed by
 * the issuer's key and not past its nextUpdate; otherwise the answer is bad-crl (an authorizer would deny).
 */
export async function checkRevocation(certificatePem: string, issuerCertificatePem: string, crlPem: string | undefined, now: Date): Promise<RevocationStatus> {
  if (!crlPem) return {status: 'no-crl'};
  let crl: x509.X509Crl;
  try {
    crl = new x509.X509Crl(crlPem);
  } catch (error) {
    return {status: 'bad-crl', why: `the CRL cannot be parsed (${(error as Error).message})`};
  }
  const issuer = new x509.X509Certificate(issuerCertificatePem);
  if (!(await crl.verify({publicKey: issuer.publicKey}))) return {status: 'bad-crl', why: `the CRL is not signed by ${issuer.subject}`};
  if (crl.nextUpdate && crl.nextUpdate.getTime() < now.getTime()) return {status: 'bad-crl', why: `the CRL expired at ${crl.nextUpdate.toISOString()}`};
  const entry = crl.findRevoked(new x509.X509Certificate(certificatePem));
  if (!entry) return {status: 'good'};
  return {status: 'revoked', serial: entry.serialNumber.toLowerCase(), reason: REASON_NAMES[entry.reason ?? 0] ?? 'unspecified', revokedAt: entry.revocationDate.toISOString()};
}

/** True when the CRL (PEM) lists this hex serial. */
export function crlLists(crlPem: string, serial: string): boolean {
  try {
    return new x509.X509Crl(crlPem).findRevoked(serial.toLowerCase()) !== null;
  } catch {
    return false;
  }
}

/**
 * A serial the way AWS Private CA's RevokeCertificate takes it in every AWS example (copied from
 * `openssl x509 -text`): lowercase hex byte pairs separated by colons, the magnitude only (no leading 00
 * sign byte), e.g. "3d:29:5f:…:d4:01".
 */
export function awsSerial(hexSerial: string): string {
  let hex = hexSerial.toLowerCase().replace(/[^0-9a-f]/g, '');
  if (hex.length % 2) hex = `0${hex}`;
  while (hex.length > 2 && hex.startsWith('00')) hex = hex.slice(2);
  return hex.match(/../g)!.join(':');
}
