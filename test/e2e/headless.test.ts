import {execFileSync, spawn} from 'node:child_process';
import {readFile, readdir, stat} from 'node:fs/promises';
import path from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {STEP_IDS} from '../../source/state/constants.js';
import {CLI, ensureBuilt, runBuilt} from '../helpers/built-cli.js';
import {tempDir} from '../helpers/temp.js';
import {freePort, until} from '../helpers/wait.js';

beforeAll(() => ensureBuilt());

const openssl = (args: string[]) => execFileSync('openssl', args, {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']});

async function statusOf(dir: string) {
  const result = await runBuilt(['status', '--json', '--state-dir', dir]);
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
}

describe('the headless local walkthrough (built CLI, no terminal)', () => {
  it('runs every step, and what it made passes openssl and curl exactly as the article does', async () => {
    const dir = path.join(await tempDir(), 'walkthrough');
    // The default command with no terminal runs the walkthrough with defaults and never waits for input.
    const run = await runBuilt(['--state-dir', dir]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('walkthrough complete');

    const status = await statusOf(dir);
    expect(status.backend).toBe('local');
    expect(status.steps.map((s: {id: string}) => s.id)).toEqual([...STEP_IDS]);
    expect(status.steps.every((s: {status: string}) => s.status === 'done')).toBe(true);
    expect(status.cas.map((c: {name: string; parent: string | null; pathLen: number | null}) => [c.name, c.parent, c.pathLen])).toEqual([
      ['rootCA', null, null],
      ['intermediateCA0', 'rootCA', 0],
      ['intermediateCA1', 'rootCA', 1],
      ['intermediateCA2', 'intermediateCA1', 2 - 2],
    ]);
    expect(status.truststore.certificates.map((c: {subject: string}) => c.subject).sort()).toEqual(['CN=intermediateCA0', 'CN=intermediateCA1', 'CN=intermediateCA2', 'CN=rootCA']);
    expect(status.truststore.versions).toHaveLength(2);

    // openssl, as an independent check: both clients verify against the pinned truststore.
    for (const client of status.clients) {
      expect(openssl(['verify', '-purpose', 'sslclient', '-CAfile', status.truststore.file, client.certificate])).toContain(': OK');
      expect(openssl(['x509', '-in', client.certificate, '-noout', '-text'])).toContain('TLS Web Client Authentication');
      expect((await stat(client.key)).mode & 0o777).toBe(0o600);
      expect(await readFile(client.key, 'utf8')).toContain('BEGIN ENCRYPTED PRIVATE KEY');
    }
    // The first version held intermediateCA0 + rootCA only; part B added the two new CAs, not rootCA again.
    const first = await readFile(status.truststore.versions[0].file, 'utf8');
    expect(first.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    expect(run.stdout).toMatch(/CN=rootCA is already in the truststore: skipped/);

    // The state holds no secret.
    const stateText = await readFile(path.join(dir, 'state.json'), 'utf8');
    for (const client of status.clients) expect(stateText).not.toContain((await readFile(client.passphraseFile, 'utf8')).trim());
    expect(stateText).not.toMatch(/PRIVATE KEY/);

    // connect repeats the checks with real curl, starting the gateway itself.
    const connect = await runBuilt(['connect', '--json', '--state-dir', dir]);
    expect(connect.code).toBe(0);
    const results = JSON.parse(connect.stdout).results.map((r: {name: string; expected: number; httpStatus: number; ok: boolean}) => [r.name, r.expected, r.httpStatus, r.ok]);
    expect(results).toEqual([
      ['client1', 200, 200, true],
      ['client2', 200, 200, true],
      ['no-certificate', 403, 403, true],
      ['untrusted-ca', 403, 403, true],
    ]);
  });

  it('stops after --until, resumes where it stopped, and reuses what exists', async () => {
    const dir = path.join(await tempDir(), 'walkthrough');
    const first = await runBuilt(['run', '--until', 'mtls', '--state-dir', dir]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('stopped after mtls');
    const before = await statusOf(dir);
    expect(before.next).toBe('client-cert');
    expect(before.steps.filter((s: {status: string}) => s.status === 'done').map((s: {id: string}) => s.id)).toEqual(['root-ca', 'intermediate-ca', 'api', 'custom-domain', 'mtls']);

    const second = await runBuilt(['run', '--yes', '--state-dir', dir]);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/resuming: 5 of 11 steps already done; continuing at client-cert/);
    expect(second.stdout).not.toContain('[A1] root-ca');
    const after = await statusOf(dir);
    expect(after.cas[0].fingerprint).toBe(before.cas[0].fingerprint);
    expect(after.truststore.versions[0].versionId).toBe(before.truststore.versions[0].versionId);
    expect(after.steps.every((s: {status: string}) => s.status === 'done')).toBe(true);

    // A third run has nothing to do and changes nothing.
    const third = await runBuilt(['run', '--state-dir', dir]);
    expect(third.code).toBe(0);
    expect((await statusOf(dir)).truststore.versions).toHaveLength(2);
    expect((await readdir(path.join(dir, 'cas'))).sort()).toEqual(['intermediateCA0', 'intermediateCA1', 'intermediateCA2', 'rootCA']);
  });

  it('uses a passphrase from MTLS_WIZARD_PASSPHRASE, writes no passphrase file, and never prints it', async () => {
    const dir = path.join(await tempDir(), 'walkthrough');
    const passphrase = 'correct-horse-battery-staple';
    const run = await runBuilt(['run', '--key-algorithm', 'RSA_2048', '--state-dir', dir], {MTLS_WIZARD_PASSPHRASE: passphrase});
    expect(run.code).toBe(0);
    expect(run.stdout + run.stderr).not.toContain(passphrase);
    expect(run.stdout).toContain('--pass "$MTLS_WIZARD_PASSPHRASE"');
    const status = await statusOf(dir);
    expect(status.clients[0].passphraseFile).toBeUndefined();
    expect(openssl(['pkey', '-in', status.clients[0].key, '-passin', `pass:${passphrase}`, '-noout'])).toBe('');
    expect(openssl(['x509', '-in', status.cas[0].certificate, '-noout', '-text'])).toContain('sha256WithRSAEncryption');
  });

  it('`gateway` serves in the foreground and the curl commands it prints work when pasted into a shell', async () => {
    const dir = path.join(await tempDir(), 'walkthrough');
    expect((await runBuilt(['run', '--state-dir', dir])).code).toBe(0);
    const port = await freePort();
    const gateway = spawn(process.execPath, [CLI, 'gateway', '--port', String(port), '--state-dir', dir], {stdio: ['ignore', 'pipe', 'pipe']});
    let out = '';
    gateway.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await until(() => out.includes('Press Ctrl-C'));
      const commands = [...out.matchAll(/^  (curl -v .*)$/gm)].map((m) => m[1]!);
      expect(commands).toHaveLength(3); // client1, client2, and one without a certificate
      const paste = (command: string) => execFileSync('bash', ['-c', command.replace('curl -v', 'curl -s -o /dev/null -w %{http_code}')], {encoding: 'utf8'});
      expect(paste(commands[0]!)).toBe('200');
      expect(paste(commands[1]!)).toBe('200');
      expect(paste(commands[2]!)).toBe('403');
      // Requests show up in the gateway's log, with the reason for a rejection.
      await until(() => /403 GET \/hoge\/auth rejected.*Access denied. Reason: no client certificate/.test(out));
      expect(out).toMatch(/200 GET \/hoge\/auth accepted CN=client1/);
      // While it runs, `connect` uses it instead of starting its own.
      const connect = await runBuilt(['connect', '--state-dir', dir]);
      expect(connect.code).toBe(0);
      expect(connect.stdout).toContain(`using the gateway already running (pid ${gateway.pid}, port ${port})`);
    } finally {
      gateway.kill('SIGTERM');
      await new Promise((resolve) => gateway.once('close', resolve));
    }
    expect(out).toContain('gateway stopped');
  });
});
