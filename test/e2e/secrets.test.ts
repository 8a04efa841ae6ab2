/**
 * Issue 5 item 4: no passphrase and no private key material in state.json, in the output of run, status
 * and connect (text and --json), nor in error output; every private key and passphrase file is 0600 (or
 * 0400) in a 0700 folder. Run with each passphrase source: generated, --passphrase-file, the environment.
 */
import {mkdtemp, readFile, rm, stat, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ensureBuilt, runBuilt} from '../helpers/built-cli.js';
import {listFiles} from '../helpers/walkthrough-files.js';

let root: string;
beforeAll(async () => {
  ensureBuilt();
  root = await mkdtemp(path.join(os.tmpdir(), 'mtls-wizard-secrets-'));
});
afterAll(() => rm(root, {recursive: true, force: true}));

const WRONG = 'Wrong-But-Valid-Passphrase-77';

interface Case {
  readonly name: string;
  /** The passphrase the user gives, or undefined: the wizard generates one per client. */
  readonly given?: string;
  readonly source: 'generated' | 'file' | 'env';
}

const CASES: Case[] = [
  {name: 'generated passphrases (the default)', source: 'generated'},
  {name: '--passphrase-file', source: 'file', given: 'From-A-File-Passphrase-31'},
  {name: 'MTLS_WIZARD_PASSPHRASE', source: 'env', given: 'From-The-Env-Passphrase-64'},
];

/** Base64 body lines of every PEM private key under dir, plus the files they are in. */
async function privateKeyMaterial(dir: string): Promise<{files: string[]; lines: string[]}> {
  const files: string[] = [];
  const lines: string[] = [];
  for (const file of await listFiles(dir)) {
    const text = await readFile(path.join(dir, file), 'latin1');
    if (!text.includes('PRIVATE KEY-----')) continue;
    files.push(file);
    for (const block of text.matchAll(/-----BEGIN [A-Z ]*PRIVATE KEY-----\n([\s\S]*?)-----END/g)) {
      lines.push(...block[1]!.split('\n').filter((l) => l.length >= 16));
    }
  }
  return {files, lines};
}

describe.concurrent('secrets stay secret', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const dir = path.join(root, c.source);
      const passFile = path.join(root, `${c.source}-passphrase.txt`);
      const args = c.source === 'file' ? ['--passphrase-file', passFile] : [];
      const env = c.source === 'env' ? {MTLS_WIZARD_PASSPHRASE: c.given} : {};
      if (c.source === 'file') await writeFile(passFile, `${c.given}\n`, {mode: 0o600});

      const outputs: string[] = [];
      const cli = async (argv: string[], extraEnv: NodeJS.ProcessEnv = env) => {
        const result = await runBuilt([...argv, '--state-dir', dir], extraEnv);
        outputs.push(result.stdout, result.stderr);
        return result;
      };
      const run = await cli(['run', ...args]);
      expect(run.code, run.stderr).toBe(0);
      expect((await cli(['status', '--json'])).code).toBe(0);
      expect((await cli(['status'])).code).toBe(0);
      const connect = await cli(['connect', '--json', ...args]);
      expect(connect.code, connect.stderr).toBe(0);
      const wrong = await cli(['connect', '--json'], {MTLS_WIZARD_PASSPHRASE: WRONG});
      if (c.source === 'generated') {
        // A key made with a generated passphrase is opened with it (state records which keys have one), whatever
        // passphrase is given for other clients' keys.
        expect(wrong.code, wrong.stderr).toBe(0);
      } else {
        // A wrong passphrase fails clearly (curl cannot use the key), without echoing either passphrase.
        expect(wrong.code).toBe(1);
        const results = JSON.parse(wrong.stdout).results as {name: string; ok: boolean; reason?: string}[];
        expect(results.filter((r) => !r.ok).map((r) => r.name)).toEqual(['client1', 'client2']);
        expect(results[0]!.reason).toMatch(/could not use the client key .*passphrase is wrong/);
        expect((await cli(['connect'], {MTLS_WIZARD_PASSPHRASE: WRONG})).code).toBe(1);
      }
      // A passphrase that breaks the rules is refused by naming the rule, not by echoing it.
      const refused = await cli(['run'], {MTLS_WIZARD_PASSPHRASE: 'Bad$Passphrase%Value'});
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/MTLS_WIZARD_PASSPHRASE/);
      expect(refused.stderr).not.toContain('Bad$Passphrase%Value');

      const files = await listFiles(dir);
      const generated = files.filter((f) => path.basename(f) === 'passphrase.txt');
      // A passphrase the user gave is never copied to disk; generated ones live in their own files.
      expect(generated).toHaveLength(c.source === 'generated' ? 2 : 0);
      const passphrases = c.given ? [c.given] : await Promise.all(generated.map(async (f) => (await readFile(path.join(dir, f), 'utf8')).trim()));
      const keys = await privateKeyMaterial(dir);
      // 4 CAs, 2 clients, the stand-in public CA, the server and the outsider: all keys are seen.
      expect(keys.files.length).toBeGreaterThanOrEqual(9);
      expect(keys.lines.length).toBeGreaterThan(keys.files.length);

      const state = await readFile(path.join(dir, 'state.json'), 'utf8');
      for (const [where, text] of [['state.json', state], ...outputs.map((o, i) => [`output ${i}`, o] as const)] as const) {
        expect(text, where).not.toMatch(/PRIVATE KEY/);
        for (const secret of [...passphrases, WRONG]) expect(text.includes(secret), `${where} holds a passphrase`).toBe(false);
        const leaked = keys.lines.filter((line) => text.includes(line));
        expect(leaked, `${where} holds private key material`).toEqual([]);
      }

      // Every key file (PEM or PKCS#12) and passphrase file: 0600 or 0400, in a 0700 folder.
      const secretFiles = [...keys.files, ...generated, ...files.filter((f) => f.endsWith('.p12'))];
      for (const file of secretFiles) {
        const mode = (await stat(path.join(dir, file))).mode & 0o777;
        expect([0o600, 0o400], `${file} mode ${mode.toString(8)}`).toContain(mode);
        const folder = (await stat(path.dirname(path.join(dir, file)))).mode & 0o777;
        expect(folder, `folder of ${file}`).toBe(0o700);
      }
    });
  }
});
