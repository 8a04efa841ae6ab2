/**
 * A step of the walkthrough: a title, a short why, and run(ctx). Steps know no UI and no backend:
 * they call ctx.backend and ask through ctx.prompter.
 */
import type {Backend, BackendContext} from '../backends/backend.js';
import type {StepId} from '../state/schema.js';
import type {Prompter} from './prompter.js';

/** Where secrets come from: never stored in state, asked or read when a step needs them. */
export interface Secrets {
  /** The client key passphrase: --passphrase-file, MTLS_WIZARD_PASSPHRASE, a generated one, or asked. */
  passphrase(ctx: BackendContext, clientName: string, options?: {create?: boolean}): Promise<Passphrase>;
}

export interface Passphrase {
  readonly value: string;
  /** How a printed command refers to it without showing it, e.g. "$(cat /path/passphrase.txt)". */
  readonly display: string;
  /** The 0600 file it was generated into, when it was generated. */
  readonly generatedFile?: string;
}

export interface StepContext extends BackendContext {
  readonly stepId: StepId;
  readonly backend: Backend;
  readonly prompter: Prompter;
  readonly secrets: Secrets;
}

export interface StepResult {
  /** True when everything already existed and nothing was created. */
  readonly reused?: boolean;
}

export interface Step {
  readonly id: StepId;
  readonly part: 'A' | 'B';
  readonly title: string;
  /** What it does and why, in two or three plain sentences (the article's lessons). */
  readonly why: string;
  run(ctx: StepContext): Promise<StepResult | void>;
}
