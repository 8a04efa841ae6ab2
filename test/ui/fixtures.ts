/** Real walkthroughs for the UI tests: the real local backend in a temp dir, answered with defaults. */
import {mkdtemp, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {LocalBackend} from '../../source/backends/local/index.js';
import {newState} from '../../source/state/new-state.js';
import type {State, StepId} from '../../source/state/schema.js';
import {StateStore} from '../../source/state/store.js';
import {EventBus, type RunnerEvent} from '../../source/wizard/events.js';
import {buildInputs, defaultChoices} from '../../source/wizard/inputs.js';
import {DefaultsPrompter} from '../../source/wizard/prompter.js';
import {runWalkthrough} from '../../source/wizard/runner.js';
import {PassphraseSource} from '../../source/wizard/secrets.js';
import {Session} from '../../source/wizard/session.js';
import {freePort} from '../helpers/wait.js';

export interface Walkthrough {
  readonly dir: string;
  readonly state: State;
  readonly events: RunnerEvent[];
  remove(): Promise<void>;
}

/** Runs the walkthrough (up to `until`) on the local backend, headless; the gateway gets a free port. */
export async function realWalkthrough(until?: StepId): Promise<Walkthrough> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mtls-wizard-ui-'));
  const choices = {...defaultChoices(), port: await freePort()};
  const store = new StateStore(dir);
  const state = newState('local', buildInputs(choices));
  await store.save(state);
  const bus = new EventBus();
  const events: RunnerEvent[] = [];
  bus.on((e) => events.push(e));
  const session = new Session({store, state, bus});
  const prompter = new DefaultsPrompter();
  const outcome = await runWalkthrough({session, backend: new LocalBackend(), prompter, secrets: new PassphraseSource({env: {}, prompter}), until});
  if (!outcome.ok) throw new Error(`the fixture walkthrough failed at ${outcome.failedStep}: ${String(outcome.error)}`);
  return {dir, state: session.state(), events, remove: () => rm(dir, {recursive: true, force: true})};
}
