/**
 * Issue 5 item 2: one writer per state dir. A second writer refuses, naming the holder's pid and what to
 * do, and changes nothing; `status` only reads and works meanwhile; the lock of a killed process is taken over.
 */
import {spawn} from 'node:child_process';
import {existsSync} from 'node:fs';
import {mkdir, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {ensureBuilt, runBuilt} from '../helpers/built-cli.js';
import {listening, startGateway} from '../helpers/gateway-process.js';
import {spawnStopped} from '../helpers/kill-cli.js';
import {tempDir} from '../helpers/temp.js';
import {expectCompleteWalkthrough, snapshot} from '../helpers/walkthrough-files.js';

beforeAll(() => ensureBuilt());

const WRITERS = [['run'], ['connect'], ['teardown', '--yes'], ['reset', '--yes'], ['client', 'add', 'client9'], ['client', 'revoke', 'client1', '--yes'], ['client', 'renew', 'client1', '--yes']];

/** Every writer refuses with one clear line naming the holder and the way out, and nothing on disk changes. */
async function expectRefusals(dir: string, holderPid: number): Promise<void> {
  const before = await snapshot(dir);
  for (const args of WRITERS) {
    const result = await runBuilt([...args, '--state-dir', dir]);
    const label = `${args.join(' ')} while pid ${holderPid} holds the lock`;
    expect(result.code, label).not.toBe(0);
    expect(result.stderr, label).toContain(`pid ${holderPid}`);
    expect(result.stderr, label).toMatch(/is in use/);
    expect(result.stderr, label).toContain(`kill ${holderPid}`);
    // Printed as this CLI was started (node dist/cli.js), not as a bare `mtls-wizard` that is not on the PATH.
    expect(result.stderr, label).toMatch(/`node \S*dist\/cli\.js status` works meanwhile/);
    expect(result.stderr, label).not.toMatch(/^\s+at /m);
    expect(await snapshot(dir), label).toEqual(before);
  }
}

describe('locking the state dir', () => {
  it('refuses every second writer while a run holds the dir, lets status read, and takes over after kill -9', async () => {
    const dir = path.join(await tempDir(), 'wt');
    // A real holder: a run frozen in the middle of the walkthrough.
    const holder = await spawnStopped(['run', '--state-dir', dir], /^\[A2\] intermediate-ca/);
    try {
      await expectRefusals(dir, holder.pid);
      const status = await runBuilt(['status', '--json', '--state-dir', dir]);
      expect(status.code).toBe(0);
      const steps = Object.fromEntries(JSON.parse(status.stdout).steps.map((s: {id: string; status: string}) => [s.id, s.status]));
      expect([steps['root-ca'], steps['intermediate-ca'], steps['api']]).toEqual(['done', 'running', 'pending']);
    } finally {
      await holder.kill();
    }
    // kill -9 left its lock behind; the next run sees that its pid is gone, takes over and finishes the job.
    expect(existsSync(path.join(dir, 'state.lock'))).toBe(true);
    const resumed = await runBuilt(['run', '--state-dir', dir]);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    await expectCompleteWalkthrough(dir, 'after taking over the lock');
  });

  it('does not stop a running gateway on reset or teardown while another process holds the dir', async () => {
    const dir = path.join(await tempDir(), 'wt');
    expect((await runBuilt(['run', '--state-dir', dir])).code).toBe(0);
    const gateway = await startGateway(dir);
    // A node process stands in for another mtls-wizard (the lock checks that its holder is a node process).
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], {stdio: 'ignore'});
    try {
      await writeFile(path.join(dir, 'state.lock'), JSON.stringify({pid: sleeper.pid, command: 'run', startedAt: new Date().toISOString()}), {mode: 0o600});
      await expectRefusals(dir, sleeper.pid!);
      expect(gateway.child.exitCode).toBeNull();
      expect(await listening(gateway.port)).toBe(true);
    } finally {
      sleeper.kill('SIGKILL');
    }
    await new Promise((resolve) => sleeper.once('close', resolve));
    // The holder is gone now: reset goes ahead, stops the gateway and deletes the dir.
    const reset = await runBuilt(['reset', '--yes', '--state-dir', dir]);
    expect(reset.code).toBe(0);
    await gateway.exited;
    expect(existsSync(dir)).toBe(false);
  });

  it('takes over a lock whose process is gone, and a lock file that holds no pid', async () => {
    const dir = path.join(await tempDir(), 'wt');
    expect((await runBuilt(['run', '--until', 'root-ca', '--state-dir', dir])).code).toBe(0);
    const gone = spawn('true');
    await new Promise((resolve) => gone.once('close', resolve));
    const stale = [
      ['intermediate-ca', JSON.stringify({pid: gone.pid, command: 'run', startedAt: new Date().toISOString()})],
      ['api', '{"pid":'],
    ] as const;
    for (const [until, content] of stale) {
      await writeFile(path.join(dir, 'state.lock'), content, {mode: 0o600});
      const result = await runBuilt(['run', '--until', until, '--state-dir', dir]);
      expect(result.stderr, content).toBe('');
      expect(result.code, content).toBe(0);
      expect(result.stdout, content).toContain(`stopped after ${until}`);
      expect(existsSync(path.join(dir, 'state.lock')), content).toBe(false);
    }
  });

  it('takes over a lock whose pid now belongs to another program (pid reused after a reboot)', async () => {
    const dir = path.join(await tempDir(), 'wt');
    const other = spawn('sleep', ['60'], {stdio: 'ignore'});
    try {
      await mkdir(dir, {recursive: true});
      await writeFile(path.join(dir, 'state.lock'), JSON.stringify({pid: other.pid, command: 'run', startedAt: '2020-01-01T00:00:00.000Z'}), {mode: 0o600});
      const run = await runBuilt(['run', '--until', 'root-ca', '--state-dir', dir]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
    } finally {
      other.kill('SIGKILL');
    }
  });
});
