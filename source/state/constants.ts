/** Constants of the state format, kept free of zod so the CLI can read them without loading it. */
export const STATE_VERSION = 1;

export const KEY_ALGORITHMS = ['RSA_2048', 'RSA_4096', 'EC_prime256v1', 'EC_secp384r1'] as const;
export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];

export const STEP_IDS = [
  'root-ca',
  'intermediate-ca',
  'api',
  'custom-domain',
  'mtls',
  'client-cert',
  'connect',
  'second-chain',
  'truststore-update',
  'client-cert-2',
  'connect-2',
] as const;

/** Workshop lessons (--lessons): the article's two failures, shown on purpose, and the revocation gap. */
export const LESSON_STEP_IDS = ['lesson-intermediate-only', 'lesson-duplicate', 'lesson-revocation'] as const;

export const ALL_STEP_IDS = [...STEP_IDS, ...LESSON_STEP_IDS] as const;
export type StepId = (typeof ALL_STEP_IDS)[number];

export const STEP_STATUSES = ['pending', 'running', 'done', 'failed', 'skipped'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

