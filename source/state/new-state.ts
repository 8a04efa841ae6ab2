/** A fresh state for a new walkthrough. */
import {randomBytes} from 'node:crypto';
import {type Inputs, type State, STATE_VERSION, STEP_IDS, LESSON_STEP_IDS} from './schema.js';

export function newWalkthroughId(): string {
  return `mw-${randomBytes(5).toString('hex')}`;
}

export function newState(backend: 'local' | 'aws', inputs: Inputs, now = new Date()): State {
  // The CA source is an aws choice: on the local backend the CAs are always local, and nothing is stored.
  if (backend === 'local' && inputs.caSource) {
    inputs = {...inputs};
    delete inputs.caSource;
  }
  return {
    version: STATE_VERSION,
    walkthroughId: newWalkthroughId(),
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    backend,
    inputs,
    steps: Object.fromEntries([...STEP_IDS, ...(inputs.lessons ? LESSON_STEP_IDS : [])].map((id) => [id, {status: 'pending' as const}])),
    cas: {},
    clients: {},
    checks: {},
  };
}
