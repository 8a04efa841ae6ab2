/**
 * `mtls-wizard truststore add FILE` and `truststore remove CA [--yes]`: thin wrappers over
 * lifecycle/truststore-change.ts, holding the state lock, with line or --json output.
 */
import {createBackend} from '../backends/index.js';
import {UsageError} from '../errors.js';
import {addPartnerChain, removalQuestion, retireCa} from '../lifecycle/truststore-change.js';
import {acquireLock} from '../state/lock.js';
import {EventBus} from '../wizard/events.js';
import {DefaultsPrompter} from '../wizard/prompter.js';
import {Session} from '../wizard/session.js';
import {confirmDestructive} from './confirm.js';
import type {IO} from './io.js';
import {loadExisting} from './open.js';
import type {Options} from './options.js';

async function withSession<T>(o: Options, io: IO, command: string, fn: (s: {session: Session; backend: Awaited<ReturnType<typeof createBackend>>}) => Promise<T>): Promise<T> {
  await loadExisting(o.stateDir, 'change');
  const lock = await acquireLock(o.stateDir, command);
  try {
    // Read again under the lock: another command may have changed it meanwhile.
    const {store, state} = await loadExisting(o.stateDir, 'change');
    if (o.backend && o.backend !== state.backend) {
      throw new UsageError({what: `--backend ${o.backend} does not match ${store.dir}`, why: `its walkthrough runs on the ${state.backend} backend`, fix: 'drop --backend', field: 'backend'});
    }
    const bus = new EventBus();
    if (!o.json) {
      bus.on((e) => {
        if (e.type === 'log' && (!e.detail || o.verbose)) io.stdout(`${e.level === 'warn' ? '! ' : e.level === 'error' ? '✗ ' : ''}${e.message}`);
        if (e.type === 'waiting') io.stdout(`… ${e.message}`);
        if (e.type === 'call' && (o.verbose || !e.ok)) io.stdout(`· ${e.name}${e.detail ? ` (${e.detail})` : ''}: ${e.ok ? 'ok' : 'failed'}`);
      });
    }
    const session = new Session({store, state, bus});
    const print = o.json ? io.stderr : io.stdout;
    const backend = await createBackend(state.backend, {region: state.inputs.region, profile: state.inputs.profile, yes: o.yes, prompter: new DefaultsPrompter(), print});
    return await fn({session, backend});
  } finally {
    await lock.release();
  }
}

export async function truststoreAddCommand(file: string, o: Options, io: IO): Promise<number> {
  const result = await withSession(o, io, 'truststore add', ({session, backend}) => addPartnerChain(session.context(), backend, file));
  if (o.json) {
    io.stdout(JSON.stringify({ok: true, ...result}, null, 2));
    return 0;
  }
  if (result.added.length === 0) {
    io.stdout(`✓ nothing to add: ${result.alreadyPresent.map((c) => c.name).join(', ')} already in the truststore (version ${result.version})`);
  } else {
    io.stdout(`✓ added ${result.added.map((c) => c.name).join(', ')} to ${result.uri}; pinned version ${result.version} (was ${result.previousVersion})`);
    if (result.alreadyPresent.length > 0) io.stdout(`  already there, not added again: ${result.alreadyPresent.map((c) => `${c.name} (${c.subject})`).join(', ')}`);
  }
  return 0;
}

export async function truststoreRemoveCommand(ca: string, o: Options, io: IO): Promise<number> {
  const result = await withSession(o, io, 'truststore remove', ({session, backend}) =>
    retireCa(session.context(), backend, ca, (plan) => confirmDestructive(io, o.yes, removalQuestion(plan), `truststore remove ${ca}`)),
  );
  if (o.json) {
    io.stdout(JSON.stringify({ok: result.confirmed, ...result}, null, 2));
    return result.confirmed ? 0 : 1;
  }
  if (!result.confirmed) {
    io.stdout('nothing changed');
    return 1;
  }
  if (result.removed.length === 0) {
    io.stdout(`✓ ${ca} is not in the truststore (version ${result.version}): nothing to remove`);
    return 0;
  }
  io.stdout(`✓ removed ${result.removed.map((r) => r.name).join(', ')} from ${result.uri}; pinned version ${result.version} (was ${result.previousVersion})`);
  if (result.untrustedClients.length > 0) io.stdout(`  no longer trusted (they get 403): ${result.untrustedClients.join(', ')}`);
  return 0;
}
