/** Shared by commands: load the state of a state dir, or say clearly that there is none. */
import {UserError} from '../errors.js';
import type {State} from '../state/schema.js';
import {StateStore} from '../state/store.js';

export async function loadExisting(stateDir: string, command: string): Promise<{store: StateStore; state: State}> {
  const store = new StateStore(stateDir);
  const state = await store.load();
  if (!state) {
    throw new UserError({
      what: `nothing to ${command} in ${store.dir}`,
      why: 'there is no walkthrough there (no state.json)',
      fix: 'run `mtls-wizard run` first, or pass --state-dir with the folder of an existing walkthrough',
    });
  }
  return {store, state};
}
