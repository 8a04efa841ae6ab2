/**
 * One writer per state dir. The lock is a file holding the holder's pid; a lock whose process is gone
 * (killed with -9, machine rebooted) is taken over. `status` never takes it: it only reads.
 */
import {readFileSync, unlinkSync} from 'node:fs';
import {chmod, link, mkdir, open, readFile, unlink} from 'node:fs/promises';
import path from 'node:path';
import {UserError} from '../errors.js';
import {removeStaleTemps, tempNameFor} from '../util/fs.js';
import {processExists} from '../util/process.js';

export const LOCK_FILE = 'state.lock';

interface LockInfo {
  pid: number;
  command: string;
  startedAt: string;
}

function alive(pid: number): boolean {
  if (!processExists(pid)) return false;
  // After a reboot the pid may belong to an unrelated program: only a node process can be a holder.
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return /node|mtls-wizard/.test(cmdline);
  } catch {
    return true; // No /proc (macOS): trust the pid.
  }
}

async function readLockText(file: string): Promise<string | undefined> {
  return readFile(file, 'utf8').catch(() => undefined);
}

/** The holder recorded in a lock's text; undefined when unreadable: nobody holds it (see createLock). */
function parseLock(text: string | undefined): LockInfo | undefined {
  try {
    const data = JSON.parse(text ?? '') as Partial<LockInfo>;
    return typeof data.pid === 'number' ? {pid: data.pid, command: String(data.command ?? '?'), startedAt: String(data.startedAt ?? '?')} : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Creates the lock file with its content in one step: the content goes to a temp file that is then
 * hard-linked as the lock (link fails if the lock exists). With open('wx') then write, a second process
 * could read the lock while it is still empty, take it for a stale one, remove it and run alongside.
 */
async function createLock(file: string, content: string): Promise<boolean> {
  const temp = tempNameFor(file);
  const handle = await open(temp, 'wx', 0o600);
  try {
    try {
      await handle.writeFile(content);
    } finally {
      await handle.close();
    }
    await link(temp, file);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw error;
    return createLockWithoutLink(file, content);
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/** For file systems without hard links: create-exclusive, then write (the small window above remains). */
async function createLockWithoutLink(file: string, content: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(content);
  } finally {
    await handle.close();
  }
  return true;
}

export interface Lock {
  release(): Promise<void>;
}

export async function acquireLock(stateDir: string, command: string): Promise<Lock> {
  // Not the cached ensurePrivateDir: the folder may have been removed (reset) earlier in this process.
  await mkdir(stateDir, {recursive: true, mode: 0o700});
  await chmod(stateDir, 0o700);
  const file = path.join(stateDir, LOCK_FILE);
  const info: LockInfo = {pid: process.pid, command, startedAt: new Date().toISOString()};
  // Temp files of lock attempts killed half-way (their pid is gone).
  await removeStaleTemps(stateDir, LOCK_FILE);
  for (let attempt = 0; attempt < 5; attempt++) {
    if (await createLock(file, JSON.stringify(info))) {
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
    }
    const text = await readLockText(file);
    const holder = parseLock(text);
    if (holder && holder.pid !== process.pid && alive(holder.pid)) {
      throw new UserError({
        what: `the state dir ${stateDir} is in use`,
        why: `mtls-wizard ${holder.command} (pid ${holder.pid}, started ${holder.startedAt}) holds it`,
        fix: `wait for it to finish, or stop it (kill ${holder.pid}) and run again; \`mtls-wizard status\` works meanwhile`,
      });
    }
    // The holder is gone: take the lock over, unless another process just did (the text changed).
    if ((await readLockText(file)) === text) await unlink(file).catch(() => undefined);
  }
  throw new UserError({what: `cannot lock the state dir ${stateDir}`, why: 'another process keeps taking the lock', fix: 'run one mtls-wizard at a time on this state dir'});
}
