/** RFC 5280 reason names the commands take (kept apart from crl.ts so that reading them loads no X.509 code). */
export const REVOCATION_REASONS = ['unspecified', 'keyCompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation'] as const;
export type RevocationReason = (typeof REVOCATION_REASONS)[number];
