/**
 * One writer per state dir. The lock is a file holding the holder's pid; a lock whose process is gone
 * (killed with -9, machine rebooted) is taken over. `status` never takes it: it only reads.
 */
import {unlinkSync} from 'node:fs';
import {open, readFile, unlink} from 'node:fs/promises';
import path from 'node:path';
import {UserError} from '../errors.js';
import {ensurePrivateDir} from '../util/fs.js';

export const LOCK_FILE = 'state.lock';

interface LockInfo {
  pid: number;
  command: string;
  startedAt: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readLock(file: string): Promise<LockInfo | undefined> {
  try {
    const data = JSON.parse(await readFile(file, 'utf8')) as Partial<LockInfo>;
    return typeof data.pid === 'number' ? {pid: data.pid, command: String(data.command ?? '?'), startedAt: String(data.startedAt ?? '?')} : undefined;
  } catch {
    return undefined; // Missing, or torn by a crash mid-write: treated as stale.
  }
}

export interface Lock {
  release(): Promise<void>;
}

export async function acquireLock(stateDir: string, command: string): Promise<Lock> {
  await ensurePrivateDir(stateDir);
  const file = path.join(stateDir, LOCK_FILE);
  const info: LockInfo = {pid: process.pid, command, startedAt: new Date().toISOString()};
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const handle = await open(file, 'wx', 0o600);
      await handle.writeFile(JSON.stringify(info));
      await handle.close();
      let released = false;
      const releaseSync = () => {
        if (released) return;
        released = true;
        try {
          unlinkSync(file);
        } catch {
          // Already gone (reset removes the whole dir).
        }
      };
      process.once('exit', releaseSync);
      return {
        release: async () => {
          process.removeListener('exit', releaseSync);
          if (released) return;
          released = true;
          await unlink(file).catch(() => undefined);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readLock(file);
    if (holder && holder.pid !== process.pid && alive(holder.pid)) {
      throw new UserError({
        what: `the state dir ${stateDir} is in use`,
        why: `mtls-wizard ${holder.command} (pid ${holder.pid}, started ${holder.startedAt}) holds it`,
        fix: `wait for it to finish, or stop it (kill ${holder.pid}) and run again; \`mtls-wizard status\` works meanwhile`,
      });
    }
    // The holder is gone: take the lock over.
    await unlink(file).catch(() => undefined);
  }
  throw new UserError({what: `cannot lock the state dir ${stateDir}`, why: 'another process keeps taking the lock', fix: 'run one mtls-wizard at a time on this state dir'});
}
