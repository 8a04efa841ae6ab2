/**
 * Runs the plan from the first unfinished step. Every transition (running, done, failed) is persisted
 * before the next thing happens, and announced as an event. A step that was `running` when the process
 * died is simply run again: steps are idempotent and reuse what exists.
 */
import type {Backend} from '../backends/backend.js';
import {CancelledError, describeError} from '../errors.js';
import type {State, StepId} from '../state/schema.js';
import {planFor, stepInfos} from './plan.js';
import type {Prompter} from './prompter.js';
import type {Session} from './session.js';
import type {RunnerEvent} from './events.js';
import type {Secrets, StepContext} from './step.js';

export interface RunOptions {
  readonly session: Session;
  readonly backend: Backend;
  readonly prompter: Prompter;
  readonly secrets: Secrets;
  /** Stop after this step. */
  readonly until?: StepId;
  /** Called after each step that ran; 'stop' ends the run there (the person quit). */
  readonly afterStep?: (stepId: StepId) => Promise<'continue' | 'stop'>;
}

export interface RunOutcome {
  readonly ok: boolean;
  readonly state: State;
  readonly failedStep?: StepId;
  readonly stoppedAfter?: StepId;
  readonly error?: unknown;
}

const finished = (state: State, id: StepId) => ['done', 'skipped'].includes(state.steps[id]?.status ?? 'pending');

export async function runWalkthrough(o: RunOptions): Promise<RunOutcome> {
  const {session, backend} = o;
  const plan = planFor(session.state());
  const started = plan.some((s) => finished(session.state(), s.id));
  const resumeFrom = started ? plan.find((s) => !finished(session.state(), s.id))?.id : undefined;
  session.emit({type: 'run-started', steps: stepInfos(session.state()), resumeFrom, stateDir: session.stateDir, backend: backend.kind});

  let preflightDone = false;
  // Headless (no pause between steps), a finished step's 'done' goes to disk in the same write as the next
  // step's 'running': one state write fewer per step. Nothing is lost if the process dies before that write:
  // the step is then still 'running' on disk, and running it again reuses what it made (steps are idempotent,
  // and each one saved its own records before it returned). With afterStep (the wizard pauses after each
  // step) every transition is written on its own.
  let finishedStep: Finished | undefined;
  const flush = async () => {
    if (!finishedStep) return;
    const done = finishedStep;
    finishedStep = undefined;
    await session.update((draft) => {
      draft.steps[done.id] = done.record;
    });
    session.emit(done.event);
  };
  for (const step of plan) {
    if (session.signal.aborted) {
      await flush();
      return stopped(o, undefined);
    }
    if (finished(session.state(), step.id)) {
      await flush();
      if (o.until === step.id) return stopped(o, step.id);
      continue;
    }
    if (!preflightDone) {
      try {
        await backend.preflight(session.context(step.id));
      } catch (error) {
        await flush();
        return fail(o, step.id, error);
      }
      preflightDone = true;
    }
    const startedAt = session.now();
    const previousDone = finishedStep;
    finishedStep = undefined;
    await session.update((draft) => {
      if (previousDone) draft.steps[previousDone.id] = previousDone.record;
      const previous = draft.steps[step.id];
      draft.steps[step.id] = {status: 'running', startedAt: startedAt.toISOString(), ...(previous?.outputs ? {outputs: previous.outputs} : {})};
    });
    if (previousDone) session.emit(previousDone.event);
    session.emit({type: 'step-started', stepId: step.id, title: step.title, why: step.why, at: startedAt.getTime()});

    const outputs: Record<string, string> = {};
    const unsubscribe = session.bus.on((event) => {
      if (event.type === 'output' && event.stepId === step.id) outputs[event.key] = event.value;
    });
    const ctx: StepContext = {...session.context(step.id), stepId: step.id, backend, prompter: o.prompter, secrets: o.secrets};
    let result: Awaited<ReturnType<typeof step.run>>;
    try {
      result = await step.run(ctx);
    } catch (error) {
      unsubscribe();
      return fail(o, step.id, error);
    }
    unsubscribe();
    const finishedAt = session.now();
    const durationMs = finishedAt.getTime() - startedAt.getTime();
    finishedStep = {
      id: step.id,
      record: {status: 'done', startedAt: startedAt.toISOString(), finishedAt: finishedAt.toISOString(), durationMs, outputs},
      event: {type: 'step-done', stepId: step.id, durationMs, outputs, reused: Boolean(result && result.reused)},
    };
    if (o.until === step.id || o.afterStep) await flush();
    if (o.until === step.id) return stopped(o, step.id);
    if (o.afterStep && (await o.afterStep(step.id)) === 'stop') return stopped(o, step.id);
  }
  await flush();
  session.emit({type: 'run-finished', ok: true});
  return {ok: true, state: session.state()};
}

interface Finished {
  readonly id: StepId;
  readonly record: State['steps'][StepId];
  readonly event: RunnerEvent;
}

function stopped(o: RunOptions, stepId: StepId | undefined): RunOutcome {
  o.session.emit({type: 'run-finished', ok: true, stoppedAfter: stepId});
  return {ok: true, state: o.session.state(), stoppedAfter: stepId};
}

async function fail(o: RunOptions, stepId: StepId, error: unknown): Promise<RunOutcome> {
  const {session} = o;
  const cancelled = error instanceof CancelledError || session.signal.aborted;
  const message = cancelled ? 'stopped by the user' : describeError(error);
  await session.update((draft) => {
    const previous = draft.steps[stepId];
    draft.steps[stepId] = cancelled
      ? {status: 'pending', ...(previous?.outputs ? {outputs: previous.outputs} : {})}
      : {...previous, status: 'failed', finishedAt: session.now().toISOString(), error: message};
  });
  if (!cancelled) session.emit({type: 'step-failed', stepId, message});
  session.emit({type: 'run-finished', ok: false, failedStep: stepId});
  return {ok: false, state: session.state(), failedStep: stepId, error};
}
