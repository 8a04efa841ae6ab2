/**
 * What a complete local walkthrough leaves in its state dir, derived from its state.json, and the checks
 * that the files on disk are exactly that: nothing missing, nothing extra (no temp file, no orphan object
 * version, no stale lock).
 */
import {X509Certificate, createHash, createPublicKey} from 'node:crypto';
import {execFileSync} from 'node:child_process';
import {readFile, readdir, stat} from 'node:fs/promises';
import path from 'node:path';
import {expect} from 'vitest';
import {STEP_IDS} from '../../source/state/constants.js';
import {runBuilt} from './built-cli.js';

/** Every file under dir, relative, sorted (dot files included). */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string) => {
    for (const entry of await readdir(path.join(dir, rel), {withFileTypes: true})) {
      const child = path.join(rel, entry.name);
      if (entry.isDirectory()) await walk(child);
      else out.push(child);
    }
  };
  await walk('');
  return out.sort();
}

/** Path → mode and sha256 of every file, to show that a refused command changed nothing. */
export async function snapshot(dir: string): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const file of await listFiles(dir)) {
    const full = path.join(dir, file);
    const info = await stat(full);
    result[file] = `${(info.mode & 0o777).toString(8)} ${createHash('sha256').update(await readFile(full)).digest('hex')}`;
  }
  return result;
}

interface RawState {
  cas: Record<string, {certificate?: string; chain?: string; key?: string}>;
  clients: Record<string, {certificate?: string; key?: string; passphraseFile?: string; p12?: Record<string, string>}>;
  api?: {id: string};
  domain?: {name: string};
  truststore?: {bucket: string; key: string; pinnedVersion?: string; versions: {versionId: string; file: string}[]};
  outsider?: {caCertificate: string; certificate: string; key: string};
}

/** The files a finished walkthrough owns, computed from its state (the layout of the local backend). */
export function expectedFiles(state: RawState): string[] {
  const files = ['state.json'];
  for (const ca of Object.values(state.cas)) files.push(ca.certificate!, ca.chain!, ca.key!);
  for (const client of Object.values(state.clients)) {
    files.push(client.certificate!, client.key!);
    if (client.passphraseFile) files.push(client.passphraseFile);
    files.push(...Object.values(client.p12 ?? {}));
  }
  const domain = state.domain!.name;
  files.push(
    `local/apigateway/apis/${state.api!.id}.json`,
    `local/apigateway/domains/${domain}.json`,
    'local/public-ca/certificate.pem',
    'local/public-ca/key.pem',
    `local/server/${domain}.pem`,
    `local/server/${domain}-key.pem`,
  );
  const ts = state.truststore!;
  const keyDir = path.join('local', 's3', ts.bucket, createHash('sha256').update(ts.key).digest('hex'));
  ts.versions.forEach((v, i) => {
    files.push(v.file, path.join(keyDir, `${v.versionId}.body`), path.join(keyDir, `${String(i + 1).padStart(8, '0')}-${v.versionId}.json`));
  });
  const o = state.outsider!;
  files.push(o.caCertificate, o.certificate, o.key);
  return files.map((f) => path.normalize(f)).sort();
}

const openssl = (args: string[]) => execFileSync('openssl', args, {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']});

/**
 * Asserts a complete walkthrough: every step done, 4 CAs, 2 clients, a pinned 4-certificate truststore,
 * 2 versions in state and 2 on disk, clients verified by openssl against the truststore, each client key
 * opened with its passphrase, and exactly the expected files on disk.
 */
export async function expectCompleteWalkthrough(dir: string, label: string, passphrase?: string): Promise<void> {
  const status = await runBuilt(['status', '--json', '--state-dir', dir]);
  expect(status.code, `${label}: status --json (${status.stderr})`).toBe(0);
  const doc = JSON.parse(status.stdout);
  expect(doc.steps.map((s: {id: string; status: string}) => `${s.id}:${s.status}`), label).toEqual(STEP_IDS.map((id) => `${id}:done`));
  expect(doc.cas.filter((c: {certificate: string | null}) => c.certificate).length, label).toBe(4);
  expect(doc.clients.filter((c: {certificate: string | null}) => c.certificate).length, label).toBe(2);
  expect(doc.truststore.certificates.length, label).toBe(4);
  expect(doc.truststore.versions.length, label).toBe(2);
  expect(doc.truststore.version, label).toBe(doc.truststore.versions[1].versionId);

  const state = JSON.parse(await readFile(path.join(dir, 'state.json'), 'utf8')) as RawState;
  const onDisk = await listFiles(dir);
  const versionsOnDisk = onDisk.filter((f) => f.startsWith(`local${path.sep}s3${path.sep}`) && /\d{8}-[\w-]{32}\.json$/.test(f));
  expect(versionsOnDisk.length, `${label}: object versions on disk`).toBe(2);
  expect(onDisk, `${label}: files on disk`).toEqual(expectedFiles(state));
  // The pinned version in the object store holds the same 4 certificates as the truststore file.
  const pinnedBody = onDisk.find((f) => f.endsWith(`${doc.truststore.version}.body`))!;
  const bundle = await readFile(doc.truststore.file, 'utf8');
  expect(bundle.match(/-----BEGIN CERTIFICATE-----/g), label).toHaveLength(4);
  expect(await readFile(path.join(dir, pinnedBody), 'utf8'), `${label}: pinned object body`).toBe(bundle);

  for (const client of doc.clients as {name: string; certificate: string; key: string; passphraseFile?: string}[]) {
    expect(openssl(['verify', '-CAfile', doc.truststore.file, client.certificate]), label).toContain(': OK');
    const pass = passphrase ? `pass:${passphrase}` : `file:${client.passphraseFile}`;
    // The key opens with the passphrase the wizard would use and belongs to the certificate: a crash
    // never strands an unusable key or pairs a certificate with another key.
    expect(openssl(['pkey', '-in', client.key, '-passin', pass, '-pubout']), `${label}: ${client.name} key`).toBe(publicKeyOf(client.certificate));
  }
  // Each CA key belongs to its certificate (node:crypto here: 8 more openssl runs per check add up).
  for (const ca of Object.values(state.cas)) {
    const fromKey = createPublicKey(await readFile(path.join(dir, ca.key!), 'utf8')).export({type: 'spki', format: 'pem'});
    const fromCertificate = new X509Certificate(await readFile(path.join(dir, ca.certificate!))).publicKey.export({type: 'spki', format: 'pem'});
    expect(fromKey, `${label}: ${ca.key}`).toBe(fromCertificate);
  }
}

const publicKeyOf = (certificate: string) => openssl(['x509', '-in', certificate, '-noout', '-pubkey']);
