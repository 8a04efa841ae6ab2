import {existsSync} from 'node:fs';
import {mkdir, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {runCli} from '../helpers/cli.js';
import {tempDir} from '../helpers/temp.js';

/** [description, extra args, what the one error line must say] */
const FLAG_CASES: [string, string[], RegExp][] = [
  ['unknown flag', ['run', '--colour'], /Unknown option '--colour'/],
  ['unknown command', ['deploy'], /unknown command "deploy"/],
  ['domain with underscore', ['run', '--domain', 'api_x.mtls.test'], /--domain.*underscores/],
  ['domain with one label', ['run', '--domain', 'localhost'], /--domain.*at least two labels/],
  ['empty domain', ['run', '--domain', ''], /--domain.*must not be empty/],
  ['domain too long', ['run', '--domain', `${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.${'e'.repeat(60)}.test`], /--domain.*253/],
  ['unknown key algorithm', ['run', '--key-algorithm', 'RSA_1024'], /--key-algorithm.*RSA_2048, RSA_4096, EC_prime256v1, EC_secp384r1/],
  ['unknown step', ['run', '--until', 'deploy'], /--until.*no such step/],
  ['unknown backend', ['run', '--backend', 'gcp'], /--backend.*local or aws/],
  ['validity zero', ['run', '--root-validity-days', '0'], /--root-validity-days.*at least 1 day/],
  ['validity negative', ['run', '--client-validity-days=-5'], /--client-validity-days.*at least 1 day/],
  ['negative value without =', ['run', '--client-validity-days', '-5'], /--client-validity-days.*attached with =/],
  ['validity not a number', ['run', '--root-validity-days', 'ten'], /--root-validity-days.*not a whole number/],
  ['child outlives parent', ['run', '--intermediate-validity-days', '4000'], /--intermediate-validity-days.*not be longer than the root CA/],
  ['CA name with a space', ['run', '--ca-names', 'root CA,a,b,c'], /--ca-names.*letters, digits/],
  ['CA name too long', ['run', '--ca-names', `${'r'.repeat(65)},a,b,c`], /--ca-names.*64 characters/],
  ['wrong number of CA names', ['run', '--ca-names', 'a,b'], /--ca-names.*exactly 4 names/],
  ['duplicate names', ['run', '--ca-names', 'a,b,c,a'], /must be different/],
  ['resource path without slash', ['run', '--resource-path', 'hoge'], /--resource-path.*start with \//],
  ['port out of range', ['run', '--port', '70000'], /--port.*1 to 65535/],
  ['flag of another command', ['status', '--domain', 'a.b.c'], /--domain does not apply to `status`/],
];

describe('bad input on the command line', () => {
  it.each(FLAG_CASES)('%s: one clear line, exit 2, nothing created', async (_name, args, expected) => {
    const dir = path.join(await tempDir(), 'state');
    const result = await runCli([...args, '--state-dir', dir]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^mtls-wizard: /);
    expect(lines[0]).toMatch(expected);
    expect(lines[0]).not.toMatch(/\bat .*\.(ts|js):\d+/); // no stack trace
    expect(existsSync(dir)).toBe(false);
  });
});

describe('bad AWS_MAX_ATTEMPTS', () => {
  it('is refused on aws with the rule, exit 2, nothing created; the local backend does not read it', async () => {
    const dir = path.join(await tempDir(), 'state');
    const result = await runCli(['run', '--backend', 'aws', '--yes', '--state-dir', dir], {AWS_MAX_ATTEMPTS: 'three', AWS_REGION: 'us-east-1'});
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/AWS_MAX_ATTEMPTS.*whole number from 1 to 999.*"three"/);
    expect(existsSync(dir)).toBe(false);
    const local = await runCli(['run', '--backend', 'local', '--until', 'root-ca', '--state-dir', dir], {AWS_MAX_ATTEMPTS: 'three'});
    expect(local.code, local.stderr).toBe(0);
  });
});

describe('bad --config files', () => {
  const cases: [string, string | null, RegExp][] = [
    ['missing file', null, /does not exist/],
    ['not JSON', '{domain: x}', /not valid JSON/],
    ['not an object', '[]', /JSON object/],
    ['wrong type', '{"port": "8443"}', /field port/],
    ['unknown field', '{"domian": "a.b"}', /unknown field "domian"/],
    ['bad value', '{"domain": "a_b.test"}', /domain.*underscores/],
    ['bad key algorithm', '{"keyAlgorithm": "DSA"}', /key-algorithm/],
  ];
  it.each(cases)('%s', async (_name, content, expected) => {
    const root = await tempDir();
    const config = path.join(root, 'config.json');
    if (content !== null) await writeFile(config, content);
    const dir = path.join(root, 'state');
    const result = await runCli(['run', '--config', config, '--state-dir', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(expected);
    expect(existsSync(dir)).toBe(false);
  });

  it('a state dir that is a file is refused without touching it', async () => {
    const file = path.join(await tempDir(), 'state');
    await writeFile(file, 'mine');
    const result = await runCli(['run', '--state-dir', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/not a directory/);
  });
});

describe('flags that contradict a stored walkthrough', () => {
  it('refuses to change the domain of a started walkthrough', async () => {
    const dir = path.join(await tempDir(), 'state');
    await mkdir(dir);
    expect((await runCli(['run', '--until', 'root-ca', '--state-dir', dir])).code).toBe(0);
    const result = await runCli(['run', '--domain', 'other.example.com', '--state-dir', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/cannot change domain.*api\.mtls\.test/);
  });
});
