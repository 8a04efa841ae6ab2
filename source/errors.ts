/**
 * The error taxonomy. Every message follows one grammar: what failed, why, and what fixes it.
 * - UserError: bad input or a state the user can fix (exit 2 for usage, 1 otherwise).
 * - ExternalError: a tool or service we called failed (curl, openssl, AWS).
 * - CancelledError: the user quit; not an error to report.
 * Anything else is a bug and is reported with its stack only when MTLS_WIZARD_DEBUG is set.
 */
import {printedCommands} from './util/invocation.js';
export interface ErrorParts {
  /** What failed, e.g. "failed to read the state file /x/state.json". */
  readonly what: string;
  /** Why it failed, e.g. "line 3: Unexpected token". */
  readonly why?: string;
  /** The command or input that fixes it, e.g. "run `mtls-wizard reset --yes` to start over". */
  readonly fix?: string;
  /** The field or flag at fault, when there is one. */
  readonly field?: string;
}

export class UserError extends Error {
  readonly what: string;
  readonly why?: string;
  readonly fix?: string;
  readonly field?: string;
  /** Process exit code for this error. */
  readonly exitCode: number;
  constructor(parts: ErrorParts, exitCode = 1) {
    super(formatParts(parts));
    this.name = 'UserError';
    this.what = parts.what;
    this.why = parts.why;
    this.fix = parts.fix;
    this.field = parts.field;
    this.exitCode = exitCode;
  }
}

/** Bad flags, values or arguments: exit code 2, like most CLIs. */
export class UsageError extends UserError {
  constructor(parts: ErrorParts) {
    super(parts, 2);
    this.name = 'UsageError';
  }
}

export class ExternalError extends Error {
  readonly what: string;
  readonly why?: string;
  readonly fix?: string;
  readonly command?: string;
  constructor(parts: ErrorParts & {command?: string}) {
    super(formatParts(parts));
    this.name = 'ExternalError';
    this.what = parts.what;
    this.why = parts.why;
    this.fix = parts.fix;
    this.command = parts.command;
  }
}

export class CancelledError extends Error {
  constructor(message = 'cancelled by the user') {
    super(message);
    this.name = 'CancelledError';
  }
}

export function formatParts(parts: ErrorParts): string {
  let text = parts.what;
  if (parts.why) text += `: ${parts.why}`;
  if (parts.fix) text += `. Fix: ${parts.fix}`;
  // Commands in the message are printed the way this program was started (node dist/cli.js, npx, …).
  return printedCommands(text);
}

/** One line for any error, suitable for a terminal or a JSON field. Never includes a stack. */
export function describeError(error: unknown): string {
  if (error instanceof UserError || error instanceof ExternalError) return error.message;
  if (error instanceof Error) return `unexpected error: ${error.message}`;
  return `unexpected error: ${String(error)}`;
}
