/**
 * The next-actions menu in a real terminal (tmux), with the built CLI: on a complete walkthrough the wizard
 * offers "Add a partner CA"; a partner chain made by openssl is typed in, confirmed, and the completion screen
 * then lists the partner CAs. Once with the Ink screen, once with --plain (@inquirer/prompts). Then one client
 * action each way: revoke a client on the Ink screen, add a client (a bad name refused in place) with --plain.
 */
import {mkdtemp, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {CLI, ensureBuilt, runBuilt} from '../helpers/built-cli.js';
import {tempDir} from '../helpers/temp.js';
import {freePort} from '../helpers/wait.js';
import {type PartnerPki, makePartnerPki} from '../local/openssl-fixtures.js';
import {Terminal} from '../ui/tmux.js';

let pkiDir: string;
let partner: PartnerPki;
const terminals: Terminal[] = [];

beforeAll(async () => {
  ensureBuilt();
  pkiDir = await mkdtemp(path.join(os.tmpdir(), 'mtls-tty-partner-'));
  partner = await makePartnerPki(pkiDir);
}, 120_000);
afterAll(() => rm(pkiDir, {recursive: true, force: true}));
afterEach(() => {
  while (terminals.length > 0) terminals.pop()!.kill();
});

async function completeWalkthrough(): Promise<string> {
  const dir = await tempDir();
  const run = await runBuilt(['run', '--state-dir', dir, '--port', String(await freePort())]);
  expect(run.code, run.stderr).toBe(0);
  return dir;
}

/** Sends a key until the screen satisfies the condition (a key sent before Ink listens is lost: resend after a while). */
async function keyUntil(term: Terminal, key: string, done: (screen: string) => boolean): Promise<string> {
  for (let attempt = 0; attempt < 5; attempt++) {
    term.send(key);
    const screen = await term.waitFor((s) => done(s), 4_000).catch(() => undefined);
    if (screen) return screen;
  }
  throw new Error(`the screen never changed as expected after ${key}:\n${term.visible()}`);
}

async function partnerCas(dir: string): Promise<string[]> {
  const status = await runBuilt(['status', '--json', '--state-dir', dir]);
  return JSON.parse(status.stdout).cas.filter((c: {external?: boolean}) => c.external).map((c: {name: string}) => c.name);
}

describe('next actions in a terminal', () => {
  it('Ink: pick "Add a partner CA", type the file, confirm; the completion lists the partner CAs', {timeout: 120_000}, async () => {
    const dir = await completeWalkthrough();
    const term = new Terminal('next-ink');
    terminals.push(term);
    term.run(['node', CLI, '--state-dir', dir], {columns: 120, rows: 40});
    await term.waitFor('Show the summary');
    await keyUntil(term, 'Enter', (s) => s.includes('What next?'));
    await keyUntil(term, 'Up', (s) => /› Retire a CA/.test(s));
    await keyUntil(term, 'Up', (s) => /› Add a partner CA/.test(s));
    await keyUntil(term, 'Enter', (s) => s.includes('PEM file with the partner'));
    term.send(partner.chainFile, true);
    await term.waitFor(path.basename(partner.chainFile));
    await keyUntil(term, 'Enter', (s) => s.includes('Add Partner-Root-CA, Partner-Issuing-CA to the truststore'));
    await keyUntil(term, 'Enter', (s) => s.includes('Added Partner-Root-CA, Partner-Issuing-CA'));
    const screen = await keyUntil(term, 'Enter', (s) => s.includes('[exit '));
    expect(screen).toContain('[exit 0]');
    expect(screen).toMatch(/Partner-Root-CA {2}partner CA · O=Partner Inc, CN=Partner Root CA/);
    expect(screen).toMatch(/└─ Partner-Issuing-CA {2}partner CA/);
    expect(await partnerCas(dir)).toEqual(['Partner-Root-CA', 'Partner-Issuing-CA']);
  });

  it('--plain: the same menu and form with @inquirer/prompts', {timeout: 120_000}, async () => {
    const dir = await completeWalkthrough();
    const term = new Terminal('next-plain');
    terminals.push(term);
    term.run(['node', CLI, '--plain', '--state-dir', dir], {columns: 120, rows: 40});
    await term.waitFor('Show the summary');
    term.send('Enter');
    await term.waitFor('What next?');
    await keyUntil(term, 'Up', (s) => /❯ Retire a CA/.test(s));
    await keyUntil(term, 'Up', (s) => /❯ Add a partner CA/.test(s));
    term.send('Enter');
    await term.waitFor('PEM file with the partner');
    // A client certificate is refused with the rule; the prompt stays open for another answer.
    term.send(partner.client.cert, true);
    term.send('Enter');
    await term.waitFor(/The answer was refused: .*is not a CA certificate/);
    term.send('C-u');
    term.send(partner.chainFile, true);
    term.send('Enter');
    await term.waitFor('Add Partner-Root-CA, Partner-Issuing-CA to the truststore');
    term.send('Enter');
    await term.waitFor('Added Partner-Root-CA, Partner-Issuing-CA');
    await term.waitFor((s) => s.split('What next?').length > 2);
    term.send('Enter');
    const screen = await term.waitFor('[exit ');
    expect(screen).toContain('[exit 0]');
    expect(screen).toMatch(/Partner-Issuing-CA {2}partner CA/);
    expect(await partnerCas(dir)).toEqual(['Partner-Root-CA', 'Partner-Issuing-CA']);
  });

  it('Ink: "Revoke a client", pick one, keep the reason, y; the line says API Gateway does not check and `client list` shows it revoked', {timeout: 120_000}, async () => {
    const dir = await completeWalkthrough();
    const term = new Terminal('next-ink-revoke');
    terminals.push(term);
    term.run(['node', CLI, '--state-dir', dir], {columns: 120, rows: 40});
    await term.waitFor('Show the summary');
    await keyUntil(term, 'Enter', (s) => s.includes('What next?'));
    await keyUntil(term, 'Up', (s) => /› Retire a CA/.test(s));
    await keyUntil(term, 'Up', (s) => /› Add a partner CA/.test(s));
    await keyUntil(term, 'Up', (s) => /› Revoke a client/.test(s));
    await keyUntil(term, 'Enter', (s) => s.includes('Which client should be revoked?'));
    const picked = await keyUntil(term, 'Up', (s) => /› (\S+) +ACTIVE/.test(s));
    const name = /› (\S+) +ACTIVE/.exec(picked)![1]!;
    await keyUntil(term, 'Enter', (s) => s.includes(`Why is ${name} revoked?`));
    await keyUntil(term, 'Enter', (s) => s.includes(`Revoke ${name} (serial`));
    const done = await keyUntil(term, 'y', (s) => s.includes(`Revoked ${name}`));
    expect(done.replace(/\s+/g, ' ')).toContain('API Gateway checks no CRL and no OCSP');
    const screen = await keyUntil(term, 'Enter', (s) => s.includes('[exit '));
    expect(screen).toContain('[exit 0]');
    const list = JSON.parse((await runBuilt(['client', 'list', '--json', '--state-dir', dir])).stdout) as {clients: Array<{name: string; status: string; revocationReason?: string}>};
    expect(list.clients.find((c) => c.name === name)).toMatchObject({status: 'REVOKED', revocationReason: 'unspecified'});
  });

  it('--plain: "Add a client" refuses a bad name in place, then takes the proposals; `client list` shows the new client', {timeout: 120_000}, async () => {
    const dir = await completeWalkthrough();
    const before = JSON.parse((await runBuilt(['client', 'list', '--json', '--state-dir', dir])).stdout).clients.map((c: {name: string}) => c.name) as string[];
    const term = new Terminal('next-plain-add');
    terminals.push(term);
    term.run(['node', CLI, '--plain', '--state-dir', dir], {columns: 120, rows: 40});
    await term.waitFor('Show the summary');
    term.send('Enter');
    await term.waitFor('What next?');
    for (const label of ['Retire a CA', 'Add a partner CA', 'Revoke a client', 'Renew a client', 'Add a client']) {
      await keyUntil(term, 'Up', (s) => new RegExp(`❯ ${label}`).test(s));
    }
    term.send('Enter');
    await term.waitFor('Name of the new client');
    term.send('bad name!', true);
    term.send('Enter');
    await term.waitFor(/The answer was refused: a client name must start with a letter or digit/);
    term.send('C-u');
    term.send('Enter');
    await term.waitFor('Which CA issues');
    term.send('Enter');
    await term.waitFor('in days');
    term.send('Enter');
    await term.waitFor('Passphrase for the private key of');
    term.send('Enter');
    const added = await term.waitFor(/Added (\S+) from (\S+) \(serial/);
    const [, name, issuer] = /Added (\S+) from (\S+) \(serial/.exec(added)!;
    await term.waitFor((s) => s.split('What next?').length > 2);
    term.send('Enter');
    const screen = await term.waitFor('[exit ');
    expect(screen).toContain('[exit 0]');
    const list = JSON.parse((await runBuilt(['client', 'list', '--json', '--state-dir', dir])).stdout) as {clients: Array<{name: string; issuer: string; status: string}>};
    expect(before).not.toContain(name);
    expect(list.clients.find((c) => c.name === name)).toMatchObject({issuer, status: 'ACTIVE'});
  });
});
