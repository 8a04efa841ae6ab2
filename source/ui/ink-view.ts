/**
 * Connects the flow to the Ink screen: flow calls become store actions, and key commands from the
 * screen resolve what the flow waits on (the pause after a step, the retry offer). Quitting aborts the
 * run's signal: open questions are cancelled and the runner stops after the current step, state saved.
 */
import type {State, StepId} from '../state/schema.js';
import type {StepInfo} from '../wizard/events.js';
import type {FlowView} from '../app/flow.js';
import type {Command} from './keys.js';
import type {CompletionModel} from './model/completion.js';
import {InkPrompter} from './prompts/ink-prompter.js';
import type {UiStore} from './store.js';

export class InkView implements FlowView {
  readonly prompter: InkPrompter;
  readonly #store: UiStore;
  readonly #abort: AbortController;
  readonly #onForceQuit: () => void;
  #onPause?: (choice: 'continue' | 'stop') => void;
  #onFailed?: (choice: 'retry' | 'quit') => void;

  constructor(store: UiStore, abort: AbortController, onForceQuit: () => void) {
    this.#store = store;
    this.#abort = abort;
    this.#onForceQuit = onForceQuit;
    this.prompter = new InkPrompter(store, abort.signal);
    abort.signal.addEventListener('abort', () => {
      this.#onPause?.('stop');
      this.#onFailed?.('quit');
    }, {once: true});
  }

  plan(steps: readonly StepInfo[], stateDir: string, backend?: string): void {
    this.#store.dispatch({type: 'plan', steps, stateDir, backend});
  }

  state(state: State): void {
    this.#store.dispatch({type: 'snapshot', state});
  }

  phase(phase: 'resume' | 'questions' | 'running' | 'next', notice?: string): void {
    if (!this.#abort.signal.aborted) this.#store.dispatch({type: 'phase', phase, notice});
  }

  pause(_stepId: StepId): Promise<'continue' | 'stop'> {
    if (this.#abort.signal.aborted) return Promise.resolve('stop');
    this.#store.dispatch({type: 'phase', phase: 'paused'});
    return new Promise((resolve) => {
      this.#onPause = (choice) => {
        this.#onPause = undefined;
        resolve(choice);
      };
    });
  }

  failed(stepId: StepId | undefined, message: string): Promise<'retry' | 'quit'> {
    if (this.#abort.signal.aborted) return Promise.resolve('quit');
    this.#store.dispatch({type: 'failure', stepId, message});
    return new Promise((resolve) => {
      this.#onFailed = (choice) => {
        this.#onFailed = undefined;
        resolve(choice);
      };
    });
  }

  complete(model: CompletionModel): void {
    this.#store.dispatch({type: 'complete', completion: model});
  }

  /** A key command from the screen. */
  command(command: Command): void {
    switch (command) {
      case 'next':
        if (this.#onPause) {
          this.#store.dispatch({type: 'phase', phase: 'running'});
          this.#onPause('continue');
        }
        return;
      case 'retry':
        if (this.#onFailed) {
          this.#store.dispatch({type: 'phase', phase: 'running'});
          this.#onFailed('retry');
        }
        return;
      case 'quit':
        this.quit();
        return;
      case 'force-quit':
        this.#onForceQuit();
        return;
      case 'help':
        this.#store.dispatch({type: 'toggle-help'});
        return;
      case 'cycle-pane':
        this.#store.dispatch({type: 'cycle-pane'});
        return;
      default:
        return;
    }
  }

  quit(): void {
    if (this.#abort.signal.aborted) return;
    this.#store.dispatch({type: 'phase', phase: 'quitting', notice: 'Quitting: the step in progress finishes its current call, then everything is saved. Ctrl-C again quits at once.'});
    this.#abort.abort();
  }
}
