/** File helpers with the modes the design asks for: secrets 0600 in 0700 folders, atomic replace. */
import {randomBytes} from 'node:crypto';
import {chmod, mkdir, open, rename, rm} from 'node:fs/promises';
import path from 'node:path';

/** Creates a directory (and parents) with mode 0700 and tightens it if it already existed. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, {recursive: true, mode: 0o700});
  await chmod(dir, 0o700);
}

/**
 * Writes a file atomically: temp file in the same folder, fsync, rename, fsync the folder.
 * A reader sees the old content or the new one, never a torn file, whatever moment the process dies.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array, mode = 0o644): Promise<void> {
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
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
  await syncDir(dir);
}

/** A secret (private key, passphrase): 0600 in a 0700 folder, written atomically. */
export async function writeSecretFile(file: string, data: string | Uint8Array): Promise<void> {
  await ensurePrivateDir(path.dirname(file));
  await writeFileAtomic(file, data, 0o600);
}

/** A public file (certificate, bundle) in a 0700 folder, written atomically. */
export async function writePublicFile(file: string, data: string | Uint8Array): Promise<void> {
  await ensurePrivateDir(path.dirname(file));
  await writeFileAtomic(file, data, 0o644);
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
