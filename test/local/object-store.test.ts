import {createHash} from 'node:crypto';
import {mkdtemp, readdir, rm, stat, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import {LocalObjectStore} from '../../source/backends/local/object-store.js';
import {UserError} from '../../source/errors.js';

let root: string;
let store: LocalObjectStore;
const bucket = 'mtls-truststore-demo';
const key = 'truststore/truststore.pem';

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'mtls-s3-'));
  store = new LocalObjectStore(path.join(root, 'local', 's3'));
  await store.createBucket(bucket);
});
afterEach(() => rm(root, {recursive: true, force: true}));

const keyDir = () => path.join(root, 'local', 's3', bucket, createHash('sha256').update(key).digest('hex'));

describe('LocalObjectStore', () => {
  test('every put makes a new immutable version; old versions keep their bytes', async () => {
    const v1 = await store.putObject(bucket, key, 'first');
    const v2 = await store.putObject(bucket, key, new TextEncoder().encode('second'));
    expect(v1.versionId).not.toBe(v2.versionId);
    expect(v1.versionId).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(v1.etag).toBe(createHash('md5').update('first').digest('hex'));
    expect(v2.size).toBe(6);
    expect((await store.getObject(bucket, key, v1.versionId)).body.toString()).toBe('first');
    expect((await store.getObject(bucket, key, v2.versionId)).body.toString()).toBe('second');
    expect((await store.getObject(bucket, key)).version.versionId).toBe(v2.versionId);
  });

  test('listVersions is oldest first, per key and for the whole bucket', async () => {
    const ids: string[] = [];
    for (const body of ['a', 'b', 'c', 'd', 'e']) ids.push((await store.putObject(bucket, key, body)).versionId);
    const other = await store.putObject(bucket, 'other.pem', 'x');
    expect((await store.listVersions(bucket, key)).map((v) => v.versionId)).toEqual(ids);
    const all = (await store.listVersions(bucket)).map((v) => v.versionId);
    expect(all).toHaveLength(6);
    expect(all.at(-1)).toBe(other.versionId);
    expect(all.filter((id) => id !== other.versionId)).toEqual(ids);
  });

  test('a retried put with the same token returns the version it already made', async () => {
    const first = await store.putObject(bucket, key, 'bundle', {token: 'tok-1'});
    const retry = await store.putObject(bucket, key, 'bundle', {token: 'tok-1'});
    expect(retry).toEqual(first);
    const other = await store.putObject(bucket, key, 'bundle', {token: 'tok-2'});
    expect(other.versionId).not.toBe(first.versionId);
    expect(await store.listVersions(bucket, key)).toHaveLength(2);
  });

  test('concurrent puts all land as distinct versions', async () => {
    const made = await Promise.all(Array.from({length: 8}, (_, i) => store.putObject(bucket, key, `body ${i}`)));
    const listed = await store.listVersions(bucket, key);
    expect(new Set(listed.map((v) => v.versionId))).toEqual(new Set(made.map((v) => v.versionId)));
  });

  test('a missing version, key or bucket is a UserError naming the s3:// URI and the version', async () => {
    await store.putObject(bucket, key, 'x');
    await expect(store.getObject(bucket, key, 'NoSuchVersionNoSuchVersionNoSuch')).rejects.toThrow(
      `failed to read s3://${bucket}/${key} (version NoSuchVersionNoSuchVersionNoSuch): no such version`,
    );
    await expect(store.getObject(bucket, 'nope.pem')).rejects.toThrow(`s3://${bucket}/nope.pem (version latest): the object does not exist`);
    const missing = store.getObject('no-such-bucket', key, 'v1');
    await expect(missing).rejects.toBeInstanceOf(UserError);
    await expect(missing).rejects.toThrow(`s3://no-such-bucket/${key} (version v1): the bucket does not exist`);
  });

  test('what a crash leaves (temp file, body without metadata) is invisible and cleaned on the next put', async () => {
    const v1 = await store.putObject(bucket, key, 'whole');
    // A kill -9 during a put: a half-written temp file, and a body whose metadata was never renamed in.
    await writeFile(path.join(keyDir(), '.tmp-deadbeef'), 'half');
    await writeFile(path.join(keyDir(), 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.body'), 'orphan');
    expect((await store.listVersions(bucket, key)).map((v) => v.versionId)).toEqual([v1.versionId]);
    const v2 = await store.putObject(bucket, key, 'next');
    const files = (await readdir(keyDir())).sort();
    expect(files).toEqual([`${v1.versionId}.body`, `${v2.versionId}.body`, `00000001-${v1.versionId}.json`, `00000002-${v2.versionId}.json`].sort());
  });

  test('directories are 0700, files 0600', async () => {
    const v = await store.putObject(bucket, key, 'x');
    for (const dir of [path.join(root, 'local', 's3'), path.join(root, 'local', 's3', bucket), keyDir()]) {
      expect((await stat(dir)).mode & 0o777).toBe(0o700);
    }
    expect((await stat(path.join(keyDir(), `${v.versionId}.body`))).mode & 0o777).toBe(0o600);
  });

  test('bad bucket names are refused before touching the disk; deleteBucket removes every version', async () => {
    await expect(store.createBucket('../escape')).rejects.toThrow(/invalid bucket name/);
    await expect(store.putObject('no-such-bucket', key, 'x')).rejects.toThrow(/bucket s3:\/\/no-such-bucket does not exist/);
    await store.putObject(bucket, key, 'x');
    await store.deleteBucket(bucket);
    await store.deleteBucket(bucket); // idempotent
    await expect(stat(path.join(root, 'local', 's3', bucket))).rejects.toThrow(/ENOENT/);
    await expect(store.listVersions(bucket)).rejects.toThrow(/does not exist/);
  });
});

describe('LocalObjectStore under kill -9', () => {
  test('a writer killed mid-put never leaves a half version visible', async () => {
    const {build} = await import('esbuild');
    const script = path.join(root, 'writer.mjs');
    // The real module, bundled, in a child that puts 2 MB bodies until it is killed.
    await build({
      stdin: {
        contents: `import {LocalObjectStore} from ${JSON.stringify(path.resolve('source/backends/local/object-store.ts'))};
          const store = new LocalObjectStore(process.argv[2]);
          for (let i = 0; ; i++) { const v = await store.putObject('${bucket}', '${key}', Buffer.alloc(2 << 20, i % 251)); console.log(v.versionId); }`,
        resolveDir: process.cwd(),
        loader: 'ts',
      },
      bundle: true, platform: 'node', format: 'esm', outfile: script, logLevel: 'silent',
    });
    const {execa} = await import('execa');
    const child = execa('node', [script, path.join(root, 'local', 's3')], {reject: false, buffer: false});
    let printed = 0;
    await new Promise<void>((resolve) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        printed += chunk.toString().split('\n').filter(Boolean).length;
        if (printed >= 3) resolve();
      });
    });
    child.kill('SIGKILL');
    await child;
    const versions = await store.listVersions(bucket, key);
    expect(versions.length).toBeGreaterThanOrEqual(3);
    for (const v of versions) {
      const {body} = await store.getObject(bucket, key, v.versionId); // verifies the MD5: a torn body throws
      expect(body.length).toBe(2 << 20);
    }
    await store.putObject(bucket, key, 'after the crash');
    expect((await readdir(keyDir())).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
  });
});
