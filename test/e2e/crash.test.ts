/**
 * Issue 5 item 1: SIGKILL the headless local walkthrough (the built CLI) at many moments over every step,
 * including in the middle of state writes and key writes, then run it again to completion. Every time the
 * result must be the same complete walkthrough: nothing twice, nothing lost, nothing left over.
 */
import {mkdtemp, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ensureBuilt, runBuilt} from '../helpers/built-cli.js';
import {type KillTrigger, describeTrigger, runAndKill} from '../helpers/kill-cli.js';
import {expectCompleteWalkthrough, listFiles} from '../helpers/walkthrough-files.js';

/** Moments announced on stdout, in walkthrough order: each step's start and the lines inside it. */
const LINE_POINTS: KillTrigger[] = [
  {line: /^mtls-wizard · local backend/},
  {line: /^\[A1\] root-ca/},
  {line: /created rootCA/},
  {line: /created intermediateCA0/},
  {line: /^\[A3\] api/},
  {line: /custom domain .* ready/},
  {line: /stored the truststore/, nth: 1},
  {line: /custom domain pinned/, nth: 1},
  {line: /^\[A7\] connect/},
  {line: /created intermediateCA1/},
  {line: /stored the truststore/, nth: 2},
  {line: /issued client2/},
  {line: /^\[B4\] connect-2/},
];

/** Moments inside file writes: the process dies with half of the file written. */
const WRITE_POINTS: KillTrigger[] = [
  {write: /^\.state\.lock\./},
  {write: /^\.state\.json\..*\.tmp$/, nth: 1},
  {write: /^\.state\.json\..*\.tmp$/, nth: 9},
  {write: /^\.state\.json\..*\.tmp$/, nth: 20},
  {write: /^\.state\.json\..*\.tmp$/, nth: 30},
  {write: /^cas\/rootCA\/\.key\.pem\./},
  {write: /^cas\/intermediateCA2\/\.chain\.pem\./},
  {write: /^local\/server\/\..*-key\.pem\./},
  {write: /^local\/apigateway\/domains\/\./, nth: 2},
  {write: /^truststore\/\.truststore-update\.pem\./},
  {write: /^local\/s3\/.*\/\.tmp-/, nth: 4},
  // Between a finished upload and the state write that records its version: the retry must find it again.
  {write: /^\.state\.json\./, after: /^local\/s3\/.*\/\.tmp-/},
  // Between a client's key and certificate on disk and the state write that records the client.
  {write: /^\.state\.json\./, after: /^clients\/client1\/\.certificate\.pem\./},
  {write: /^clients\/client1\/\.passphrase\.txt\./},
  {write: /^clients\/client2\/\.key\.pem\./},
  {write: /^outsider\/\.key\.pem\./},
];

// Three kill points at a time on 2 cores: much of a run waits on fsync and curl.
const LANES = 3;
let free = LANES;
const waiting: (() => void)[] = [];
async function inLane<T>(fn: () => Promise<T>): Promise<T> {
  if (free === 0) await new Promise<void>((resolve) => waiting.push(resolve));
  else free--;
  try {
    return await fn();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else free++;
  }
}

let root: string;
beforeAll(async () => {
  ensureBuilt();
  root = await mkdtemp(path.join(os.tmpdir(), 'mtls-wizard-crash-'));
});
afterAll(() => rm(root, {recursive: true, force: true}));

let seq = 0;

async function crashThenResume(trigger: KillTrigger): Promise<void> {
  const label = `killed at ${describeTrigger(trigger)}`;
  const dir = path.join(root, `wt-${++seq}`);
  const partial = await runAndKill(['run', '--state-dir', dir], dir, trigger);
  expect(partial.killed, `${label}: the run ended before the kill (code ${partial.code})\n${partial.stderr}${partial.stdout.slice(-600)}`).toBe(true);
  if ('write' in trigger) {
    // The process froze with half of the file written: that torn temp file is on disk now.
    const files = await listFiles(dir);
    expect(files.filter((f) => trigger.write.test(f)), `${label}: the half-written file`).toHaveLength(1);
  }

  const resume = await runBuilt(['run', '--state-dir', dir]);
  expect(resume.code, `${label}: resume failed\n${resume.stderr}${resume.stdout.slice(-1500)}`).toBe(0);
  expect(resume.stderr, label).toBe('');
  expect(resume.stdout, label).toContain('walkthrough complete');
  await expectCompleteWalkthrough(dir, label);
}

describe('crash safety: SIGKILL at any moment, then resume', () => {
  describe.concurrent('killed on an output line', () => {
    for (const trigger of LINE_POINTS) it(describeTrigger(trigger), () => inLane(() => crashThenResume(trigger)), 120_000);
  });
  describe.concurrent('killed in the middle of a file write', () => {
    for (const trigger of WRITE_POINTS) it(describeTrigger(trigger), () => inLane(() => crashThenResume(trigger)), 120_000);
  });

  it('a key made with a given passphrase is never paired with a new generated one after a crash', async () => {
    const dir = path.join(root, 'given-passphrase');
    const env = {MTLS_WIZARD_PASSPHRASE: 'Given-Earlier-Passphrase-8'};
    // Killed after client1's key was made and recorded, while its PKCS#12 files were being written.
    const partial = await runAndKill(['run', '--state-dir', dir], dir, {write: /^clients\/client1\/\.client\.p12\./}, env);
    expect(partial.killed).toBe(true);
    // Resumed in a shell without the variable: a new passphrase would not open the key, so none is made.
    const without = await runBuilt(['run', '--state-dir', dir]);
    expect(without.code).toBe(1);
    expect(without.stdout).toContain('no passphrase for the existing key of client1');
    expect(without.stdout).toContain('run again with the same --passphrase-file or MTLS_WIZARD_PASSPHRASE');
    expect(await listFiles(path.join(dir, 'clients', 'client1'))).toEqual(expect.not.arrayContaining(['passphrase.txt']));
    const resumed = await runBuilt(['run', '--state-dir', dir], env);
    expect(resumed.code, resumed.stdout.slice(-800)).toBe(0);
    await expectCompleteWalkthrough(dir, 'resumed with the same passphrase', env.MTLS_WIZARD_PASSPHRASE);
  });
});
