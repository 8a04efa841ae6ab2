/**
 * The interactive wizard's flow, shared by the Ink wizard and --plain: the resume offer, the guided
 * questions, the walkthrough with a pause after each step, retry after a failure, and the completion.
 * It knows no React: it asks through the Prompter port and shows things through a FlowView.
 * This module loads the engine (plan, steps, pki, zod); the Ink wizard imports it after its first frame.
 */
import {existsSync} from 'node:fs';
import {rmdir} from 'node:fs/promises';
import path from 'node:path';
import {type AwsBackendOptions, createBackend} from '../backends/index.js';
import {checkAgainstStored} from '../commands/run.js';
import type {IO} from '../commands/io.js';
import type {Options} from '../commands/options.js';
import {CancelledError, describeError} from '../errors.js';
import {newState} from '../state/new-state.js';
import type {State, StepId} from '../state/schema.js';
import {acquireLock} from '../state/lock.js';
import {StateStore} from '../state/store.js';
import type {EventBus, StepInfo} from '../wizard/events.js';
import {buildInputs} from '../wizard/inputs.js';
import {hasProgress, nextStep, planFor, stepInfos} from '../wizard/plan.js';
import type {Prompter} from '../wizard/prompter.js';
import {askInputs} from '../wizard/questions.js';
import {runWalkthrough} from '../wizard/runner.js';
import {PassphraseSource, checkPassphraseSources} from '../wizard/secrets.js';
import {Session} from '../wizard/session.js';
import type {Secrets} from '../wizard/step.js';
import type {Backend} from '../backends/backend.js';
import {buildCompletion} from '../ui/completion-build.js';
import {offerNextActions} from './next-actions.js';
import type {CompletionModel} from '../ui/model/completion.js';

export interface FlowView {
  /** The plan with stored statuses (shown before anything runs). */
  plan(steps: readonly StepInfo[], stateDir: string, backend?: string): void;
  /** The stored state changed (the Resources pane is drawn from it). */
  state(state: State): void;
  /** 'next': the walkthrough is complete and the next-actions menu is open; notice says what the last action did. */
  phase(phase: 'resume' | 'questions' | 'running' | 'next', notice?: string): void;
  /** After a step: resolves 'continue' when the person goes on, 'stop' when they quit. */
  pause(stepId: StepId): Promise<'continue' | 'stop'>;
  /** After a failure: the person retries the step or quits. */
  failed(stepId: StepId | undefined, message: string): Promise<'retry' | 'quit'>;
  complete(model: CompletionModel): void;
}

export interface FlowDeps {
  readonly options: Options;
  readonly io: IO;
  readonly prompter: Prompter;
  readonly bus: EventBus;
  /** Aborted when the person quits: prompts reject, the runner stops after the current step. */
  readonly signal: AbortSignal;
  readonly view: FlowView;
}

export interface FlowResult {
  readonly outcome: 'complete' | 'stopped' | 'quit' | 'failed';
  readonly exitCode: number;
  /** What to print once the live screen is gone. */
  readonly message: readonly string[];
  readonly completion?: CompletionModel;
}

const numbered = (state: State, id: StepId | undefined) => {
  const info = stepInfos(state);
  const step = info.find((s) => s.id === id);
  if (!step) return id ?? '';
  return `${step.part}${info.filter((s) => s.part === step.part).indexOf(step) + 1} ${step.title}`;
};

function awsOptions(d: FlowDeps, state?: State): AwsBackendOptions {
  const choices = d.options.choices;
  // While the wizard owns the screen, anything a backend prints goes to the Activity pane.
  const print = (line: string) => d.bus.emit({type: 'log', level: 'info', message: line});
  return {region: state?.inputs.region ?? choices.region, profile: state?.inputs.profile ?? choices.profile, prompter: d.prompter, print};
}

function rerunCommand(o: Options): string {
  return path.resolve(o.stateDir) === path.resolve('mtls-wizard') ? 'mtls-wizard' : `mtls-wizard --state-dir ${o.stateDir}`;
}

/** Offers to continue or start over when the state dir holds a started walkthrough; undefined: start a new one. */
async function chooseStart(d: FlowDeps, store: StateStore): Promise<State | undefined> {
  const state = await store.load();
  if (!state) return undefined;
  d.view.plan(stepInfos(state), store.dir, state.backend);
  d.view.state(state);
  if (!hasProgress(state)) {
    checkAgainstStored(d.options, state);
    return state;
  }
  const next = nextStep(state);
  const done = stepInfos(state).filter((s) => s.status === 'done' || s.status === 'skipped').length;
  const total = stepInfos(state).length;
  const failed = next && state.steps[next.id]?.status === 'failed' ? ` (it failed: ${state.steps[next.id]?.error ?? 'unknown error'})` : '';
  const message = next
    ? `This folder holds a walkthrough on the ${state.backend} backend: ${done} of ${total} steps done; it stopped at ${numbered(state, next.id)}${failed}.`
    : `This folder holds a complete walkthrough on the ${state.backend} backend (${total} of ${total} steps done).`;
  for (;;) {
    d.view.phase('resume');
    const choice = await d.prompter.select({
      id: 'resume',
      message,
      choices: [
        next
          ? {value: 'continue', label: `Continue at ${numbered(state, next.id)}`, hint: 'nothing done so far is done again'}
          : {value: 'continue', label: 'Show the summary and the curl commands', hint: 'changes nothing'},
        {value: 'start-over', label: 'Start over', hint: 'remove what this walkthrough made, then ask the questions again'},
      ],
      default: 'continue',
    });
    if (choice === 'continue') {
      checkAgainstStored(d.options, state);
      return state;
    }
    const sure = await d.prompter.confirm({
      id: 'start-over',
      message: `Remove everything walkthrough ${state.walkthroughId} made (${state.backend === 'aws' ? 'AWS resources' : 'keys, certificates, truststore versions'}) and start a new one?`,
      default: false,
    });
    if (!sure) continue;
    const backend = await createBackend(state.backend, awsOptions(d, state));
    const session = new Session({store, state, bus: d.bus, signal: d.signal});
    await backend.teardown(session.context());
    return undefined;
  }
}

async function startNew(d: FlowDeps, store: StateStore): Promise<State> {
  d.view.plan(stepInfos(undefined), store.dir, d.options.backend);
  d.view.phase('questions');
  const answers = await askInputs(d.prompter, {backend: d.options.backend, choices: d.options.choices});
  let state = newState(answers.backend, buildInputs(answers.choices));
  if (answers.costConfirmed) state = {...state, aws: {costConfirmedAt: new Date().toISOString()}};
  await store.save(state);
  d.view.plan(stepInfos(state), store.dir, state.backend);
  d.view.state(state);
  return state;
}

/** The menu after the walkthrough; quitting it (q, Ctrl-C) just ends it: the completion still follows. */
async function nextActions(d: FlowDeps, session: Session, backend: Backend, secrets: Secrets): Promise<void> {
  d.view.phase('next');
  try {
    await offerNextActions({session, backend, prompter: d.prompter, secrets}, (notice) => d.view.phase('next', notice));
  } catch (error) {
    if (!(error instanceof CancelledError) && !d.signal.aborted) throw error;
  }
}

export async function runWizardFlow(d: FlowDeps): Promise<FlowResult> {
  const store = new StateStore(d.options.stateDir);
  await store.checkDir();
  await checkPassphraseSources(d.options.passphraseFile, d.io.env);
  const existed = existsSync(store.dir);
  // One writer per state dir, for the whole session (questions included): a second wizard or a `run` waits its turn.
  const lock = await acquireLock(store.dir, 'wizard');
  try {
    return await runLocked(d, store);
  } finally {
    await lock.release();
    // Quit during the first questions: nothing was made, so leave no empty folder behind either.
    if (!existed) await rmdir(store.dir).catch(() => undefined);
  }
}

async function runLocked(d: FlowDeps, store: StateStore): Promise<FlowResult> {
  const {options: o, view, signal} = d;
  const quit = (state: State | undefined): FlowResult => {
    if (!state) return {outcome: 'quit', exitCode: 0, message: ['Stopped before anything was made.']};
    const next = state && nextStep(state);
    const where = next ? ` to continue at ${numbered(state, next.id)}` : '';
    return {outcome: 'quit', exitCode: 0, message: [`Stopped. Everything done so far is saved in ${store.dir}.`, `Run \`${rerunCommand(o)}\`${where}.`]};
  };
  let state: State | undefined;
  try {
    state = (await chooseStart(d, store)) ?? (await startNew(d, store));
  } catch (error) {
    if (error instanceof CancelledError || signal.aborted) return quit(state ?? (await store.load().catch(() => undefined)));
    throw error;
  }

  const backend = await createBackend(state.backend, awsOptions(d, state));
  const session = new Session({store, state, bus: d.bus, signal});
  const unsubscribe = d.bus.on(() => view.state(session.state()));
  const secrets = new PassphraseSource({passphraseFile: o.passphraseFile, env: d.io.env, prompter: d.prompter});
  const last = planFor(state).at(-1)?.id;
  // No pause after the last step (the completion follows) nor after --until's step (the run ends there).
  const afterStep = async (id: StepId) => (signal.aborted ? 'stop' : id === last || id === o.until ? 'continue' : view.pause(id));
  try {
    for (;;) {
      view.phase('running');
      const outcome = await runWalkthrough({session, backend, prompter: d.prompter, secrets, until: o.until, afterStep});
      if (signal.aborted || outcome.error instanceof CancelledError) return quit(session.state());
      if (outcome.ok && outcome.stoppedAfter && outcome.stoppedAfter !== o.until) return quit(session.state());
      if (outcome.ok && outcome.stoppedAfter) {
        return {outcome: 'stopped', exitCode: 0, message: [`Stopped after ${numbered(session.state(), outcome.stoppedAfter)} (--until).`, `Run \`${rerunCommand(o)}\` to continue.`]};
      }
      if (outcome.ok) {
        await nextActions(d, session, backend, secrets);
        const completion = buildCompletion(session.state(), store.dir, {passphraseFile: o.passphraseFile});
        view.complete(completion);
        return {outcome: 'complete', exitCode: 0, message: [], completion};
      }
      const message = describeError(outcome.error);
      if ((await view.failed(outcome.failedStep, message)) === 'quit' || signal.aborted) {
        return {
          outcome: 'failed',
          exitCode: 1,
          message: [`✗ ${numbered(session.state(), outcome.failedStep)} failed: ${message}`, `Fix the cause, then run \`${rerunCommand(o)}\`: it continues from there.`],
        };
      }
    }
  } finally {
    unsubscribe();
  }
}
