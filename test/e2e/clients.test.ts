/**
 * Issue 9: `client add|list|revoke|renew` on the local backend, through the built CLI, with openssl as the
 * independent oracle for certificates and CRLs, and real curl through the local gateway with and without
 * --check-revocation.
 */
import {execFileSync, spawnSync} from 'node:child_process';
import {mkdtemp, readFile, rm, stat, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ensureBuilt, runBuilt} from '../helpers/built-cli.js';
import {startGateway} from '../helpers/gateway-process.js';
import {freePort, until} from '../helpers/wait.js';

const openssl = (args: string[]) => execFileSync('openssl', args, {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']});
/** openssl's output and exit code, for the cases that must fail. */
const opensslTry = (args: string[]) => {
  const r = spawnSync('openssl', args, {encoding: 'utf8'});
  return {code: r.status, out: `${r.stdout}${r.stderr}`};
};

let root: string;
let dir: string;

async function statusOf() {
  const result = await runBuilt(['status', '--json', '--state-dir', dir]);
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
}

async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  return runBuilt([...args, '--state-dir', dir], env);
}

/** The CRL number openssl reads from a CRL file. */
function crlNumber(file: string): number {
  return Number(/X509v3 CRL Number:\s*\n\s*(\d+)/.exec(openssl(['crl', '-in', file, '-noout', '-text']))?.[1]);
}

beforeAll(async () => {
  ensureBuilt();
  root = await mkdtemp(path.join(os.tmpdir(), 'mtls-wizard-clients-'));
  dir = path.join(root, 'walkthrough');
  const run = await runBuilt(['run', '--port', String(await freePort()), '--state-dir', dir]);
  expect(run.code, run.stdout.slice(-800)).toBe(0);
}, 120_000);
afterAll(() => rm(root, {recursive: true, force: true}));

describe('client lifecycle on the local backend (built CLI)', () => {
  it('client add issues a client from the last issuer by default, verified by openssl, with both PKCS#12 files', async () => {
    const add = await cli(['client', 'add', 'client3', '--json']);
    expect(add.code, add.stderr).toBe(0);
    const out = JSON.parse(add.stdout);
    expect(out.client).toMatchObject({name: 'client3', issuer: 'intermediateCA2', status: 'ACTIVE', trusted: true});
    const status = await statusOf();
    openssl(['verify', '-purpose', 'sslclient', '-CAfile', status.truststore.file, out.files.certificate]);
    expect(openssl(['x509', '-in', out.files.certificate, '-noout', '-serial'])).toBe(`serial=${out.client.serial.toUpperCase()}\n`);
    expect(await readFile(out.files.key, 'utf8')).toContain('BEGIN ENCRYPTED PRIVATE KEY');
    expect((await stat(out.files.key)).mode & 0o777).toBe(0o600);
    expect((await stat(out.files.passphraseFile)).mode & 0o777).toBe(0o600);
    const pass = (await readFile(out.files.passphraseFile, 'utf8')).trim();
    expect(openssl(['pkcs12', '-in', out.files.p12.modern, '-passin', `pass:${pass}`, '-nokeys', '-clcerts'])).toContain('subject=CN = client3');
    // An explicit issuer and validity.
    const add4 = await cli(['client', 'add', 'client4', '--issuer', 'intermediateCA0', '--validity-days', '30', '--json']);
    expect(add4.code, add4.stderr).toBe(0);
    const c4 = JSON.parse(add4.stdout).client;
    expect(c4.issuer).toBe('intermediateCA0');
    expect(Date.parse(c4.notAfter) - Date.now()).toBeLessThan(31 * 86_400_000);
    const list = JSON.parse((await cli(['client', 'list', '--json'])).stdout).clients;
    expect(list.map((c: {name: string}) => c.name)).toEqual(['client1', 'client2', 'client3', 'client4']);
    expect(list.every((c: {status: string; trusted: boolean}) => c.status === 'ACTIVE' && c.trusted)).toBe(true);
  });

  it('refuses bad input with one message naming the field and the rule, and changes nothing', async () => {
    const before = await readFile(path.join(dir, 'state.json'), 'utf8');
    const cases: [string[], RegExp][] = [
      [['client', 'add', 'client1'], /cannot add client client1: the name client1 is already taken/],
      [['client', 'add', 'bad name!'], /bad client name "bad name!": a client name must start with a letter or digit/],
      [['client', 'add', 'client9', '--issuer', 'nosuchCA'], /unknown issuer "nosuchCA": no CA of this walkthrough has that name/],
      [['client', 'add', 'client9', '--validity-days', '0'], /bad value for --validity-days: 0: it must be at least 1 day/],
      [['client', 'add', 'client9', '--validity-days', 'ten'], /bad value for --validity-days.*not a whole number/],
      [['client', 'revoke', 'client3', '--reason', 'stolen', '--yes'], /bad value for --reason: "stolen": it must be one of unspecified, keyCompromise/],
      [['client', 'revoke', 'nobody', '--yes'], /cannot revoke client "nobody": there is no client of that name/],
      [['client', 'revoke', 'client3'], /needs confirmation.*add --yes/],
      [['client', 'renew', 'client3'], /needs confirmation.*add --yes/],
      [['client', 'list', 'client3'], /unexpected argument "client3"/],
      [['client', 'remove', 'client3'], /unknown client command "remove"/],
      [['client', 'add', 'client9', '--reason', 'keyCompromise'], /--reason does not apply to `client add`/],
    ];
    for (const [args, message] of cases) {
      const result = await cli(args);
      expect(result.code, args.join(' ')).not.toBe(0);
      expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(result.stderr, args.join(' ')).toMatch(message);
    }
    expect(await readFile(path.join(dir, 'state.json'), 'utf8')).toBe(before);
  });

  it('client revoke: intermediateCA2 signs a CRL that openssl verifies and that makes openssl refuse the client', async () => {
    const before = await statusOf();
    const client3 = before.clients.find((c: {name: string}) => c.name === 'client3');
    const ca = before.cas.find((c: {name: string}) => c.name === 'intermediateCA2');
    expect(ca.crl).toBeNull();
    const revoke = await cli(['client', 'revoke', 'client3', '--reason', 'keyCompromise', '--yes', '--json']);
    expect(revoke.code, revoke.stderr).toBe(0);
    const out = JSON.parse(revoke.stdout);
    expect(out).toMatchObject({alreadyRevoked: false, apiGatewayChecksRevocation: false, client: {status: 'REVOKED', revocationReason: 'keyCompromise'}});
    expect(out.gap).toMatch(/API Gateway checks no CRL.*authorizer/);
    const status = await statusOf();
    const crl = status.cas.find((c: {name: string}) => c.name === 'intermediateCA2').crl;
    expect(crl).toBe(path.join(dir, 'cas', 'intermediateCA2', 'crl.pem'));
    expect(out.crl).toBe(crl);
    expect(status.clients.find((c: {name: string}) => c.name === 'client3')).toMatchObject({status: 'REVOKED', serial: client3.serial, trusted: true, revocationReason: 'keyCompromise'});

    // openssl: the CRL is signed by intermediateCA2, lists the serial with its reason, and is valid for 7 days.
    const chain = path.join(dir, 'cas', 'intermediateCA2', 'chain.pem');
    const checked = opensslTry(['crl', '-in', crl, '-CAfile', chain, '-noout', '-text']);
    expect(checked.code).toBe(0);
    expect(checked.out).toContain('verify OK');
    expect(checked.out).toContain(`Serial Number: ${client3.serial.toUpperCase()}`);
    expect(checked.out).toContain('Key Compromise');
    expect(checked.out).toMatch(/Issuer: CN ?= ?intermediateCA2/);
    const lastUpdate = Date.parse(/Last Update: (.*)/.exec(checked.out)![1]!);
    const nextUpdate = Date.parse(/Next Update: (.*)/.exec(checked.out)![1]!);
    expect(nextUpdate - lastUpdate).toBe(7 * 86_400_000);
    expect(crlNumber(crl)).toBe(1);
    // openssl verify with the CRL refuses the revoked client, and still accepts another client of the same CA.
    const refused = opensslTry(['verify', '-crl_check', '-CAfile', chain, '-CRLfile', crl, client3.certificate]);
    expect(refused.code).not.toBe(0);
    expect(refused.out).toContain('certificate revoked');
    const client2 = status.clients.find((c: {name: string}) => c.name === 'client2');
    expect(openssl(['verify', '-crl_check', '-CAfile', chain, '-CRLfile', crl, client2.certificate])).toContain(': OK');

    // Again: done, nothing signed twice.
    const again = await cli(['client', 'revoke', 'client3', '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).alreadyRevoked).toBe(true);
    expect(crlNumber(crl)).toBe(1);
    expect((await statusOf()).cas.find((c: {name: string}) => c.name === 'intermediateCA2').revoked).toHaveLength(1);
  });

  it('the gateway lets the revoked client in as API Gateway does, and refuses it with --check-revocation', async () => {
    const curlFor = (out: string, client: string) => new RegExp(`^${client}:\\n  (curl -v .*)$`, 'm').exec(out)![1]!;
    const code = (command: string) => execFileSync('bash', ['-c', command.replace('curl -v', 'curl -s -o /dev/null -w %{http_code}')], {encoding: 'utf8'});
    const body = (command: string) => execFileSync('bash', ['-c', command.replace('curl -v', 'curl -s')], {encoding: 'utf8'});

    const plain = await startGateway(dir);
    try {
      expect(plain.output()).toContain('revocation: not checked, as on API Gateway');
      expect(code(curlFor(plain.output(), 'client3'))).toBe('200');
      await until(() => /200 GET \/hoge\/auth accepted CN=client3 — certificate revoked .*keyCompromise.*API Gateway does not check revocation/.test(plain.output()));
      expect(code(curlFor(plain.output(), 'client2'))).toBe('200');
      // connect --check-revocation does not use a gateway that does not check: it starts its own.
      const checked = await cli(['connect', '--check-revocation', '--json']);
      expect(JSON.parse(checked.stdout).results.find((r: {name: string}) => r.name === 'client3')).toMatchObject({expected: 403, httpStatus: 403, ok: true});
      expect(JSON.parse(checked.stdout).url).not.toContain(`:${plain.port}/`);
    } finally {
      plain.child.kill('SIGTERM');
      await plain.exited;
    }

    const checking = await startGateway(dir, ['--check-revocation']);
    try {
      expect(checking.output()).toContain('checked against its issuer\'s CRL');
      expect(body(curlFor(checking.output(), 'client3'))).toBe('{"message":"Forbidden"}');
      await until(() => /403 GET \/hoge\/auth rejected CN=client3 Access denied\. Reason: certificate revoked \(serial [0-9a-f]+, reason keyCompromise/.test(checking.output()));
      expect(code(curlFor(checking.output(), 'client2'))).toBe('200');
      // intermediateCA0 has no CRL yet: its client is accepted, and the log says no CRL was available.
      expect(code(curlFor(checking.output(), 'client1'))).toBe('200');
      await until(() => /accepted CN=client1 — no CRL available for intermediateCA0: accepted \(a production authorizer would rather deny\)/.test(checking.output()));
    } finally {
      checking.child.kill('SIGTERM');
      await checking.exited;
    }
  });

  it('connect follows the state: the revoked client is expected in by default and refused with --check-revocation', async () => {
    const pick = (stdout: string) => Object.fromEntries(JSON.parse(stdout).results.map((r: {name: string; expected: number; httpStatus: number; ok: boolean}) => [r.name, [r.expected, r.httpStatus, r.ok]]));
    const plain = await cli(['connect', '--json']);
    expect(plain.code, plain.stderr).toBe(0);
    expect(pick(plain.stdout)['client3']).toEqual([200, 200, true]);
    const checking = await cli(['connect', '--check-revocation', '--json']);
    expect(checking.code, checking.stderr).toBe(0);
    const results = pick(checking.stdout);
    expect(results['client3']).toEqual([403, 403, true]);
    expect(results['client2']).toEqual([200, 200, true]);
  });

  it('client renew: new key and serial, old files kept in previous/, old certificate superseded on the CRL; a revoked client comes back active', async () => {
    const before = (await statusOf()).clients.find((c: {name: string}) => c.name === 'client1');
    const oldKey = await readFile(before.key, 'utf8');
    const renew = await cli(['client', 'renew', 'client1', '--yes', '--json']);
    expect(renew.code, renew.stderr).toBe(0);
    const out = JSON.parse(renew.stdout);
    expect(out).toMatchObject({previousSerial: before.serial, revokedPrevious: true, client: {status: 'ACTIVE', issuer: 'intermediateCA0'}});
    expect(out.client.serial).not.toBe(before.serial);
    expect(await readFile(before.key, 'utf8')).not.toBe(oldKey);
    const previous = path.join(dir, 'clients', 'client1', 'previous');
    expect(await readFile(path.join(previous, 'key.pem'), 'utf8')).toBe(oldKey);
    expect(openssl(['x509', '-in', path.join(previous, 'certificate.pem'), '-noout', '-serial']).trim()).toBe(`serial=${before.serial.toUpperCase()}`);
    const crl = path.join(dir, 'cas', 'intermediateCA0', 'crl.pem');
    const text = openssl(['crl', '-in', crl, '-noout', '-text']);
    expect(text).toContain(`Serial Number: ${before.serial.toUpperCase()}`);
    expect(text).toContain('Superseded');
    const chain = path.join(dir, 'cas', 'intermediateCA0', 'chain.pem');
    expect(openssl(['verify', '-crl_check', '-CAfile', chain, '-CRLfile', crl, before.certificate])).toContain(': OK');
    expect(opensslTry(['verify', '-crl_check', '-CAfile', chain, '-CRLfile', crl, path.join(previous, 'certificate.pem')]).out).toContain('certificate revoked');

    // The revoked client3 renewed: active again, its old serial stays on the CRL (not revoked twice).
    const revoked = (await statusOf()).clients.find((c: {name: string}) => c.name === 'client3');
    const renew3 = await cli(['client', 'renew', 'client3', '--yes', '--json']);
    expect(renew3.code, renew3.stderr).toBe(0);
    expect(JSON.parse(renew3.stdout)).toMatchObject({previousSerial: revoked.serial, revokedPrevious: false, client: {status: 'ACTIVE'}});
    const ca2 = (await statusOf()).cas.find((c: {name: string}) => c.name === 'intermediateCA2');
    expect(ca2.revoked.map((r: {serial: string}) => r.serial)).toEqual([revoked.serial]);

    // Both renewed clients get in even through the CRL check.
    const checking = await cli(['connect', '--check-revocation', '--json']);
    expect(checking.code, checking.stdout).toBe(0);
  });

  it('a client whose issuer is not in the pinned truststore is listed trusted: false, expected 403 by connect, and no client is added under it', async () => {
    // Pin the first version again (intermediateCA0 + rootCA only), as retiring the second chain would:
    // in the state and in the local domain record the gateway reads.
    const stateFile = path.join(dir, 'state.json');
    const state = JSON.parse(await readFile(stateFile, 'utf8'));
    const first = state.truststore.versions[0].versionId;
    state.truststore.pinnedVersion = first;
    await writeFile(stateFile, JSON.stringify(state));
    const domainFile = path.join(dir, 'local', 'apigateway', 'domains', `${state.inputs.domain}.json`);
    await writeFile(domainFile, JSON.stringify({...JSON.parse(await readFile(domainFile, 'utf8')), truststoreVersion: first}));

    const list = JSON.parse((await cli(['client', 'list', '--json'])).stdout).clients;
    expect(Object.fromEntries(list.map((c: {name: string; trusted: boolean}) => [c.name, c.trusted]))).toEqual({client1: true, client2: false, client3: false, client4: true});
    const refused = await cli(['client', 'add', 'client5', '--issuer', 'intermediateCA2']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/cannot add client client5 under intermediateCA2: the chain of intermediateCA2 up to its root is not in the pinned truststore.*Fix: add the chain first: `.*truststore add .*chain\.pem`/);
    const connect = await cli(['connect', '--json']);
    expect(connect.code, connect.stdout).toBe(0);
    const results = Object.fromEntries(JSON.parse(connect.stdout).results.map((r: {name: string; expected: number; httpStatus: number}) => [r.name, [r.expected, r.httpStatus]]));
    expect(results['client2']).toEqual([403, 403]);
    expect(results['client1']).toEqual([200, 200]);
  });

  it('client renew with a passphrase given now: the new key uses it, and the generated file moves to previous/', async () => {
    // A passphrase given for the renewal replaces the generated one: that file goes to previous/ with the old key.
    const passFile = path.join(root, 'new-pass.txt');
    await writeFile(passFile, 'Renewal-Passphrase-42\n');
    const renew4 = await cli(['client', 'renew', 'client4', '--yes', '--passphrase-file', passFile, '--json']);
    expect(renew4.code, renew4.stderr).toBe(0);
    const c4 = (await statusOf()).clients.find((c: {name: string}) => c.name === 'client4');
    expect(c4.passphraseFile).toBeUndefined();
    expect(openssl(['pkey', '-in', c4.key, '-passin', 'pass:Renewal-Passphrase-42', '-noout'])).toBe('');
    expect(await readFile(path.join(dir, 'clients', 'client4', 'previous', 'passphrase.txt'), 'utf8')).toMatch(/\S/);
    await expect(stat(path.join(dir, 'clients', 'client4', 'passphrase.txt'))).rejects.toThrow();

    // One connect serves both kinds of client: the given file opens client4's key, and the clients whose keys
    // were made with generated passphrases still use theirs, as state records.
    const connect = await cli(['connect', '--passphrase-file', passFile, '--json']);
    const results = JSON.parse(connect.stdout).results as {name: string; expected: number; httpStatus: number}[];
    expect(results.filter((r) => r.expected !== r.httpStatus), connect.stderr).toEqual([]);
    expect(results.find((r) => r.name === 'client4')?.httpStatus).toBe(200);
    expect(results.find((r) => r.name === 'client1')?.httpStatus).toBe(200);
    expect(connect.code).toBe(0);
  });
});
