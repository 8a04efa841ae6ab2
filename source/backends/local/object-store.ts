/**
 * A versioned object store on disk standing in for S3 (versioning always on, as the truststore needs).
 *
 * Layout: <root>/<bucket>/<sha256(key)>/<seq>-<versionId>.json (metadata) + <versionId>.body.
 * A version becomes visible only when its metadata file is renamed into place, and that happens after the
 * body is complete and fsynced: a kill -9 at any moment leaves either no version or a whole one. Anything
 * a crash leaves behind (temp files, a body without metadata) is invisible and is removed on the next put.
 */
import {createHash, randomBytes} from 'node:crypto';
import {chmod, mkdir, open, readFile, readdir, rename, rm, stat} from 'node:fs/promises';
import path from 'node:path';
import {ExternalError, UserError} from '../../errors.js';

export interface ObjectVersion {
  versionId: string;
  key: string;
  size: number;
  /** MD5 of the body, hex (what S3 reports as the ETag of a single-part upload). */
  etag: string;
  createdAt: string;
  /** Idempotency token of the put that made this version. */
  token?: string;
}

const TEMP_PREFIX = '.tmp-';
const META = /^(\d{8})-([A-Za-z0-9_-]{32})\.json$/;
// S3 bucket naming rules, which also keep the name safe as a directory name.
const BUCKET = /^(?!\d+\.\d+\.\d+\.\d+$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export class LocalObjectStore {
  readonly #root: string;
  // Puts run one at a time, so cleaning leftovers never races with a put in flight in this process.
  #queue: Promise<unknown> = Promise.resolve();

  constructor(rootDir: string) {
    this.#root = rootDir;
  }

  async createBucket(bucket: string): Promise<void> {
    await privateDir(this.#root);
    await privateDir(this.#bucketDir(bucket));
  }

  putObject(bucket: string, key: string, body: string | Uint8Array, opts: {token?: string} = {}): Promise<ObjectVersion> {
    const run = this.#queue.then(() => this.#put(bucket, key, body, opts.token));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async getObject(bucket: string, key: string, versionId?: string): Promise<{body: Buffer; version: ObjectVersion}> {
    const hasBucket = await this.#bucketExists(bucket);
    const versions = hasBucket ? await this.listVersions(bucket, key) : [];
    const version = versionId === undefined ? versions.at(-1) : versions.find((v) => v.versionId === versionId);
    const uri = `s3://${bucket}/${key}`;
    if (!version) {
      const known = versions.slice(-5).map((v) => v.versionId).join(', ');
      throw new UserError({
        what: `failed to read ${uri} (version ${versionId ?? 'latest'})`,
        why: !hasBucket ? 'the bucket does not exist' : versions.length === 0 ? 'the object does not exist' : `no such version (latest versions: ${known})`,
        fix: 'upload the truststore again (re-run the mtls step) so that a version exists and is recorded',
        field: 'versionId',
      });
    }
    const body = await readFile(path.join(this.#keyDir(bucket, key), `${version.versionId}.body`));
    if (md5(body) !== version.etag) {
      throw new ExternalError({what: `failed to read ${uri} (version ${version.versionId})`, why: 'the stored body does not match its MD5 (the file was changed on disk)'});
    }
    return {body, version};
  }

  /** Every version of one key (or of the whole bucket), oldest first. */
  async listVersions(bucket: string, key?: string): Promise<ObjectVersion[]> {
    const bucketDir = this.#bucketDir(bucket);
    await this.#requireBucket(bucket);
    const keyDirs = key === undefined ? await readdir(bucketDir) : [hashKey(key)];
    const found: {seq: number; createdAt: string; version: ObjectVersion}[] = [];
    for (const dir of keyDirs) {
      for (const name of await readdirIfExists(path.join(bucketDir, dir))) {
        const match = META.exec(name);
        if (!match) continue;
        const version = JSON.parse(await readFile(path.join(bucketDir, dir, name), 'utf8')) as ObjectVersion;
        found.push({seq: Number(match[1]), createdAt: version.createdAt, version});
      }
    }
    // Within a key the sequence number orders versions; across keys, time then sequence.
    found.sort((a, b) => (key === undefined ? a.createdAt.localeCompare(b.createdAt) : 0) || a.seq - b.seq);
    return found.map((f) => f.version);
  }

  async deleteBucket(bucket: string): Promise<void> {
    await rm(this.#bucketDir(bucket), {recursive: true, force: true});
  }

  async #put(bucket: string, key: string, body: string | Uint8Array, token: string | undefined): Promise<ObjectVersion> {
    validateKey(key);
    await this.#requireBucket(bucket);
    const dir = this.#keyDir(bucket, key);
    await privateDir(dir);
    const names = await readdir(dir);
    const metas = names.map((n) => META.exec(n)).filter((m): m is RegExpExecArray => m !== null);
    if (token !== undefined) {
      for (const m of metas) {
        const existing = JSON.parse(await readFile(path.join(dir, m[0]), 'utf8')) as ObjectVersion;
        if (existing.token === token) return existing;
      }
    }
    await removeLeftovers(dir, names, new Set(metas.map((m) => m[2]!)));

    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body);
    const versionId = randomBytes(24).toString('base64url');
    const version: ObjectVersion = {versionId, key, size: bytes.length, etag: md5(bytes), createdAt: new Date().toISOString()};
    if (token !== undefined) version.token = token;
    const seq = metas.reduce((max, m) => Math.max(max, Number(m[1])), 0) + 1;
    await writeDurably(dir, `${versionId}.body`, bytes);
    await writeDurably(dir, `${String(seq).padStart(8, '0')}-${versionId}.json`, Buffer.from(`${JSON.stringify(version, null, 2)}\n`));
    return version;
  }

  #bucketDir(bucket: string): string {
    if (!BUCKET.test(bucket)) {
      throw new UserError({what: `invalid bucket name "${bucket}"`, why: 'S3 bucket names are 3–63 characters: lowercase letters, digits, dots and hyphens', field: 'bucket'});
    }
    return path.join(this.#root, bucket);
  }

  #keyDir(bucket: string, key: string): string {
    return path.join(this.#bucketDir(bucket), hashKey(key));
  }

  #bucketExists(bucket: string): Promise<boolean> {
    return stat(this.#bucketDir(bucket)).then((s) => s.isDirectory(), () => false);
  }

  async #requireBucket(bucket: string): Promise<void> {
    if (!(await this.#bucketExists(bucket))) {
      throw new UserError({what: `bucket s3://${bucket} does not exist`, why: 'the local object store has no such bucket', fix: 're-run the mtls step, which creates it'});
    }
  }
}

function validateKey(key: string): void {
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes === 0 || bytes > 1024) {
    throw new UserError({what: `invalid object key "${key.slice(0, 40)}"`, why: 'S3 keys are 1–1024 bytes of UTF-8', field: 'key'});
  }
}

// Keys may hold "/" or "..": a hash makes every key a safe, fixed-length directory name.
function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

function md5(bytes: Uint8Array): string {
  return createHash('md5').update(bytes).digest('hex');
}

async function privateDir(dir: string): Promise<void> {
  await mkdir(dir, {recursive: true, mode: 0o700});
  await chmod(dir, 0o700);
}

async function readdirIfExists(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw error;
  }
}

/** Temp files and bodies without metadata are what a crash mid-put leaves; nobody can see them. */
async function removeLeftovers(dir: string, names: string[], visible: Set<string>): Promise<void> {
  for (const name of names) {
    const orphanBody = name.endsWith('.body') && !visible.has(name.slice(0, -'.body'.length));
    if (name.startsWith(TEMP_PREFIX) || orphanBody) await rm(path.join(dir, name), {force: true});
  }
}

/** Temp file, fsync, rename, fsync the folder: the name appears only with its whole content. */
async function writeDurably(dir: string, name: string, bytes: Buffer): Promise<void> {
  const temp = path.join(dir, `${TEMP_PREFIX}${randomBytes(8).toString('hex')}`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path.join(dir, name));
  const dirHandle = await open(dir, 'r');
  try {
    await dirHandle.sync();
  } catch {
    // Some file systems refuse fsync on a directory; the rename is still atomic there.
  } finally {
    await dirHandle.close();
  }
}
