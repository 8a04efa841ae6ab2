/** `mtls-wizard connect [--json]`: every check again with real curl (starting the local gateway if none runs). */
import {createBackend} from '../backends/index.js';
import {UserError} from '../errors.js';
import {allChecks, runChecks} from '../wizard/checks.js';
import {EventBus} from '../wizard/events.js';
import {DefaultsPrompter} from '../wizard/prompter.js';
import {PassphraseSource} from '../wizard/secrets.js';
import {Session} from '../wizard/session.js';
import {attachLineRenderer} from '../ui/line-renderer.js';
import {acquireLock} from '../state/lock.js';
import type {IO} from './io.js';
import {loadExisting} from './open.js';
import type {Options} from './options.js';

export async function connectCommand(o: Options, io: IO): Promise<number> {
  await loadExisting(o.stateDir, 'connect to');
  const lock = await acquireLock(o.stateDir, 'connect');
  try {
    return await connectCommandLocked(o, io);
  } finally {
    await lock.release();
  }
}

async function connectCommandLocked(o: Options, io: IO): Promise<number> {
  const {store, state} = await loadExisting(o.stateDir, 'connect to');
  if (!state.truststore?.pinnedVersion || Object.values(state.clients).every((c) => !c.certificate)) {
    throw new UserError({what: 'cannot run the connection checks', why: 'mTLS is not set up yet or no client certificate exists', fix: 'run `mtls-wizard run --until client-cert` (or the whole walkthrough) first'});
  }
  const bus = new EventBus();
  if (!o.json) attachLineRenderer(bus, {write: io.stdout, verbose: o.verbose});
  const session = new Session({store, state, bus});
  const ctx = session.context();
  const backend = await createBackend(state.backend, {region: state.inputs.region, profile: state.inputs.profile});
  const secrets = new PassphraseSource({passphraseFile: o.passphraseFile, env: io.env, prompter: new DefaultsPrompter()});
  const endpoint = await backend.openEndpoint(ctx, {checkRevocation: o.checkRevocation});
  let results;
  try {
    results = await runChecks(ctx, secrets, endpoint, allChecks(session.state(), {checkRevocation: o.checkRevocation}));
  } finally {
    await endpoint.close();
  }
  const ok = results.every((r) => r.ok);
  if (o.json) {
    io.stdout(JSON.stringify({ok, url: endpoint.url, results: results.map((r) => ({name: r.name, expected: r.expected, httpStatus: r.httpStatus, ok: r.ok, ...(r.reason ? {reason: r.reason} : {}), command: r.command}))}, null, 2));
  } else {
    io.stdout(ok ? '✓ every check went as expected' : `✗ ${results.filter((r) => !r.ok).length} check(s) did not go as expected`);
    const accepted = results.find((r) => r.expected === 200);
    if (accepted?.command) io.stdout(`try it yourself:\n  ${accepted.command}`);
  }
  return ok ? 0 : 1;
}
