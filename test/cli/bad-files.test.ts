import {existsSync} from 'node:fs';
import {mkdir, readFile, readdir, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {newState} from '../../source/state/new-state.js';
import {buildInputs, defaultChoices} from '../../source/wizard/inputs.js';
import {runCli} from '../helpers/cli.js';
import {tempDir} from '../helpers/temp.js';

const valid = () => newState('local', buildInputs(defaultChoices()));
const truncated = JSON.stringify(valid(), null, 2).slice(0, 200);

const STATE_CASES: [string, string, RegExp][] = [
  ['empty state file', '', /the file is empty/],
  ['truncated state file', truncated, /not valid JSON/],
  ['state from a newer version', JSON.stringify({...valid(), version: 7}), /newer mtls-wizard \(state version 7/],
  ['state with a wrong version type', JSON.stringify({...valid(), version: '1'}), /field version/],
  ['state with wrong types', JSON.stringify({...valid(), cas: []}), /field cas/],
  ['state with a bad step status', JSON.stringify({...valid(), steps: {'root-ca': {status: 7}}}), /field steps\.root-ca\.status/],
];

describe('bad state files', () => {
  it.each(STATE_CASES)('%s: run and status refuse with one line naming the file; the file stays byte-for-byte', async (_name, content, why) => {
    const dir = await tempDir();
    const file = path.join(dir, 'state.json');
    await writeFile(file, content);
    for (const command of [['run', '--yes'], ['status', '--json'], ['connect'], ['teardown', '--yes']]) {
      const result = await runCli([...command, '--state-dir', dir]);
      expect(result.code).toBe(1);
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(file);
      expect(lines[0]).toMatch(why);
      expect(result.stdout).toBe('');
    }
    expect(await readFile(file, 'utf8')).toBe(content);
    expect(await readdir(dir)).toEqual(['state.json']);
  });
});

const PASSPHRASES: [string, string, RegExp][] = [
  ['too short', 'abc', /4 to 128 characters/],
  ['too long', 'a'.repeat(129), /4 to 128 characters/],
  ['with #', 'pass#word', /'#'/],
  ['with $', 'pass$word', /'\$'/],
  ['with %', 'pass%word', /'%'/],
  ['not ASCII', 'pässwörd', /ASCII/],
];

describe('bad passphrases', () => {
  it.each(PASSPHRASES)('%s, from the environment or a file: one line naming the source and the rule, never the passphrase, nothing created', async (_name, passphrase, rule) => {
    const root = await tempDir();
    const dir = path.join(root, 'state');
    const fromEnv = await runCli(['run', '--state-dir', dir], {MTLS_WIZARD_PASSPHRASE: passphrase});
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.stderr).toMatch(/MTLS_WIZARD_PASSPHRASE/);
    expect(fromEnv.stderr).toMatch(rule);
    expect(fromEnv.stderr).not.toContain(passphrase);
    const file = path.join(root, 'pass.txt');
    await writeFile(file, `${passphrase}\n`);
    const fromFile = await runCli(['run', '--passphrase-file', file, '--state-dir', dir]);
    expect(fromFile.code).toBe(2);
    expect(fromFile.stderr).toMatch(/--passphrase-file/);
    expect(fromFile.stderr).toMatch(rule);
    expect(fromFile.stderr).not.toContain(passphrase);
    expect(fromFile.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(dir)).toBe(false);
  });

  it('a missing passphrase file is named', async () => {
    const root = await tempDir();
    const result = await runCli(['run', '--passphrase-file', path.join(root, 'nope.txt'), '--state-dir', path.join(root, 's')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/cannot read --passphrase-file .*nope\.txt: ENOENT/);
    expect(existsSync(path.join(root, 's'))).toBe(false);
  });
});

describe('commands on a state dir with no walkthrough', () => {
  it.each([['status'], ['connect'], ['teardown', '--yes'], ['gateway']])('%s says there is nothing there and creates nothing', async (...command) => {
    const dir = path.join(await tempDir(), 'empty');
    await mkdir(dir);
    const result = await runCli([...command, '--state-dir', dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/there is no walkthrough there.*run `mtls-wizard run` first/);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('bad truststore files for `truststore check`', () => {
  const CERT_BODY = 'MIIBszCCAVmgAwIBAgIUQ'; // the start of a certificate, cut off
  const cases: [string, string | null, string, RegExp][] = [
    ['missing file', null, 'file-not-found', /no such file/],
    ['empty file', '', 'empty', /empty/i],
    ['not PEM', 'hello, I am not a certificate\n', 'not-pem', /PEM/],
    ['truncated PEM', `-----BEGIN CERTIFICATE-----\n${CERT_BODY}\n`, 'truncated-pem', /END CERTIFICATE|truncated|cut/i],
    ['a private key instead of a certificate', '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIGJ1bm55IGJ1bm55IGJ1bm55IGJ1bm55IGJ1bm55IGJ1bg==\n-----END PRIVATE KEY-----\n', 'private-key', /private key/],
  ];
  it.each(cases)('%s: exit 1, the JSON names the rule, the text never echoes the content', async (_name, content, code, why) => {
    const dir = await tempDir();
    const file = path.join(dir, 'truststore.pem');
    if (content !== null) await writeFile(file, content);
    const json = await runCli(['truststore', 'check', file, '--json']);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout);
    expect(report.ok).toBe(false);
    expect(report.errors[0].code).toBe(code);
    expect(report.errors[0].message).toMatch(why);
    const text = await runCli(['truststore', 'check', file]);
    expect(text.code).toBe(1);
    expect(text.stdout + text.stderr).not.toContain('MC4CAQAw');
    expect(await readdir(dir)).toEqual(content === null ? [] : ['truststore.pem']);
  });
});
