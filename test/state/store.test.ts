import {readFile, readdir, stat, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {UserError} from '../../source/errors.js';
import {newState} from '../../source/state/new-state.js';
import {StateStore} from '../../source/state/store.js';
import {buildInputs, defaultChoices} from '../../source/wizard/inputs.js';
import {tempDir} from '../helpers/temp.js';

const fresh = () => newState('local', buildInputs(defaultChoices()), new Date('2026-01-01T00:00:00Z'));

async function expectRefused(store: StateStore, content: string, why: RegExp) {
  await writeFile(store.file, content);
  const error = await store.load().catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UserError);
  expect((error as Error).message).toContain(store.file);
  expect((error as Error).message).toMatch(why);
  expect(await readFile(store.file, 'utf8')).toBe(content); // left byte-for-byte unchanged
}

describe('state store', () => {
  it('returns nothing for a new state dir and round-trips a saved state', async () => {
    const store = new StateStore(path.join(await tempDir(), 'state'));
    expect(await store.load()).toBeUndefined();
    const state = fresh();
    await store.save(state);
    expect(await store.load()).toEqual(state);
  });

  it('writes state.json with mode 0600 in a 0700 folder and leaves no temp file behind', async () => {
    const store = new StateStore(path.join(await tempDir(), 'state'));
    await store.save(fresh());
    await store.save(fresh());
    expect((await stat(store.file)).mode & 0o777).toBe(0o600);
    expect((await stat(store.dir)).mode & 0o777).toBe(0o700);
    expect(await readdir(store.dir)).toEqual(['state.json']);
  });

  it('refuses a broken state file, names it and the problem, and leaves it unchanged', async () => {
    const store = new StateStore(await tempDir());
    await expectRefused(store, '', /empty/);
    await expectRefused(store, '{"version": 1, "walkth', /not valid JSON/);
    await expectRefused(store, '[1, 2]', /JSON object/);
    await expectRefused(store, JSON.stringify({...fresh(), version: 99}), /newer mtls-wizard.*version 99/);
    await expectRefused(store, JSON.stringify({...fresh(), version: 'one'}), /field version/);
    await expectRefused(store, JSON.stringify({...fresh(), backend: 'gcp'}), /field backend/);
    await expectRefused(store, JSON.stringify({...fresh(), steps: {'root-ca': {status: 'finished'}}}), /field steps\.root-ca\.status/);
    const noInputs: Record<string, unknown> = {...fresh()};
    delete noInputs['inputs'];
    await expectRefused(store, JSON.stringify(noInputs), /field inputs/);
  });

  it('refuses a state dir that is a file', async () => {
    const file = path.join(await tempDir(), 'not-a-dir');
    await writeFile(file, 'x');
    const error = await new StateStore(file).load().catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/not a directory/);
  });
});
