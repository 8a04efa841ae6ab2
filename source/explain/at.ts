/** --at DATE: the moment a verdict is judged at, for "would it still get in next month?". */
import {UsageError} from '../errors.js';

// Date.parse alone accepts "1", "March 7" and other guesses; only ISO 8601 dates and times are taken.
const ISO = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

export function parseAt(value: string | undefined, now: () => Date = () => new Date()): Date {
  if (value === undefined) return now();
  const time = ISO.test(value.trim()) ? Date.parse(value.trim().replace(' ', 'T')) : Number.NaN;
  if (Number.isNaN(time)) {
    throw new UsageError({what: `bad value for --at: "${value}"`, why: 'it must be an ISO 8601 date or time', fix: '--at 2030-01-31 or --at 2030-01-31T12:00:00Z', field: 'at'});
  }
  return new Date(time);
}
