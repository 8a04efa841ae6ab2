/**
 * Runs the built CLI and SIGKILLs it at a chosen moment, with no sleeps: the child's own progress is the
 * clock. Two kinds of moment:
 * - `line`: right after the nth stdout line matching a pattern is written (the preload freezes the child
 *   there; watching the pipe would race a fast run to its end);
 * - `write`: in the middle of the nth file write whose path (relative to the state dir) matches a pattern.
 *   A test-only preload (pause-write-hook.mjs) writes half of that file, fsyncs it, tells us on fd 3 and
 *   blocks; we kill it there. A file watcher would race the child (the writes take a millisecond).
 */
import {spawn} from 'node:child_process';
import path from 'node:path';
import {mkdir} from 'node:fs/promises';
import type {Readable} from 'node:stream';
import {CLI} from './built-cli.js';

const HOOK = path.join(import.meta.dirname, 'pause-write-hook.mjs');

export type KillTrigger =
  | {readonly line: RegExp; readonly nth?: number}
  /** `after`: count only the writes that come after a file matching it was created. */
  | {readonly write: RegExp; readonly nth?: number; readonly after?: RegExp};

export interface KilledRun {
  /** True when the trigger fired and the child died of SIGKILL; false when it ended on its own first. */
  readonly killed: boolean;
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export const describeTrigger = (t: KillTrigger): string =>
  ('line' in t ? `line /${t.line.source}/` : `mid-write /${t.write.source}/`) + ` #${t.nth ?? 1}` + ('after' in t && t.after ? ` after /${t.after.source}/` : '');

export async function runAndKill(args: string[], stateDir: string, trigger: KillTrigger, env: NodeJS.ProcessEnv = {}): Promise<KilledRun> {
  await mkdir(path.dirname(stateDir), {recursive: true});
  const child = spawn(process.execPath, ['--import', HOOK, CLI, ...args], {
    env: {
      PATH: process.env['PATH'],
      HOME: process.env['HOME'],
      CI: 'true',
      MTLS_TEST_PAUSE_NTH: String(trigger.nth ?? 1),
      ...('write' in trigger
        ? {
            MTLS_TEST_PAUSE_WRITE: trigger.write.source,
            MTLS_TEST_PAUSE_ROOT: path.resolve(stateDir),
            ...(trigger.after ? {MTLS_TEST_PAUSE_AFTER: trigger.after.source} : {}),
          }
        : {MTLS_TEST_PAUSE_LINE: trigger.line.source}),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  let fired = false;
  const fire = () => {
    if (fired) return;
    fired = true;
    child.kill('SIGKILL');
  };
  // Both kinds of trigger freeze the child (pause-write-hook.mjs) and say so on fd 3: the kill lands there.
  const stdout = onLines(child.stdout!, () => undefined);
  const stderr = onLines(child.stderr!, () => undefined);
  onLines(child.stdio[3] as Readable, (line) => {
    if (line.startsWith('paused ')) fire();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c, s) => resolve([c, s]));
  });
  clearTimeout(timer);
  return {killed: fired && signal === 'SIGKILL', code, stdout: stdout(), stderr: stderr()};
}

/** Calls onLine for each complete line as it arrives; returns a getter for everything read. */
function onLines(stream: Readable, onLine: (line: string) => void): () => string {
  let all = '';
  let pending = '';
  stream.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    all += text;
    pending += text;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  });
  return () => all;
}

export interface StoppedProcess {
  readonly pid: number;
  /** SIGKILLs it (a stopped process dies of SIGKILL at once) and waits until it is gone. */
  kill(): Promise<void>;
}

/** Starts the built CLI and freezes it right after a stdout line matches: it stays alive, frozen, holding what it holds. */
export async function spawnStopped(args: string[], line: RegExp): Promise<StoppedProcess> {
  // The preload freezes the child right after that line (holding whatever it holds, e.g. the lock): no race
  // between the pipe and a fast run.
  const child = spawn(process.execPath, ['--import', HOOK, CLI, ...args], {
    env: {PATH: process.env['PATH'], HOME: process.env['HOME'], CI: 'true', MTLS_TEST_PAUSE_LINE: line.source, MTLS_TEST_PAUSE_NTH: '1'},
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const output = onLines(child.stdout!, () => undefined);
    onLines(child.stderr!, () => undefined);
    onLines(child.stdio[3] as Readable, (text) => {
      if (text.startsWith('paused ')) resolve();
    });
    void closed.then(() => reject(new Error(`the process ended before printing ${line}:\n${output()}`)));
  });
  return {
    pid: child.pid!,
    kill: async () => {
      child.kill('SIGKILL');
      await closed;
    },
  };
}
