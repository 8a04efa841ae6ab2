import {readFileSync} from 'node:fs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {truststoreCheck} from '../../source/commands/truststore-check.js';
import {articleHierarchy, Pki} from './fixtures.js';

let pki: Pki;
let a: ReturnType<typeof articleHierarchy>;

beforeAll(() => {
  pki = new Pki();
  a = articleHierarchy(pki);
});
afterAll(() => pki.cleanup());

async function run(file: string, json: boolean, now?: Date) {
  let stdout = '';
  let stderr = '';
  const code = await truststoreCheck(file, {json, now}, {stdout: (s) => (stdout += s), stderr: (s) => (stderr += s)});
  return {code, stdout, stderr, json: json && stdout ? (JSON.parse(stdout) as Record<string, unknown> & {errors: {code: string}[]}) : undefined};
}

describe('truststore check --json', () => {
  it('prints exactly ok, certificates, errors and warnings, and exits 0 for a good bundle', async () => {
    const file = pki.write('good.pem', a.intermediateCA0.pem + a.rootCA.pem);
    const {code, json, stderr} = await run(file, true);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(Object.keys(json ?? {})).toEqual(['ok', 'certificates', 'errors', 'warnings']);
    expect(json).toMatchObject({ok: true, errors: [], warnings: []});
    expect(json?.certificates).toEqual([
      expect.objectContaining({subject: 'CN=intermediateCA0', issuer: 'CN=rootCA', isCa: true, selfSigned: false, keyDescription: 'EC P-256'}),
      expect.objectContaining({subject: 'CN=rootCA', selfSigned: true, fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/)}),
    ]);
  });

  it('exits 0 with warnings only, 1 with an error', async () => {
    const duplicated = await run(pki.write('dup.pem', a.rootCA.pem + a.rootCA.pem), true);
    expect(duplicated.code).toBe(0);
    expect(duplicated.json).toMatchObject({ok: true, warnings: [{code: 'duplicate-dropped', subject: 'CN=rootCA'}]});
    const intermediateOnly = await run(pki.write('int-only.pem', a.intermediateCA0.pem), true);
    expect(intermediateOnly.code).toBe(1);
    expect(intermediateOnly.json).toMatchObject({ok: false, errors: [{code: 'issuer-missing', subject: 'CN=intermediateCA0', apiGateway: expect.any(String), client: expect.any(String)}]});
  });

  it('gives each kind of unusable file its own error code and exit 1', async () => {
    const cut = a.rootCA.pem.slice(0, 200);
    const cases: [string, string][] = [
      [pki.write('empty.pem', ''), 'empty'],
      [pki.write('text.pem', 'just some text\n'), 'not-pem'],
      [pki.write('cut.pem', cut), 'truncated-pem'],
      [a.rootCA.keyPath, 'private-key'],
      [pki.path('no-such-file.pem'), 'file-not-found'],
      [pki.dir, 'file-unreadable'],
    ];
    for (const [file, expected] of cases) {
      const {code, json} = await run(file, true);
      expect({file, code, codes: json?.errors.map((e) => e.code)}).toEqual({file, code: 1, codes: [expected]});
    }
  });

  it('names the missing path in JSON and in the readable form', async () => {
    const missing = pki.path('missing.pem');
    const asJson = await run(missing, true);
    expect(asJson.json).toEqual({ok: false, certificates: [], errors: [{code: 'file-not-found', message: expect.stringContaining(missing)}], warnings: []});
    const readable = await run(missing, false);
    expect(readable.code).toBe(1);
    expect(readable.stdout).toBe('');
    expect(readable.stderr).toContain(`failed to read the truststore file ${missing}: no such file`);
  });

  it('says a file holds a private key without printing any of it', async () => {
    const keyPem = readFileSync(a.rootCA.keyPath, 'utf8');
    const secretLine = keyPem.split('\n')[1] ?? '';
    expect(secretLine.length).toBeGreaterThan(20);
    for (const json of [true, false]) {
      const {stdout, stderr} = await run(a.rootCA.keyPath, json);
      expect(stdout + stderr).toMatch(/private key/);
      expect(stdout + stderr).not.toContain(secretLine.slice(0, 16));
    }
  });
});

describe('truststore check (readable)', () => {
  it('prints the report with the file name and the verdict', async () => {
    const file = pki.write('readable.pem', a.intermediateCA0.pem);
    const {code, stdout} = await run(file, false);
    expect(code).toBe(1);
    expect(stdout).toContain(`${file}: 1 certificate, 1 error, 0 warnings`);
    expect(stdout).toContain('error [issuer-missing]');
    expect(stdout).toContain('Result: not ready to upload.');
  });

  it('judges validity at the given time', async () => {
    const file = pki.write('later.pem', a.intermediateCA0.pem + a.rootCA.pem);
    const {code, stdout} = await run(file, false, new Date(Date.now() + 6 * 365 * 86_400_000));
    expect(code).toBe(0);
    expect(stdout).toContain('warning [expired] CN=intermediateCA0 expired on');
  });
});
