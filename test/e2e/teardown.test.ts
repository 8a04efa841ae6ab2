/**
 * Issue 5 item 5: local teardown stops a running gateway and removes every key, certificate and truststore
 * version the walkthrough made, leaving a valid state that records nothing; it is safe to re-run, and
 * `run` builds everything again. `reset` removes the state dir, but never a folder with foreign files.
 */
import {existsSync} from 'node:fs';
import {mkdir, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {ensureBuilt, runBuilt} from '../helpers/built-cli.js';
import {listening, startGateway} from '../helpers/gateway-process.js';
import {tempDir} from '../helpers/temp.js';
import {expectCompleteWalkthrough, listFiles, snapshot} from '../helpers/walkthrough-files.js';

beforeAll(() => ensureBuilt());

async function statusOf(dir: string) {
  const result = await runBuilt(['status', '--json', '--state-dir', dir]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

/** What `status --json` shows for a walkthrough that has made nothing. */
function expectNothingMade(doc: {next: string | null; steps: {status: string}[]; cas: {certificate: unknown}[]; clients: {certificate: unknown}[]; truststore: unknown; endpoint: unknown}) {
  expect(doc.next).toBe('root-ca');
  expect(doc.steps.every((s) => s.status === 'pending')).toBe(true);
  expect(doc.cas.map((c) => c.certificate)).toEqual([null, null, null, null]);
  expect(doc.clients.map((c) => c.certificate)).toEqual([null, null]);
  expect(doc.truststore).toBeNull();
  expect(doc.endpoint).toBeNull();
}

describe('local teardown and reset', () => {
  it('stops the gateway, removes everything made, is safe to repeat, and run builds it all again', async () => {
    const dir = path.join(await tempDir(), 'wt');
    expect((await runBuilt(['run', '--state-dir', dir])).code).toBe(0);
    const before = await statusOf(dir);
    const gateway = await startGateway(dir);
    expect(existsSync(path.join(dir, 'local', 'gateway.json'))).toBe(true);

    // Without --yes and without a terminal there is nobody to confirm: refuse, delete nothing.
    const files = await snapshot(dir);
    const unconfirmed = await runBuilt(['teardown', '--state-dir', dir]);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toContain('--yes');
    expect(await snapshot(dir)).toEqual(files);
    expect(await listening(gateway.port)).toBe(true);

    const teardown = await runBuilt(['teardown', '--yes', '--state-dir', dir]);
    expect(teardown.stderr).toBe('');
    expect(teardown.code).toBe(0);
    expect(teardown.stdout).toContain(`stopped the local gateway (pid ${gateway.child.pid})`);
    await gateway.exited;
    expect(await listening(gateway.port)).toBe(false);
    // No key, certificate, truststore version, object version or control-plane record is left: only the state.
    expect(await listFiles(dir)).toEqual(['state.json']);
    expectNothingMade(await statusOf(dir));
    expect((await runBuilt(['status', '--state-dir', dir])).stdout).toContain('next: root-ca');

    const again = await runBuilt(['teardown', '--yes', '--state-dir', dir]);
    expect(again.code, again.stderr).toBe(0);
    expect(await listFiles(dir)).toEqual(['state.json']);

    const rebuilt = await runBuilt(['run', '--state-dir', dir]);
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    expect(rebuilt.stdout).not.toMatch(/reused/);
    await expectCompleteWalkthrough(dir, 'after teardown and run');
    const after = await statusOf(dir);
    expect(after.cas[0].fingerprint).not.toBe(before.cas[0].fingerprint);
    expect(after.truststore.versions.map((v: {versionId: string}) => v.versionId)).not.toContain(before.truststore.version);

    const reset = await runBuilt(['reset', '--yes', '--state-dir', dir]);
    expect(reset.code, reset.stderr).toBe(0);
    expect(existsSync(dir)).toBe(false);
  });

  it('reset refuses a folder holding files it did not make, and a folder with no walkthrough', async () => {
    const parent = await tempDir();
    const dir = path.join(parent, 'wt');
    expect((await runBuilt(['run', '--until', 'root-ca', '--state-dir', dir])).code).toBe(0);
    await writeFile(path.join(dir, 'my-notes.txt'), 'not mtls-wizard');
    const withForeign = await snapshot(dir);
    const refused = await runBuilt(['reset', '--yes', '--state-dir', dir]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('my-notes.txt');
    expect(refused.stderr).not.toMatch(/^\s+at /m);
    expect(await snapshot(dir)).toEqual(withForeign);

    const someone = path.join(parent, 'someone-elses');
    await mkdir(path.join(someone, 'cas'), {recursive: true});
    await writeFile(path.join(someone, 'cas', 'keep.pem'), 'mine');
    const notOurs = await runBuilt(['reset', '--yes', '--state-dir', someone]);
    expect(notOurs.code).not.toBe(0);
    expect(notOurs.stderr).toContain('no state.json');
    expect(await listFiles(someone)).toEqual(['cas/keep.pem']);
  });
});
