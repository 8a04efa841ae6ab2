/**
 * The Prompter port for the Ink wizard: a question becomes the prompt pane on screen, and the answer
 * comes back when the person presses Enter. Ink owns stdin the whole time; nothing else reads it.
 * Quitting (the abort signal) rejects the open question with CancelledError.
 */
import {CancelledError} from '../../errors.js';
import type {ConfirmQuestion, Prompter, SelectQuestion, TextQuestion} from '../../wizard/prompter.js';
import type {PromptRequest} from '../model/ui-state.js';
import type {UiStore} from '../store.js';

interface Pending {
  resolve(value: string | boolean): void;
  reject(error: Error): void;
}

export class InkPrompter implements Prompter {
  readonly isInteractive = true;
  readonly #store: UiStore;
  readonly #signal: AbortSignal;
  #pending?: Pending;

  constructor(store: UiStore, signal: AbortSignal) {
    this.#store = store;
    this.#signal = signal;
    signal.addEventListener('abort', () => this.#settle(undefined, new CancelledError('stopped by the user')), {once: true});
  }

  text(question: TextQuestion): Promise<string> {
    return this.#ask({kind: 'text', question}) as Promise<string>;
  }

  confirm(question: ConfirmQuestion): Promise<boolean> {
    return this.#ask({kind: 'confirm', question}) as Promise<boolean>;
  }

  select<T extends string>(question: SelectQuestion<T>): Promise<T> {
    return this.#ask({kind: 'select', question: question as SelectQuestion<string>}) as Promise<T>;
  }

  /** The prompt pane calls this with a valid answer. */
  answer(value: string | boolean): void {
    this.#settle(value);
  }

  #ask(prompt: PromptRequest): Promise<string | boolean> {
    if (this.#signal.aborted) return Promise.reject(new CancelledError('stopped by the user'));
    // One question at a time: the port is used sequentially by the flow and the steps.
    this.#settle(undefined, new Error('a new question replaced an unanswered one'));
    return new Promise((resolve, reject) => {
      this.#pending = {resolve, reject};
      this.#store.dispatch({type: 'prompt', prompt});
    });
  }

  #settle(value: string | boolean | undefined, error?: Error): void {
    const pending = this.#pending;
    if (!pending) return;
    this.#pending = undefined;
    this.#store.dispatch({type: 'prompt'});
    if (error) pending.reject(error);
    else pending.resolve(value as string | boolean);
  }
}
