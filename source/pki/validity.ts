/** Validity windows: a child certificate lives inside its issuer's window. */
import {UserError} from '../errors.js';

/** Backdating absorbs clock skew between this machine and whoever checks the certificate first. */
export const CLOCK_SKEW_MS = 5 * 60 * 1000;

/** A child never outlives its parent: the earlier of the two dates. */
export function clampNotAfter(requested: Date, parentNotAfter: Date): Date {
  return new Date(Math.min(requested.getTime(), parentNotAfter.getTime()));
}

export interface Window {
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/**
 * The window a new certificate gets: notBefore defaults to now minus the skew allowance and is never earlier
 * than the issuer's; notAfter is clamped to the issuer's. `issuer` is absent for a self-signed root.
 */
export function resolveWindow(
  requested: {notBefore?: Date; notAfter: Date},
  issuer: Window | undefined,
  subjectName: string,
  now: Date = new Date(),
): Window {
  let notBefore = requested.notBefore ?? new Date(now.getTime() - CLOCK_SKEW_MS);
  let notAfter = requested.notAfter;
  if (issuer) {
    if (notBefore < issuer.notBefore) notBefore = new Date(issuer.notBefore.getTime());
    notAfter = clampNotAfter(notAfter, issuer.notAfter);
  }
  // X.509 times have whole seconds; round inward so the encoded window stays inside the one computed here.
  notBefore = new Date(Math.ceil(notBefore.getTime() / 1000) * 1000);
  notAfter = new Date(Math.floor(notAfter.getTime() / 1000) * 1000);
  if (notAfter <= notBefore) {
    const why = issuer && requested.notAfter > issuer.notAfter
      ? `its issuer expires at ${issuer.notAfter.toISOString()}, before the certificate could start (${notBefore.toISOString()})`
      : `notAfter (${notAfter.toISOString()}) is not after notBefore (${notBefore.toISOString()})`;
    throw new UserError({
      what: `failed to issue the certificate for ${subjectName}`,
      why,
      fix: issuer ? 'renew or recreate the issuing CA, or choose a later end date' : 'choose a validity of at least one day',
      field: 'validityDays',
    });
  }
  return {notBefore, notAfter};
}
