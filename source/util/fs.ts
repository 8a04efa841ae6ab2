/** File helpers with the modes the design asks for: secrets 0600 in 0700 folders, atomic replace. */
import {randomBytes} from 'node:crypto';
import {chmod, mkdir, open, readdir, rename, rm} from 'node:fs/promises';
import path from 'node:path';
import {processExists} from './process.js';

// Temp name: .<file>.<pid>.<random>.tmp. The pid tells a leftover of a dead writer from a write in flight.
const TEMP = /^(\d+)\.[0-9a-f]{12}\.tmp$/;
const inFlight = new Set<string>();

const ensured = new Set<string>();

/** Creates a directory (and parents) with mode 0700 and tightens it if it already existed (once per process). */
export async function ensurePrivateDir(dir: string): Promise<void> {
  if (ensured.has(dir)) return;
  await mkdir(dir, {recursive: true, mode: 0o700});
  await chmod(dir, 0o700);
  ensured.add(dir);
}

/** Writes into a folder made by ensurePrivateDir; if the folder was removed since (teardown), makes it again. */
async function writeInPrivateDir(file: string, data: string | Uint8Array, mode: number): Promise<void> {
  const dir = path.dirname(file);
  await ensurePrivateDir(dir);
  try {
    await writeFileAtomic(file, data, mode, {syncDir: false});
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    ensured.clear();
    await ensurePrivateDir(dir);
    await writeFileAtomic(file, data, mode, {syncDir: false});
  }
}

/**
 * Writes a file atomically: temp file in the same folder, fsync, rename, fsync the folder.
 * A reader sees the old content or the new one, never a torn file, whatever moment the process dies.
 * A process killed mid-write leaves its temp file behind; the next process's first write of the same file removes it.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array, mode = 0o644, options: {syncDir?: boolean} = {}): Promise<void> {
  const dir = path.dirname(file);
  const temp = tempNameFor(file);
  inFlight.add(temp);
  try {
    const handle = await open(temp, 'wx', mode);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } catch (error) {
      await handle.close();
      await rm(temp, {force: true});
      throw error;
    }
    await handle.close();
    try {
      await rename(temp, file);
    } catch (error) {
      await rm(temp, {force: true});
      throw error;
    }
  } finally {
    inFlight.delete(temp);
  }
  // The folder's fsync makes the rename itself durable: needed for state.json, the commit point. Artifacts skip
  // it (it costs more than the rest of the write); the state that names them is synced after them.
  if (options.syncDir !== false) await syncDir(dir);
  // Leftovers come from a process that died mid-write: one look per file per process finds them all (the state
  // dir's lock keeps other writers out meanwhile, and a failed write here removes its own temp file).
  if (!swept.has(file)) {
    await removeStaleTemps(dir, path.basename(file));
    swept.add(file);
  }
}

const swept = new Set<string>();

/** Temp file name for `file` in the same folder, in the form removeStaleTemps recognises. */
export function tempNameFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/** Removes temp files of `base` whose writer is gone (killed mid-write); never one being written now. */
export async function removeStaleTemps(dir: string, base: string): Promise<void> {
  const prefix = `.${base}.`;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const pid = name.startsWith(prefix) ? TEMP.exec(name.slice(prefix.length))?.[1] : undefined;
    if (pid === undefined) continue;
    const full = path.join(dir, name);
    if (inFlight.has(full) || (Number(pid) !== process.pid && processExists(Number(pid)))) continue;
    await rm(full, {force: true});
  }
}


/** A secret (private key, passphrase): 0600 in a 0700 folder, written atomically. */
export async function writeSecretFile(file: string, data: string | Uint8Array): Promise<void> {
  await writeInPrivateDir(file, data, 0o600);
}

/** A public file (certificate, bundle) in a 0700 folder, written atomically. */
export async function writePublicFile(file: string, data: string | Uint8Array): Promise<void> {
  await writeInPrivateDir(file, data, 0o644);
}

async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some file systems refuse fsync on a directory; the rename is still atomic there.
  }
}
