/**
 * AWS_MAX_ATTEMPTS as the SDK reads it (tries per call in all, the first included), for our retry layer
 * (retry.ts): the SDK's own retries are off, so without this the variable would have no effect. Kept apart
 * from clients.ts so that option parsing can check it without loading the AWS SDK.
 */
import {UserError} from '../../errors.js';

/** Why a value of AWS_MAX_ATTEMPTS is refused (to follow "AWS_MAX_ATTEMPTS "), or undefined when it is usable. */
export function maxAttemptsProblem(raw: string): string | undefined {
  if (/^[1-9][0-9]{0,2}$/.test(raw.trim())) return undefined;
  return `must be a whole number from 1 to 999, the tries per AWS call including the first (it is "${raw.trim().slice(0, 20)}")`;
}

export const MAX_ATTEMPTS_FIX = "unset AWS_MAX_ATTEMPTS to use the wizard's own patience, or set e.g. AWS_MAX_ATTEMPTS=3";

/** The configured tries per call, or undefined when AWS_MAX_ATTEMPTS is unset or empty. */
export function maxAttemptsFrom(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env.AWS_MAX_ATTEMPTS?.trim();
  if (raw === undefined || raw === '') return undefined;
  const problem = maxAttemptsProblem(raw);
  if (problem) throw new UserError({what: 'cannot use AWS', why: `AWS_MAX_ATTEMPTS ${problem}`, fix: MAX_ATTEMPTS_FIX, field: 'AWS_MAX_ATTEMPTS'});
  return Number(raw);
}
