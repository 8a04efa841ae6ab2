/**
 * The Prompter port for --plain: each question is one @inquirer/prompts prompt, line by line (screen
 * readers, dumb terminals, recordings). Only used when Ink is not running, so inquirer alone reads stdin.
 * Ctrl-C in a prompt (ExitPromptError) or the abort signal becomes CancelledError: the person quit.
 */
import {CancelledError} from '../../errors.js';
import type {ConfirmQuestion, Prompter, SelectQuestion, TextQuestion} from '../../wizard/prompter.js';

export interface InquirerPrompterOptions {
  readonly signal: AbortSignal;
  /** Called when the person quits inside a prompt (Ctrl-C), so the run stops too. */
  readonly onQuit: () => void;
  /** Streams, for tests; process stdin and stdout otherwise. */
  readonly input?: NodeJS.ReadableStream;
  readonly output?: NodeJS.WritableStream;
}

const QUIT_ERRORS = new Set(['ExitPromptError', 'AbortPromptError', 'CancelPromptError']);

export class InquirerPrompter implements Prompter {
  readonly isInteractive = true;
  readonly #o: InquirerPrompterOptions;

  constructor(o: InquirerPrompterOptions) {
    this.#o = o;
  }

  get #context() {
    return {signal: this.#o.signal, input: this.#o.input, output: this.#o.output};
  }

  async #run<T>(ask: () => Promise<T>): Promise<T> {
    if (this.#o.signal.aborted) throw new CancelledError('stopped by the user');
    try {
      return await ask();
    } catch (error) {
      if (error instanceof Error && QUIT_ERRORS.has(error.name)) {
        this.#o.onQuit();
        throw new CancelledError('stopped by the user');
      }
      throw error;
    }
  }

  async text(q: TextQuestion): Promise<string> {
    const prompts = await import('@inquirer/prompts');
    const rule = (value: string) => {
      const broken = q.validate?.(value);
      return broken ? `${q.isSecret ? 'The passphrase' : 'The answer'} ${broken}` : true;
    };
    if (q.isSecret) {
      // Empty keeps the suggestion, which is never echoed.
      const value = await this.#run(() => prompts.password({message: `${q.message}`, mask: '•', validate: (v) => (v === '' ? true : rule(v))}, this.#context));
      return value === '' ? q.default : value;
    }
    const value = await this.#run(() => prompts.input({message: q.message, default: q.default, validate: (v) => rule(v.trim())}, this.#context));
    return value.trim();
  }

  async confirm(q: ConfirmQuestion): Promise<boolean> {
    const prompts = await import('@inquirer/prompts');
    return this.#run(() => prompts.confirm({message: q.message, default: q.default}, this.#context));
  }

  async select<T extends string>(q: SelectQuestion<T>): Promise<T> {
    const prompts = await import('@inquirer/prompts');
    const choices = q.choices.map((c) => ({value: c.value, name: c.label, ...(c.hint ? {description: c.hint} : {})}));
    return this.#run(() => prompts.select<T>({message: q.message, choices, default: q.default}, this.#context));
  }
}
