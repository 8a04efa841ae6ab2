/** `mtls-wizard reset`: deletes the state dir (local keys, certificates, state), after asking. */
import {readdir, rm} from 'node:fs/promises';
import {readGatewayPid} from '../backends/local/gateway-pid.js';
import {UserError} from '../errors.js';
import {StateStore, STATE_FILE} from '../state/store.js';
import {LOCAL} from '../backends/local/layout.js';
import {confirmDestructive} from './confirm.js';
import {acquireLock} from '../state/lock.js';
import type {IO} from './io.js';
import type {Options} from './options.js';

const OURS = new Set<string>([STATE_FILE, ...LOCAL.roots, 'state.lock']);

export async function resetCommand(o: Options, io: IO): Promise<number> {
  const store = new StateStore(o.stateDir);
  await store.checkDir();
  let entries: string[];
  try {
    entries = await readdir(store.dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      io.stdout(`nothing to reset: ${store.dir} does not exist`);
      return 0;
    }
    throw error;
  }
  // Temp files of an atomic write or a lock attempt cut short are ours too.
  const foreign = entries.filter((e) => !OURS.has(e) && !e.startsWith('.state.json.') && !e.startsWith('.state.lock.'));
  if (!entries.includes(STATE_FILE) && entries.length > 0) {
    throw new UserError({what: `will not delete ${store.dir}`, why: 'it holds no mtls-wizard state (no state.json)', fix: 'pass --state-dir with the folder of a walkthrough'});
  }
  if (foreign.length > 0) {
    throw new UserError({what: `will not delete ${store.dir}`, why: `it holds files mtls-wizard did not make (${foreign.slice(0, 3).join(', ')})`, fix: 'move them away first'});
  }
  let backend = 'local';
  try {
    backend = (await store.load())?.backend ?? 'local';
  } catch {
    // An unreadable state can still be reset: that is what reset is for.
  }
  const gateway = await readGatewayPid(store.dir);
  const warning = backend === 'aws' ? ' AWS resources are NOT deleted by reset: run `mtls-wizard teardown` first.' : '';
  if (!(await confirmDestructive(io, o.yes, `Delete ${store.dir} with every key, certificate and the state?${warning}`, 'reset'))) {
    io.stdout('nothing deleted');
    return 1;
  }
  // Lock first: while another command holds the dir, reset must change nothing, not even stop the gateway.
  const lock = await acquireLock(store.dir, 'reset');
  if (gateway) {
    try {
      process.kill(gateway.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  }
  await rm(store.dir, {recursive: true, force: true});
  await lock.release();
  io.stdout(`deleted ${store.dir}${warning}`);
  return 0;
}
