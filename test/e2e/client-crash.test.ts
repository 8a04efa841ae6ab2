/**
 * Issue 9 item 10: `client add`, `client revoke` and `client renew` SIGKILLed in the middle of their file
 * writes, then run again: the re-run completes, and nothing is issued or revoked twice (one CRL entry per
 * serial, the renewed client's old serial in previous/ and on the CRL, openssl accepts the result).
 */
import {execFileSync, spawnSync} from 'node:child_process';
import {cp, mkdtemp, readFile, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ensureBuilt, runBuilt} from '../helpers/built-cli.js';
import {type KillTrigger, describeTrigger, runAndKill} from '../helpers/kill-cli.js';
import {listFiles} from '../helpers/walkthrough-files.js';
import {freePort} from '../helpers/wait.js';

const openssl = (args: string[]) => execFileSync('openssl', args, {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']});

let root: string;
let template: string;
let seq = 0;

beforeAll(async () => {
  ensureBuilt();
  root = await mkdtemp(path.join(os.tmpdir(), 'mtls-wizard-client-crash-'));
  template = path.join(root, 'template');
  const run = await runBuilt(['run', '--port', String(await freePort()), '--state-dir', template]);
  expect(run.code, run.stdout.slice(-600)).toBe(0);
}, 120_000);
afterAll(() => rm(root, {recursive: true, force: true}));

/** A copy of the finished walkthrough (paths in the state are relative, so a copy is a walkthrough of its own). */
async function copy(): Promise<string> {
  const dir = path.join(root, `wt-${++seq}`);
  await cp(template, dir, {recursive: true});
  return dir;
}

async function stateOf(dir: string) {
  return JSON.parse(await readFile(path.join(dir, 'state.json'), 'utf8'));
}

/** A fresh copy, the command killed there at the trigger, then run again: it must complete and leave no torn temp file. */
async function killThenRerun(args: string[], trigger: KillTrigger): Promise<string> {
  const dir = await copy();
  await killThenRerunIn(dir, args, trigger);
  if ('write' in trigger) expect((await listFiles(dir)).filter((f) => /(^|\/)\.[^/]+\.tmp$/.test(f)), describeTrigger(trigger)).toEqual([]);
  return dir;
}

const ADD: KillTrigger[] = [
  {write: /^clients\/client3\/\.passphrase\.txt\./},
  {write: /^clients\/client3\/\.key\.pem\./},
  {write: /^\.state\.json\./, after: /^clients\/client3\/\.certificate\.pem\./},
  {write: /^clients\/client3\/\.client-compatible\.p12\./},
];

const REVOKE: KillTrigger[] = [
  {write: /^\.state\.json\./, nth: 1},
  {write: /^cas\/intermediateCA2\/\.crl\.pem\./},
  {write: /^\.state\.json\./, after: /^cas\/intermediateCA2\/\.crl\.pem\./},
];

const RENEW: KillTrigger[] = [
  {write: /^\.state\.json\./, nth: 1},
  {write: /^clients\/client1\/\.key\.pem\./},
  {write: /^clients\/client1\/\.certificate\.pem\./},
  {write: /^clients\/client1\/\.client\.p12\./},
  {write: /^cas\/intermediateCA0\/\.crl\.pem\./},
  {write: /^\.state\.json\./, after: /^cas\/intermediateCA0\/\.crl\.pem\./},
];

describe('client commands survive SIGKILL at any write', () => {
  describe.concurrent('client add', () => {
    for (const trigger of ADD) {
      it(describeTrigger(trigger), async () => {
        const dir = await killThenRerun(['client', 'add', 'client3'], trigger);
        const state = await stateOf(dir);
        const client = state.clients.client3;
        expect(client.p12).toBeDefined();
        openssl(['verify', '-CAfile', path.join(dir, state.truststore.versions.at(-1).file), path.join(dir, client.certificate)]);
        // The key opens with the passphrase file the state names, and belongs to the certificate.
        const pass = (await readFile(path.join(dir, client.passphraseFile), 'utf8')).trim();
        const pub = openssl(['pkey', '-in', path.join(dir, client.key), '-passin', `pass:${pass}`, '-pubout']);
        expect(openssl(['x509', '-in', path.join(dir, client.certificate), '-noout', '-pubkey'])).toBe(pub);
      }, 120_000);
    }
  });

  describe.concurrent('client revoke', () => {
    for (const trigger of REVOKE) {
      it(describeTrigger(trigger), async () => {
        const serial = (await stateOf(template)).clients.client2.serial;
        const dir = await killThenRerun(['client', 'revoke', 'client2', '--reason', 'keyCompromise', '--yes'], trigger);
        const state = await stateOf(dir);
        expect(state.clients.client2).toMatchObject({revocationReason: 'keyCompromise'});
        expect(state.cas.intermediateCA2.revoked.map((r: {serial: string}) => r.serial)).toEqual([serial]);
        const crl = path.join(dir, 'cas', 'intermediateCA2', 'crl.pem');
        const text = openssl(['crl', '-in', crl, '-CAfile', path.join(dir, 'cas', 'intermediateCA2', 'chain.pem'), '-noout', '-text']);
        expect(text.match(/Serial Number:/g)).toHaveLength(1);
        const verify = spawnSync('openssl', ['verify', '-crl_check', '-CAfile', path.join(dir, 'cas', 'intermediateCA2', 'chain.pem'), '-CRLfile', crl, path.join(dir, state.clients.client2.certificate)], {encoding: 'utf8'});
        expect(verify.stdout + verify.stderr).toContain('certificate revoked');
      }, 120_000);
    }
  });

  describe.concurrent('client renew', () => {
    for (const trigger of RENEW) {
      it(describeTrigger(trigger), async () => {
        const old = (await stateOf(template)).clients.client1;
        const dir = await killThenRerun(['client', 'renew', 'client1', '--yes'], trigger);
        const state = await stateOf(dir);
        const client = state.clients.client1;
        expect(client.renewal).toBeUndefined();
        expect(client.serial).not.toBe(old.serial);
        expect(openssl(['x509', '-in', path.join(dir, 'clients', 'client1', 'previous', 'certificate.pem'), '-noout', '-serial']).trim()).toBe(`serial=${old.serial.toUpperCase()}`);
        // The old serial is revoked once, as superseded; the new certificate passes the CRL check.
        expect(state.cas.intermediateCA0.revoked).toEqual([{serial: old.serial, revokedAt: expect.any(String), reason: 'superseded'}]);
        const chain = path.join(dir, 'cas', 'intermediateCA0', 'chain.pem');
        const crl = path.join(dir, 'cas', 'intermediateCA0', 'crl.pem');
        expect(openssl(['verify', '-crl_check', '-CAfile', chain, '-CRLfile', crl, path.join(dir, client.certificate)])).toContain(': OK');
        const pass = (await readFile(path.join(dir, client.passphraseFile), 'utf8')).trim();
        const pub = openssl(['pkey', '-in', path.join(dir, client.key), '-passin', `pass:${pass}`, '-pubout']);
        expect(openssl(['x509', '-in', path.join(dir, client.certificate), '-noout', '-pubkey'])).toBe(pub);
      }, 120_000);
    }
  });
});

async function killThenRerunIn(dir: string, args: string[], trigger: KillTrigger): Promise<void> {
  const label = `${args.join(' ')} killed at ${describeTrigger(trigger)}`;
  const partial = await runAndKill([...args, '--state-dir', dir], dir, trigger);
  expect(partial.killed, `${label}: it ended before the kill (code ${partial.code})\n${partial.stderr}${partial.stdout.slice(-600)}`).toBe(true);
  if ('write' in trigger) expect((await listFiles(dir)).filter((f) => trigger.write.test(f)), `${label}: the half-written file`).toHaveLength(1);
  const rerun = await runBuilt([...args, '--state-dir', dir]);
  expect(rerun.code, `${label}: the re-run failed\n${rerun.stderr}${rerun.stdout.slice(-1000)}`).toBe(0);
  expect(rerun.stderr, label).toBe('');
}
