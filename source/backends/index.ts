/** Picks the backend. The AWS one (and its SDK) is loaded only when asked for: it costs start-up time. */
import {UsageError} from '../errors.js';
import type {Backend} from './backend.js';
import {LocalBackend} from './local/index.js';

export type BackendKind = 'local' | 'aws';
export const BACKEND_KINDS: readonly BackendKind[] = ['local', 'aws'];

export interface AwsBackendOptions {
  readonly region?: string;
  readonly profile?: string;
  readonly dryRun?: boolean;
  /** --yes: accept the cost confirmation and Route 53 changes without asking. */
  readonly yes?: boolean;
  readonly prompter?: import('../wizard/prompter.js').Prompter;
  /** Where --dry-run prints the planned calls. */
  readonly print?: (line: string) => void;
}

export async function createBackend(kind: BackendKind, options: AwsBackendOptions = {}): Promise<Backend> {
  if (kind === 'local') return new LocalBackend();
  if (kind === 'aws') {
    const aws = await import('./aws/index.js');
    return aws.createAwsBackend(options);
  }
  throw new UsageError({what: `unknown backend "${String(kind)}"`, why: `it must be one of ${BACKEND_KINDS.join(', ')}`, fix: 'pass --backend local or --backend aws', field: 'backend'});
}
