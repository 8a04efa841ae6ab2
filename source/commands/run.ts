/** `mtls-wizard run`: the walkthrough, headless, with line output. */
import {type AwsBackendOptions, createBackend} from '../backends/index.js';
import {UsageError} from '../errors.js';
import type {Inputs, State} from '../state/schema.js';
import {newState} from '../state/new-state.js';
import {StateStore} from '../state/store.js';
import {acquireLock} from '../state/lock.js';
import type {Backend} from '../backends/backend.js';
import {attachLineRenderer} from '../ui/line-renderer.js';
import {EventBus} from '../wizard/events.js';
import {buildInputs, caSourceOf} from '../wizard/inputs.js';
import {DefaultsPrompter, type Prompter} from '../wizard/prompter.js';
import {runWalkthrough} from '../wizard/runner.js';
import {PassphraseSource, checkPassphraseSources} from '../wizard/secrets.js';
import {Session} from '../wizard/session.js';
import type {IO} from './io.js';
import {type Options, checkCaSource} from './options.js';

/** Refuses flags that contradict the walkthrough already stored (changing them needs a reset). */
export function checkAgainstStored(o: Options, state: State): void {
  if (o.backend && o.backend !== state.backend) {
    throw new UsageError({what: `cannot switch ${o.stateDir} to the ${o.backend} backend`, why: `its walkthrough runs on the ${state.backend} backend`, fix: `run \`mtls-wizard teardown\` and \`mtls-wizard reset --yes\` first, or pick another --state-dir`, field: 'backend'});
  }
  const wanted = buildInputs(o.choices);
  const compare: [string, keyof Inputs][] = [['keyAlgorithm', 'keyAlgorithm'], ['domain', 'domain'], ['resourcePath', 'resourcePath'], ['prefix', 'prefix'], ['port', 'port']];
  for (const [given, key] of compare) {
    if (o.given.has(given) && JSON.stringify(wanted[key]) !== JSON.stringify(state.inputs[key])) {
      throw new UsageError({what: `cannot change ${given} of the walkthrough in ${o.stateDir}`, why: `it was started with ${JSON.stringify(state.inputs[key])}`, fix: 'drop the flag to continue it, or run `mtls-wizard reset --yes` to start over', field: given});
    }
  }
  const stored = caSourceOf(state);
  if (o.given.has('caSource') && o.choices.caSource !== stored) {
    throw new UsageError({
      what: `cannot switch the walkthrough in ${o.stateDir} to --ca-source ${o.choices.caSource}`,
      why: `its CAs are ${stored === 'pca' ? 'in AWS Private CA' : 'made on this machine'} (--ca-source ${stored}), and a hierarchy cannot move`,
      fix: 'drop --ca-source (and MTLS_WIZARD_CA_SOURCE) to continue it, or run `mtls-wizard teardown` and `mtls-wizard reset --yes` to start over',
      field: 'ca-source',
    });
  }
}

export interface RunDeps {
  readonly prompter?: Prompter;
  readonly signal?: AbortSignal;
}

export async function runCommand(o: Options, io: IO, deps: RunDeps = {}): Promise<number> {
  const store = new StateStore(o.stateDir);
  let state = await store.load();
  if (state) checkAgainstStored(o, state);
  const backendKind = state?.backend ?? o.backend ?? 'local';
  if (!state) checkCaSource(backendKind, o.choices);
  if (o.dryRun && backendKind === 'aws') {
    // No credentials, no network, no files: only the plan of calls and what it costs.
    const {printDryRun} = await import('../backends/aws/dry-run.js');
    await printDryRun(state ?? newState('aws', buildInputs(o.choices)), io.stdout);
    return 0;
  }
  if (o.dryRun) {
    throw new UsageError({what: '--dry-run applies to the aws backend', why: 'the local backend costs nothing and changes nothing outside the state dir', fix: 'drop --dry-run, or add --backend aws', field: 'dry-run'});
  }
  await checkPassphraseSources(o.passphraseFile, io.env);
  const prompter = deps.prompter ?? new DefaultsPrompter();
  const awsOptions: AwsBackendOptions = {region: o.choices.region, profile: o.choices.profile, dryRun: o.dryRun, yes: o.yes, prompter, print: io.stdout};
  const backend = await createBackend(backendKind, awsOptions);
  const lock = await acquireLock(store.dir, 'run');
  // Ctrl-C: every transition is already on disk and steps are idempotent, so stopping at once loses nothing.
  const onSignal = () => {
    io.stderr('\nstopped; state is saved: run the same command again to continue');
    void lock.release().finally(() => process.exit(130));
  };
  if (!deps.signal) process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  try {
    // Read again under the lock: another run may have finished in between.
    state = (await store.load()) ?? state;
    if (!state) {
      state = newState(backendKind, buildInputs(o.choices));
      await store.save(state);
    }
    return await runLocked(o, io, deps, {store, state, backend, prompter});
  } finally {
    process.removeListener('SIGINT', onSignal).removeListener('SIGTERM', onSignal);
    await lock.release();
  }
}

async function runLocked(o: Options, io: IO, deps: RunDeps, c: {store: StateStore; state: State; backend: Backend; prompter: Prompter}): Promise<number> {
  const {store, state, backend, prompter} = c;
  const bus = new EventBus();
  attachLineRenderer(bus, {write: io.stdout, verbose: o.verbose});
  const session = new Session({store, state, bus, signal: deps.signal});
  const secrets = new PassphraseSource({passphraseFile: o.passphraseFile, env: io.env, prompter});
  const outcome = await runWalkthrough({session, backend, prompter, secrets, until: o.until});
  return outcome.ok ? 0 : 1;
}
