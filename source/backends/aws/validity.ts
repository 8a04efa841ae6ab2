/**
 * The Validity of an IssueCertificate call. DAYS when the certificate ends before its issuer (readable, and
 * identical on a retry with the same idempotency token); ABSOLUTE at the issuer's end otherwise, because
 * AWS Private CA refuses a certificate that outlives the CA that signs it.
 */
const DAY_MS = 86_400_000;

export interface ValidityChoice {
  readonly validity: {Type: 'DAYS' | 'ABSOLUTE'; Value: number};
  readonly notAfter: Date;
  readonly clamped: boolean;
}

export function validityFor(days: number, now: Date, issuerNotAfter: Date | undefined): ValidityChoice {
  const requested = new Date(now.getTime() + days * DAY_MS);
  if (!issuerNotAfter || requested <= issuerNotAfter) return {validity: {Type: 'DAYS', Value: days}, notAfter: requested, clamped: false};
  const seconds = Math.floor(issuerNotAfter.getTime() / 1000);
  return {validity: {Type: 'ABSOLUTE', Value: seconds}, notAfter: new Date(seconds * 1000), clamped: true};
}

/** Whole days from now until `end` (negative when past). */
export function daysUntil(end: Date, now: Date): number {
  return Math.floor((end.getTime() - now.getTime()) / DAY_MS);
}
