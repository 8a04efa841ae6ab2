/**
 * A session: the state of one state dir in memory, its store, and the event bus. It hands out the
 * BackendContext that steps and commands use; every update is persisted before it returns.
 */
import type {BackendContext} from '../backends/backend.js';
import type {State, StepId} from '../state/schema.js';
import type {StateStore} from '../state/store.js';
import type {EventBus, RunnerEvent} from './events.js';

export class Session {
  readonly store: StateStore;
  readonly bus: EventBus;
  readonly signal: AbortSignal;
  readonly now: () => Date;
  #state: State;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(o: {store: StateStore; state: State; bus: EventBus; signal?: AbortSignal; now?: () => Date}) {
    this.store = o.store;
    this.#state = o.state;
    this.bus = o.bus;
    this.signal = o.signal ?? new AbortController().signal;
    this.now = o.now ?? (() => new Date());
  }

  get stateDir(): string {
    return this.store.dir;
  }

  state(): State {
    return this.#state;
  }

  /** Applies mutate to a copy, persists it atomically, then makes it current. Updates run one at a time. */
  update(mutate: (draft: State) => void): Promise<State> {
    const run = async () => {
      const draft = structuredClone(this.#state);
      mutate(draft);
      draft.updatedAt = this.now().toISOString();
      await this.store.save(draft);
      this.#state = draft;
      return draft;
    };
    const next = this.#queue.then(run, run);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  emit(event: RunnerEvent): void {
    this.bus.emit(event);
  }

  context(stepId?: StepId): BackendContext {
    const emit = (event: RunnerEvent) => this.bus.emit(event);
    return {
      stepId,
      stateDir: this.stateDir,
      state: () => this.state(),
      update: (mutate) => this.update(mutate),
      log: (message, level = 'info', options) => emit({type: 'log', stepId, level, message, ...(options?.detail ? {detail: true} : {})}),
      call: async (name, detail, fn) => {
        const started = performance.now();
        try {
          const value = await fn();
          emit({type: 'call', stepId, name, detail, durationMs: performance.now() - started, ok: true});
          return value;
        } catch (error) {
          emit({type: 'call', stepId, name, detail, durationMs: performance.now() - started, ok: false});
          throw error;
        }
      },
      waiting: (message) => emit({type: 'waiting', stepId, message}),
      output: (key, value) => {
        if (stepId) emit({type: 'output', stepId, key, value});
      },
      emit,
      signal: this.signal,
      now: this.now,
    };
  }
}
