/**
 * Runs the real AWS backend against the fake AWS: a state dir in a temp folder, a Session over it, and
 * the real runner. `restart()` is a new process: state read back from disk, a new Session and backend.
 */
import {mkdtemp, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type {Backend} from '../../source/backends/backend.js';
import {createAwsBackend, type AwsDeps} from '../../source/backends/aws/index.js';
import type {AwsBackendOptions} from '../../source/backends/index.js';
import type {AwsTiming} from '../../source/backends/aws/wait.js';
import type {State, StepId} from '../../source/state/schema.js';
import {newState} from '../../source/state/new-state.js';
import {StateStore} from '../../source/state/store.js';
import {EventBus, type RunnerEvent} from '../../source/wizard/events.js';
import {type InputChoices, buildInputs, defaultChoices} from '../../source/wizard/inputs.js';
import {DefaultsPrompter, type Prompter} from '../../source/wizard/prompter.js';
import {type RunOutcome, runWalkthrough} from '../../source/wizard/runner.js';
import {PassphraseSource} from '../../source/wizard/secrets.js';
import {Session} from '../../source/wizard/session.js';
import {FakeAws} from './fake/index.js';

export const PASSPHRASE = 'test-passphrase-1234';

/** No real sleeping: every poll is instant, and the sleeps are counted. */
export function fastTiming(sleeps: number[] = []): Partial<AwsTiming> {
  return {
    pollFirstDelayMs: 10,
    pollGrowth: 0.5,
    pollMaxDelayMs: 40,
    maxWaitMs: {validationRecord: 1_000, validation: 1_000, domain: 1_000, issued: 1_000, retry: 1_000},
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
  };
}

export interface AwsHarness {
  readonly fake: FakeAws;
  readonly dir: string;
  readonly events: RunnerEvent[];
  readonly sleeps: number[];
  session: Session;
  backend: Backend;
  state(): State;
  run(until?: StepId): Promise<RunOutcome>;
  /** A new process on the same state dir: reloads state, new session and backend. */
  restart(options?: Partial<AwsBackendOptions>): Promise<void>;
  cleanup(): Promise<void>;
}

export async function awsHarness(o: {choices?: Partial<InputChoices>; options?: Partial<AwsBackendOptions>; deps?: AwsDeps; fake?: FakeAws; prompter?: Prompter} = {}): Promise<AwsHarness> {
  const fake = o.fake ?? new FakeAws().install();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mtls-aws-test-'));
  const store = new StateStore(dir);
  await store.save(newState('aws', buildInputs({...defaultChoices(), ...o.choices})));
  const events: RunnerEvent[] = [];
  const sleeps: number[] = [];
  const prompter = o.prompter ?? new DefaultsPrompter();
  const make = async (options: Partial<AwsBackendOptions> = {}) => {
    const state = (await store.load())!;
    const bus = new EventBus();
    bus.on((e) => events.push(e));
    const session = new Session({store, state, bus});
    const backend = await createAwsBackend({yes: true, prompter, ...o.options, ...options}, {timing: fastTiming(sleeps), checkCurl: async () => {}, ...o.deps});
    return {session, backend};
  };
  let current = await make();
  const h: AwsHarness = {
    fake,
    dir,
    events,
    sleeps,
    get session() {
      return current.session;
    },
    get backend() {
      return current.backend;
    },
    state: () => current.session.state(),
    run: (until) => {
      const secrets = new PassphraseSource({env: {MTLS_WIZARD_PASSPHRASE: PASSPHRASE}, prompter});
      return runWalkthrough({session: current.session, backend: current.backend, prompter, secrets, until});
    },
    restart: async (options) => {
      current = await make(options);
    },
    cleanup: () => rm(dir, {recursive: true, force: true}),
  };
  return h;
}

/** Marks a step done without running it (the connect steps run real curl against the real domain). */
export async function markDone(h: AwsHarness, step: StepId): Promise<void> {
  await h.session.update((d) => {
    d.steps[step] = {status: 'done'};
  });
}
