/** `mtls-wizard teardown`: removes what the walkthrough made (local files, or AWS resources), keeping the state file. */
import {createBackend} from '../backends/index.js';
import {EventBus} from '../wizard/events.js';
import {Session} from '../wizard/session.js';
import {attachLineRenderer} from '../ui/line-renderer.js';
import {confirmDestructive} from './confirm.js';
import {acquireLock} from '../state/lock.js';
import type {IO} from './io.js';
import {loadExisting} from './open.js';
import type {Options} from './options.js';
import {caSourceOf} from '../wizard/inputs.js';

export async function teardownCommand(o: Options, io: IO): Promise<number> {
  await loadExisting(o.stateDir, 'tear down');
  const lock = await acquireLock(o.stateDir, 'teardown');
  try {
    return await teardownCommandLocked(o, io);
  } finally {
    await lock.release();
  }
}

async function teardownCommandLocked(o: Options, io: IO): Promise<number> {
  const {store, state} = await loadExisting(o.stateDir, 'tear down');
  const awsWhat = caSourceOf(state) === 'pca' ? '(CAs, certificates, API, domain, bucket)' : '(certificate, API, domain, bucket) and its CA and client keys and certificates on this machine';
  const what = state.backend === 'aws' ? `every AWS resource this walkthrough made ${awsWhat}` : 'every key, certificate and truststore version of this walkthrough';
  if (!o.dryRun && !(await confirmDestructive(io, o.yes, `Delete ${what}?`, 'teardown'))) {
    io.stdout('nothing deleted');
    return 1;
  }
  const bus = new EventBus();
  attachLineRenderer(bus, {write: io.stdout, verbose: true});
  const session = new Session({store, state, bus});
  const backend = await createBackend(state.backend, {region: state.inputs.region, profile: state.inputs.profile, dryRun: o.dryRun, yes: o.yes, print: io.stdout});
  await backend.teardown(session.context());
  io.stdout(o.dryRun ? 'dry run: nothing deleted' : `teardown complete; the state in ${store.dir} now records nothing (\`mtls-wizard reset --yes\` deletes it)`);
  return 0;
}
