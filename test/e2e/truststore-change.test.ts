/**
 * Issue 9 items 5, 6 and 10 on the local backend, with the built CLI: a partner's chain made by openssl joins
 * the truststore (`truststore add`), its client then gets 200 through the local gateway with real curl; a
 * retired CA (`truststore remove`) takes every CA below it, and their clients get 403. Versions, pins and
 * contents are read back from the state and the object store; bad input changes nothing; kill -9 at any
 * moment then a re-run stores exactly one new version.
 */
import {execFile, execFileSync} from 'node:child_process';
import {cp, mkdtemp, readFile, readdir, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ensureBuilt, runBuilt} from '../helpers/built-cli.js';
import {type GatewayProcess, startGateway} from '../helpers/gateway-process.js';
import {type KillTrigger, describeTrigger, runAndKill, spawnStopped} from '../helpers/kill-cli.js';
import {listFiles, snapshot} from '../helpers/walkthrough-files.js';
import {type PartnerPki, makePartnerPki} from '../local/openssl-fixtures.js';

let root: string;
let base: string;
let partner: PartnerPki;

beforeAll(async () => {
  ensureBuilt();
  root = await mkdtemp(path.join(os.tmpdir(), 'mtls-truststore-change-'));
  base = path.join(root, 'base');
  const run = await runBuilt(['run', '--state-dir', base]);
  expect(run.code, run.stdout.slice(-800)).toBe(0);
  partner = await makePartnerPki(await mkdtemp(path.join(root, 'partner-')));
}, 120_000);
afterAll(() => rm(root, {recursive: true, force: true}));

let seq = 0;
/** A copy of the finished walkthrough (paths in state are relative, so a copy is a walkthrough of its own). */
async function walkthrough(): Promise<string> {
  const dir = path.join(root, `wt-${++seq}`);
  await cp(base, dir, {recursive: true});
  return dir;
}

async function status(dir: string) {
  const result = await runBuilt(['status', '--json', '--state-dir', dir]);
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
}

const readState = async (dir: string) => JSON.parse(await readFile(path.join(dir, 'state.json'), 'utf8'));
const subjectsOf = (pem: string) =>
  [...pem.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)].map((m) => execFileSync('openssl', ['x509', '-noout', '-subject'], {input: m[0], encoding: 'utf8'}).trim());

/** Every version the local object store holds for the truststore object. */
async function storedVersions(dir: string): Promise<number> {
  const files = await listFiles(path.join(dir, 'local', 's3'));
  return files.filter((f) => /\/\d{8}-[A-Za-z0-9_-]{32}\.json$/.test(f)).length;
}

/** curl with a client certificate (unencrypted key) through the gateway: the HTTP status. */
function curlStatus(dir: string, gateway: GatewayProcess, cert: string, key: string): Promise<number> {
  const resolve = `api.mtls.test:${gateway.port}:127.0.0.1`;
  const args = ['-s', '-o', '/dev/null', '-w', '%{http_code}', '--noproxy', '*', '--resolve', resolve, '--cacert', path.join(dir, 'local/public-ca/certificate.pem'), '--cert', cert, '--key', key, `https://api.mtls.test:${gateway.port}/hoge/auth`];
  return new Promise((res, rej) => execFile('curl', args, (error, stdout) => (error && !stdout ? rej(error) : res(Number(stdout)))));
}

/** client1/client2 of the walkthrough: their keys are encrypted, so curl gets --pass. */
function ourClientStatus(dir: string, gateway: GatewayProcess, name: string): Promise<number> {
  const c = (f: string) => path.join(dir, 'clients', name, f);
  return readFile(c('passphrase.txt'), 'utf8').then((pass) => {
    const args = ['-s', '-o', '/dev/null', '-w', '%{http_code}', '--noproxy', '*', '--resolve', `api.mtls.test:${gateway.port}:127.0.0.1`, '--cacert', path.join(dir, 'local/public-ca/certificate.pem'), '--cert', c('certificate.pem'), '--key', c('key.pem'), '--pass', pass.trim(), `https://api.mtls.test:${gateway.port}/hoge/auth`];
    return new Promise<number>((res, rej) => execFile('curl', args, (error, stdout) => (error && !stdout ? rej(error) : res(Number(stdout)))));
  });
}

describe('truststore add FILE (a partner CA chain made by openssl)', () => {
  it('adds only the missing certificates, pins a new version, records external CAs, and the partner client gets in', async () => {
    const dir = await walkthrough();
    const before = await status(dir);
    const gateway = await startGateway(dir);
    try {
      expect(await curlStatus(dir, gateway, partner.client.cert, partner.client.key)).toBe(403);

      // The partner's file also carries our rootCA by mistake: it is named as already there, not added again.
      const file = path.join(root, 'partner-plus-root.pem');
      await writeFile(file, (await readFile(partner.chainFile, 'utf8')) + (await readFile(path.join(dir, 'cas/rootCA/certificate.pem'), 'utf8')));
      const add = await runBuilt(['truststore', 'add', file, '--json', '--state-dir', dir]);
      expect(add.stderr).toBe('');
      expect(add.code).toBe(0);
      const report = JSON.parse(add.stdout);
      expect(report.added.map((c: {name: string}) => c.name)).toEqual(['Partner-Root-CA', 'Partner-Issuing-CA']);
      expect(report.alreadyPresent.map((c: {name: string}) => c.name)).toEqual(['rootCA']);
      expect(report.previousVersion).toBe(before.truststore.version);
      expect(report.version).not.toBe(before.truststore.version);

      const after = await status(dir);
      expect(after.truststore.version).toBe(report.version);
      expect(after.truststore.versions).toHaveLength(before.truststore.versions.length + 1);
      expect(await storedVersions(dir)).toBe(before.truststore.versions.length + 1);
      // The pinned bundle as openssl reads it: the four CAs of the walkthrough and the partner's two, once each.
      const pinnedPem = await readFile(after.truststore.file, 'utf8');
      expect(subjectsOf(pinnedPem).sort()).toEqual(
        ['CN = intermediateCA0', 'CN = intermediateCA1', 'CN = intermediateCA2', 'CN = rootCA', 'O = Partner Inc, CN = Partner Issuing CA', 'O = Partner Inc, CN = Partner Root CA'].map((s) => `subject=${s}`).sort(),
      );
      expect(execFileSync('openssl', ['verify', '-purpose', 'sslclient', '-CAfile', after.truststore.file, partner.client.cert], {encoding: 'utf8'})).toContain(': OK');

      const state = await readState(dir);
      expect(state.cas['Partner-Root-CA']).toMatchObject({external: true, parent: null, subject: 'O=Partner Inc, CN=Partner Root CA'});
      expect(state.cas['Partner-Issuing-CA']).toMatchObject({external: true, parent: 'Partner-Root-CA', pathLen: 0});
      for (const name of ['Partner-Root-CA', 'Partner-Issuing-CA']) {
        expect(state.cas[name].key).toBeUndefined();
        expect(state.cas[name].arn).toBeUndefined();
      }
      expect(await readFile(path.join(dir, state.cas['Partner-Issuing-CA'].certificate), 'utf8')).toBe(partner.issuing.certPem);
      expect(after.cas.filter((c: {external?: boolean}) => c.external).map((c: {name: string; parent: string | null}) => [c.name, c.parent])).toEqual([
        ['Partner-Root-CA', null],
        ['Partner-Issuing-CA', 'Partner-Root-CA'],
      ]);

      // The gateway picks the new version up without a restart: the partner client and ours get in.
      expect(await curlStatus(dir, gateway, partner.client.cert, partner.client.key)).toBe(200);
      expect(await ourClientStatus(dir, gateway, 'client1')).toBe(200);

      // Adding the same chain again is done: nothing uploaded, the same version stays pinned.
      const again = await runBuilt(['truststore', 'add', partner.chainFile, '--state-dir', dir]);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain('nothing to add: Partner-Issuing-CA, Partner-Root-CA already in the truststore');
      expect((await status(dir)).truststore.version).toBe(report.version);
      expect(await storedVersions(dir)).toBe(before.truststore.versions.length + 1);
    } finally {
      gateway.child.kill('SIGTERM');
      await gateway.exited;
    }
  }, 120_000);

  it('refuses bad input with one line naming the rule, and changes nothing', async () => {
    const dir = await walkthrough();
    const notPem = path.join(root, 'not-pem.txt');
    await writeFile(notPem, 'hello\n');
    const issuingOnly = path.join(root, 'issuing-only.pem');
    await writeFile(issuingOnly, partner.issuing.certPem);
    const cases: [string[], RegExp][] = [
      [['truststore', 'add', notPem], /cannot add .*not-pem\.txt to the truststore: the input is not PEM/],
      [['truststore', 'add', partner.client.cert], /CN=partner-client is not a CA certificate .*never a client certificate/],
      [['truststore', 'add', issuingOnly], /does not reach a self-signed root: the issuer of O=Partner Inc, CN=Partner Issuing CA \(O=Partner Inc, CN=Partner Root CA\) is neither in the file nor in the truststore/],
      [['truststore', 'add', path.join(root, 'missing.pem')], /cannot read .*missing\.pem: no such file/],
      [['truststore', 'remove', 'noSuchCA', '--yes'], /cannot remove "noSuchCA" from the truststore: there is no CA of that name; the CAs are rootCA, intermediateCA0/],
      [['truststore', 'remove', 'rootCA', '--yes'], /cannot remove rootCA from the truststore: it would remove the last CA \(with intermediateCA0, intermediateCA1, intermediateCA2 below it\).*(?:mtls-wizard|node \S*dist\/cli\.js) teardown.*truststoreUri/],
      [['truststore', 'remove', 'intermediateCA1'], /truststore remove intermediateCA1 needs confirmation: there is no terminal to ask on. Fix: add --yes/],
    ];
    const before = await snapshot(dir);
    for (const [args, message] of cases) {
      const result = await runBuilt([...args, '--state-dir', dir]);
      expect(result.code, args.join(' ')).not.toBe(0);
      expect(result.stdout, args.join(' ')).toBe('');
      expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(result.stderr, args.join(' ')).toMatch(message);
      expect(await snapshot(dir), args.join(' ')).toEqual(before);
    }
  }, 120_000);
});

describe('truststore remove CA', () => {
  it('retires the CA and every CA below it; their clients get 403, the rest still get in', async () => {
    const dir = await walkthrough();
    const add = await runBuilt(['truststore', 'add', partner.chainFile, '--state-dir', dir]);
    expect(add.code, add.stderr).toBe(0);
    const before = await status(dir);
    const gateway = await startGateway(dir);
    try {
      const removePartner = await runBuilt(['truststore', 'remove', 'Partner-Root-CA', '--yes', '--json', '--state-dir', dir]);
      expect(removePartner.code, removePartner.stderr).toBe(0);
      const report = JSON.parse(removePartner.stdout);
      expect(report.removed.map((r: {name: string}) => r.name)).toEqual(['Partner-Root-CA', 'Partner-Issuing-CA']);
      expect(await curlStatus(dir, gateway, partner.client.cert, partner.client.key)).toBe(403);
      expect(await ourClientStatus(dir, gateway, 'client1')).toBe(200);

      // intermediateCA1 takes intermediateCA2 with it (client2's issuer); rootCA above it stays.
      const removeUpper = await runBuilt(['truststore', 'remove', 'intermediateCA1', '--yes', '--state-dir', dir]);
      expect(removeUpper.code, removeUpper.stderr).toBe(0);
      expect(removeUpper.stdout).toContain('✓ removed intermediateCA1, intermediateCA2 from');
      expect(removeUpper.stdout).toContain('no longer trusted (they get 403): client2');
      expect(await ourClientStatus(dir, gateway, 'client2')).toBe(403);
      expect(await ourClientStatus(dir, gateway, 'client1')).toBe(200);

      const after = await status(dir);
      expect(after.truststore.versions).toHaveLength(before.truststore.versions.length + 2);
      expect(after.truststore.version).toBe(after.truststore.versions.at(-1).versionId);
      expect(subjectsOf(await readFile(after.truststore.file, 'utf8')).sort()).toEqual(['subject=CN = intermediateCA0', 'subject=CN = rootCA']);
      // Old versions stay stored (API Gateway may still point at one until the pin settles): never deleted.
      expect(await storedVersions(dir)).toBe(before.truststore.versions.length + 2);

      // Removing it again is done: nothing uploaded.
      const again = await runBuilt(['truststore', 'remove', 'intermediateCA1', '--yes', '--state-dir', dir]);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain('intermediateCA1 is not in the truststore');
      expect(await storedVersions(dir)).toBe(before.truststore.versions.length + 2);

      // A CA above stays even with no child left: retiring intermediateCA0 leaves rootCA alone, and client1 out.
      const removeLast = await runBuilt(['truststore', 'remove', 'intermediateCA0', '--yes', '--json', '--state-dir', dir]);
      expect(removeLast.code, removeLast.stderr).toBe(0);
      expect(JSON.parse(removeLast.stdout).removed.map((r: {name: string}) => r.name)).toEqual(['intermediateCA0']);
      expect(subjectsOf(await readFile((await status(dir)).truststore.file, 'utf8'))).toEqual(['subject=CN = rootCA']);
      expect(await ourClientStatus(dir, gateway, 'client1')).toBe(403);
    } finally {
      gateway.child.kill('SIGTERM');
      await gateway.exited;
    }
  }, 120_000);
});

describe('the state lock', () => {
  it('a second truststore command is refused while `truststore add` holds the lock, nothing changed', async () => {
    const dir = await walkthrough();
    const holder = await spawnStopped(['truststore', 'add', partner.chainFile, '--state-dir', dir], /^adding /);
    try {
      const before = await snapshot(dir);
      const second = await runBuilt(['truststore', 'remove', 'intermediateCA1', '--yes', '--state-dir', dir]);
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/the state dir .* is in use: (?:mtls-wizard|node \S*dist\/cli\.js) truststore add \(pid \d+/);
      expect(await snapshot(dir)).toEqual(before);
    } finally {
      await holder.kill();
    }
    // The holder died with the lock: the next command takes it over and completes the add.
    const rerun = await runBuilt(['truststore', 'add', partner.chainFile, '--state-dir', dir]);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stdout).toContain('✓ added Partner-Root-CA, Partner-Issuing-CA');
  }, 60_000);
});

describe('crash safety: kill -9 during truststore add / remove, then run again', () => {
  const ADD_POINTS: KillTrigger[] = [
    // The pending-upload token is being saved (the first state write of the command).
    {write: /^\.state\.json\./, nth: 1},
    {write: /^truststore\/\.truststore-add-/},
    {write: /^local\/s3\/.*\/\.tmp-/, nth: 1},
    // The upload is complete; the state write that records its version is cut.
    {write: /^\.state\.json\./, after: /^local\/s3\/.*\/\.tmp-/},
    {write: /^local\/apigateway\/domains\/\./},
    {write: /^cas\/Partner-Issuing-CA\/\./},
  ];
  for (const trigger of ADD_POINTS) {
    it(`truststore add killed at ${describeTrigger(trigger)}`, async () => {
      const dir = await walkthrough();
      const versionsBefore = await storedVersions(dir);
      const killed = await runAndKill(['truststore', 'add', partner.chainFile, '--state-dir', dir], dir, trigger);
      expect(killed.killed, killed.stderr + killed.stdout).toBe(true);
      const rerun = await runBuilt(['truststore', 'add', partner.chainFile, '--state-dir', dir]);
      expect(rerun.code, rerun.stderr).toBe(0);
      const after = await status(dir);
      expect(await storedVersions(dir)).toBe(versionsBefore + 1);
      expect(after.truststore.versions).toHaveLength(versionsBefore + 1);
      expect(after.truststore.version).toBe(after.truststore.versions.at(-1).versionId);
      expect(subjectsOf(await readFile(after.truststore.file, 'utf8'))).toHaveLength(6);
      const state = await readState(dir);
      expect(Object.keys(state.cas).filter((n) => state.cas[n].external).sort()).toEqual(['Partner-Issuing-CA', 'Partner-Root-CA']);
      expect((await listFiles(dir)).filter((f) => /(^|\/)\.[^/]+\.(tmp|[0-9a-f]+)$|\.tmp-/.test(f) && !f.startsWith('local/s3'))).toEqual([]);
    }, 90_000);
  }

  it('truststore remove killed after the upload, before the pin: the re-run pins that version, uploads nothing new', async () => {
    const dir = await walkthrough();
    const versionsBefore = await storedVersions(dir);
    const killed = await runAndKill(['truststore', 'remove', 'intermediateCA1', '--yes', '--state-dir', dir], dir, {write: /^local\/apigateway\/domains\/\./});
    expect(killed.killed).toBe(true);
    const rerun = await runBuilt(['truststore', 'remove', 'intermediateCA1', '--yes', '--state-dir', dir]);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stdout).toContain('already stored by an interrupted run: reusing it');
    expect(await storedVersions(dir)).toBe(versionsBefore + 1);
    const after = await status(dir);
    expect(subjectsOf(await readFile(after.truststore.file, 'utf8')).sort()).toEqual(['subject=CN = intermediateCA0', 'subject=CN = rootCA']);
    expect(await readdir(dir)).not.toContain('state.lock');
  }, 90_000);
});
