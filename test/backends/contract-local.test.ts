/** The backend contract on the real local backend, in a temp state dir. */
import {mkdtemp, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {LocalBackend} from '../../source/backends/local/index.js';
import {newState} from '../../source/state/new-state.js';
import {StateStore} from '../../source/state/store.js';
import {EventBus} from '../../source/wizard/events.js';
import {buildInputs, defaultChoices} from '../../source/wizard/inputs.js';
import {Session} from '../../source/wizard/session.js';
import {freePort} from '../helpers/wait.js';
import {backendContract} from './contract.js';

backendContract('local', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mtls-contract-local-'));
  const store = new StateStore(dir);
  const state = newState('local', buildInputs({...defaultChoices(), port: await freePort()}));
  await store.save(state);
  const session = new Session({store, state, bus: new EventBus()});
  return {
    backend: new LocalBackend(),
    stateDir: dir,
    context: (stepId) => session.context(stepId),
    state: () => session.state(),
    cleanup: () => rm(dir, {recursive: true, force: true}),
  };
});
