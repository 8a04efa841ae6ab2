/**
 * --ca-source from the command line: the dry run's plan and cost with local CAs (offline: every SDK package
 * throws if loaded), and the refusals (ACM client mode, pca on the local backend, a bad value, a changed
 * source on resume), each one message naming the field, with nothing written or changed.
 */
import {mkdtemp, readFile, readdir, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, test, vi} from 'vitest';
import {newState} from '../../source/state/new-state.js';
import {StateStore} from '../../source/state/store.js';
import {buildInputs, defaultChoices} from '../../source/wizard/inputs.js';
import {runCli} from '../helpers/cli.js';

for (const pkg of ['@aws-sdk/client-acm-pca', '@aws-sdk/client-acm', '@aws-sdk/client-s3', '@aws-sdk/client-api-gateway', '@aws-sdk/client-route-53', '@aws-sdk/client-sts']) {
  vi.doMock(pkg, () => {
    throw new Error(`the test loaded ${pkg}`);
  });
}

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, {recursive: true, force: true});
  dir = undefined;
});

async function temp(): Promise<string> {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mtls-ca-source-'));
  return dir;
}

describe('--ca-source local: dry run', () => {
  test('lists no acm-pca call, says where each CA is made, and that the CAs cost nothing', async () => {
    const stateDir = path.join(await temp(), 'state');
    const result = await runCli(['run', '--backend', 'aws', '--ca-source', 'local', '--dry-run', '--state-dir', stateDir, '--region', 'eu-west-1']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = result.stdout;
    const services = [...out.matchAll(/^\s+\d+\. (\S+) /gm)].map((m) => m[1]);
    expect(services).not.toContain('acm-pca');
    expect(out).not.toMatch(/CertificateAuthority|TemplateArn/);
    for (const name of ['rootCA', 'intermediateCA0', 'intermediateCA1', 'intermediateCA2']) expect(out).toContain(`cas/${name}/key.pem`);
    expect(out).toContain('signed by intermediateCA2 on this machine');
    for (const api of ['CreateRestApi', 'CreateDomainName', 'CreateBucket', 'PutObject', 'UpdateDomainName']) expect(out).toContain(` ${api}`);
    expect(out).toMatch(/CAs: 4 made on this machine .*cost nothing/);
    expect(out).toMatch(/what remains costs cents/);
    expect(out).not.toMatch(/\$400|\/month/);
    expect(out).toMatch(/asked once before the first AWS resource/);
    await expect(readdir(stateDir)).rejects.toThrow();
  });

  test('MTLS_WIZARD_CA_SOURCE and caSource in --config choose it too', async () => {
    const base = await temp();
    const fromEnv = await runCli(['run', '--backend', 'aws', '--dry-run', '--state-dir', path.join(base, 's1'), '--region', 'eu-west-1'], {MTLS_WIZARD_CA_SOURCE: 'local'});
    expect(fromEnv.code).toBe(0);
    expect(fromEnv.stdout).not.toContain('acm-pca');
    const config = path.join(base, 'config.json');
    await writeFile(config, JSON.stringify({backend: 'aws', caSource: 'local'}));
    const fromConfig = await runCli(['run', '--dry-run', '--config', config, '--state-dir', path.join(base, 's2'), '--region', 'eu-west-1']);
    expect(fromConfig.code).toBe(0);
    expect(fromConfig.stdout).not.toContain('acm-pca');
    const pca = await runCli(['run', '--backend', 'aws', '--dry-run', '--state-dir', path.join(base, 's3'), '--region', 'eu-west-1']);
    expect(pca.stdout).toContain('acm-pca CreateCertificateAuthority');
  });
});

describe('--ca-source refusals', () => {
  const cases: [string, string[], NodeJS.ProcessEnv, RegExp][] = [
    ['ACM client mode with local CAs', ['--backend', 'aws', '--ca-source', 'local', '--client-cert-mode', 'acm'], {}, /--client-cert-mode acm with --ca-source local.*ACM issues private certificates only from an AWS Private CA/s],
    ['pca on the local backend', ['--backend', 'local', '--ca-source', 'pca'], {}, /--ca-source pca does not apply to the local backend/],
    ['pca on the default (local) backend', ['--ca-source', 'pca'], {}, /--ca-source pca does not apply to the local backend.*--backend aws/s],
    ['an unknown value', ['--backend', 'aws', '--ca-source', 'acm'], {}, /bad value for --ca-source: "acm".*pca .* or local/s],
    ['an unknown value from the environment', ['--backend', 'aws'], {MTLS_WIZARD_CA_SOURCE: 'cloud'}, /bad value for --ca-source: "cloud"/],
  ];
  test.each(cases)('%s', async (_name, args, env, message) => {
    const stateDir = path.join(await temp(), 'state');
    const result = await runCli(['run', '--state-dir', stateDir, ...args], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    await expect(readdir(stateDir)).rejects.toThrow();
  });

  test('resuming with a different source is refused with the reason and the fix, and the state is left as it was', async () => {
    const stateDir = await temp();
    const store = new StateStore(stateDir);
    await store.save(newState('aws', buildInputs({...defaultChoices(), region: 'us-east-1'})));
    const before = await readFile(path.join(stateDir, 'state.json'), 'utf8');
    const result = await runCli(['run', '--state-dir', stateDir, '--ca-source', 'local', '--yes']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/cannot switch the walkthrough .* to --ca-source local/);
    expect(result.stderr).toMatch(/its CAs are in AWS Private CA \(--ca-source pca\)/);
    expect(result.stderr).toMatch(/mtls-wizard reset --yes/);
    expect(await readFile(path.join(stateDir, 'state.json'), 'utf8')).toBe(before);
    // Without the flag nothing changed: an aws walkthrough that never chose keeps Private CA, as status says.
    expect(JSON.parse((await runCli(['status', '--json', '--state-dir', stateDir])).stdout).caSource).toBe('pca');

    const viaEnv = await runCli(['run', '--state-dir', stateDir, '--yes'], {MTLS_WIZARD_CA_SOURCE: 'local'});
    expect(viaEnv.code).toBe(2);
    expect(viaEnv.stderr).toMatch(/--ca-source local/);
  });
});

describe('--ca-source on the local backend', () => {
  test('local is accepted and changes nothing; status --json says caSource local', async () => {
    const stateDir = await temp();
    const result = await runCli(['run', '--state-dir', stateDir, '--backend', 'local', '--ca-source', 'local', '--until', 'root-ca']);
    expect(result.code, result.stderr).toBe(0);
    const stored = JSON.parse(await readFile(path.join(stateDir, 'state.json'), 'utf8'));
    expect(stored.inputs.caSource).toBeUndefined();
    const status = await runCli(['status', '--json', '--state-dir', stateDir]);
    const doc = JSON.parse(status.stdout);
    expect(doc.caSource).toBe('local');
    expect(doc.cas[0]).toMatchObject({name: 'rootCA', certificate: path.join(stateDir, 'cas/rootCA/certificate.pem')});
    expect(doc.cas[0].arn).toBeUndefined();
  });
});
