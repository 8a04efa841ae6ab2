/**
 * Typed events the runner emits. The Ink app and the line renderer are two consumers of the same stream;
 * nothing here knows how they are shown. Events never carry a secret.
 */
import type {StepId, StepStatus} from '../state/schema.js';

export interface StepInfo {
  readonly id: StepId;
  readonly part: 'A' | 'B';
  readonly title: string;
  readonly why: string;
  readonly status: StepStatus;
}

export type RunnerEvent =
  /** The run begins; `steps` is the whole plan with stored statuses; `resumeFrom` when work was already done. */
  | {readonly type: 'run-started'; readonly steps: readonly StepInfo[]; readonly resumeFrom?: StepId; readonly stateDir: string; readonly backend: string}
  | {readonly type: 'step-started'; readonly stepId: StepId; readonly title: string; readonly why: string; readonly at: number}
  /** Something the step did or found, for the activity pane. */
  | {readonly type: 'log'; readonly stepId?: StepId; readonly level: 'info' | 'warn' | 'error'; readonly message: string; /** Detail (e.g. curl -v lines): the activity pane shows it, line output only when verbose. */ readonly detail?: boolean}
  /** A backend call or external command finished, with how long it took. */
  | {readonly type: 'call'; readonly stepId?: StepId; readonly name: string; readonly detail?: string; readonly durationMs: number; readonly ok: boolean; /** A poll that answered "not ready yet", as expected while waiting. */ readonly notReady?: boolean}
  /** The step waits on something outside (certificate validation, domain update). */
  | {readonly type: 'waiting'; readonly stepId?: StepId; readonly message: string}
  /** Outputs become known (names, file paths, ARNs, truststore version). */
  | {readonly type: 'output'; readonly stepId: StepId; readonly key: string; readonly value: string}
  | {readonly type: 'step-done'; readonly stepId: StepId; readonly durationMs: number; readonly outputs: Readonly<Record<string, string>>; readonly reused: boolean}
  | {readonly type: 'step-skipped'; readonly stepId: StepId; readonly reason: string}
  | {readonly type: 'step-failed'; readonly stepId: StepId; readonly message: string}
  /** A step needs an answer; the Prompter port asks it. */
  | {readonly type: 'needs-input'; readonly stepId?: StepId; readonly question: string}
  /** A curl check ran. */
  | {readonly type: 'check'; readonly stepId: StepId; readonly name: string; readonly expected: number; readonly httpStatus: number; readonly ok: boolean; readonly command: string; readonly reason?: string}
  /** The local gateway handled a request. */
  | {readonly type: 'gateway-request'; readonly at: number; readonly subject?: string; readonly accepted: boolean; readonly status: number; readonly reason?: string; readonly path: string}
  | {readonly type: 'run-finished'; readonly ok: boolean; readonly stoppedAfter?: StepId; readonly failedStep?: StepId};

export type EventListener = (event: RunnerEvent) => void;

/** A tiny typed emitter: synchronous, in order, and a throwing listener never breaks the run. */
export class EventBus {
  readonly #listeners = new Set<EventListener>();

  on(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(event: RunnerEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // A renderer bug must not stop the walkthrough.
      }
    }
  }
}
