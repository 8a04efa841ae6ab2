// The published package, as `npx mtls-wizard` gets it: `npm pack`, then `npm install` of the tarball into an
// empty project, offline. dist/ is a self-contained esbuild bundle, so the install must pull in nothing else
// (no runtime dependencies that the bundle already holds), stay small, and the installed bin must run the
// local walkthrough and the aws dry run with only its own files.
import {execFile, spawn} from 'node:child_process';
import {readdir, stat, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {promisify} from 'node:util';
import {beforeAll, describe, expect, it} from 'vitest';
import {ROOT, ensureBuilt} from '../helpers/built-cli.js';
import {tempDir} from '../helpers/temp.js';
import {freePort} from '../helpers/wait.js';

const execFileAsync = promisify(execFile);
const MAX_NODE_MODULES_BYTES = 30 * 1024 * 1024;

beforeAll(() => ensureBuilt());

/** Total size in bytes of the files under dir (symlinks counted as links, not followed). */
async function sizeOf(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, {withFileTypes: true})) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += await sizeOf(full);
    else if (entry.isFile()) total += (await stat(full)).size;
  }
  return total;
}

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command with only the environment named here: no NODE_PATH, no repo on the way to node_modules. */
function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {cwd, env: {PATH: process.env['PATH'], ...env}, stdio: ['ignore', 'pipe', 'pipe']});
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({code, stdout, stderr});
    });
  });
}

describe('the packed package (npm pack, then npm install of the tarball)', () => {
  it('installs offline with no dependencies, under 30 MB, and its bin runs the local walkthrough and the aws dry run', async () => {
    const work = await tempDir('mtls-wizard-pack-');
    // --ignore-scripts: pack the dist/ the suite already built; a prepack rebuild would empty dist/ under the
    // other end-to-end tests running at the same time.
    const packed = await execFileAsync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {cwd: ROOT});
    const [{filename, files}] = JSON.parse(packed.stdout) as [{filename: string; files: Array<{path: string}>}];
    expect(files.map((f) => f.path)).toContain('dist/cli.js');

    const app = path.join(work, 'app');
    await execFileAsync('mkdir', [app]);
    await writeFile(path.join(app, 'package.json'), JSON.stringify({name: 'pack-check', private: true}));
    // Offline, with an empty cache and a registry address where nothing listens: any dependency the tarball
    // asked for would make this fail fast instead of reaching the network.
    const closed = await freePort();
    const npmEnv = {
      HOME: work,
      npm_config_cache: path.join(work, 'npm-cache'),
      npm_config_userconfig: path.join(work, 'npmrc'),
      npm_config_registry: `http://127.0.0.1:${closed}/`,
    };
    const install = await run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', path.join(work, filename)], app, npmEnv);
    expect(install.stderr).not.toMatch(/ERR!/);
    expect(install.code).toBe(0);

    // Nothing but the tool itself was installed, and it is small.
    const installed = (await readdir(path.join(app, 'node_modules'))).filter((name) => !name.startsWith('.'));
    expect(installed).toEqual(['mtls-wizard']);
    expect(await sizeOf(path.join(app, 'node_modules'))).toBeLessThanOrEqual(MAX_NODE_MODULES_BYTES);

    // Every lazily loaded chunk (Ink, the prompts, the AWS SDK clients, execa) loads from the installed files
    // alone. The one exception is the chunk for react-devtools-core, which Ink imports only when DEV=true.
    const chunks = path.join(app, 'node_modules', 'mtls-wizard', 'dist', 'chunks');
    const loadAll = `
      import {readdirSync} from 'node:fs';
      const failed = [];
      for (const file of readdirSync(${JSON.stringify(chunks)}).filter((f) => f.endsWith('.js'))) {
        try { await import(${JSON.stringify(chunks + '/')} + file); } catch (error) { failed.push(String(error.message).split('\\n')[0]); }
      }
      console.log(JSON.stringify(failed));`;
    const loaded = await run(process.execPath, ['--input-type=module', '-e', loadAll], app, {HOME: work});
    expect(loaded.code).toBe(0);
    const failures = JSON.parse(loaded.stdout) as string[];
    expect(failures.filter((message) => !message.includes("'react-devtools-core'"))).toEqual([]);

    const bin = path.join(app, 'node_modules', '.bin', 'mtls-wizard');
    const cliEnv = {HOME: work, CI: 'true', NO_COLOR: '1'};

    // The local walkthrough, headless, in a temp state dir.
    const state = path.join(work, 'state');
    const walkthrough = await run(bin, ['run', '--yes', '--port', String(await freePort()), '--state-dir', state], app, cliEnv);
    expect(walkthrough.stderr).toBe('');
    expect(walkthrough.code).toBe(0);
    expect(walkthrough.stdout).toContain('walkthrough complete');
    const status = await run(bin, ['status', '--json', '--state-dir', state], app, cliEnv);
    expect(status.code).toBe(0);
    const parsed = JSON.parse(status.stdout) as {steps: Array<{status: string}>; checks: Record<string, Array<{ok: boolean}>>};
    expect(parsed.steps.length).toBeGreaterThan(0);
    expect(parsed.steps.every((step) => step.status === 'done')).toBe(true);
    const checks = Object.values(parsed.checks).flat();
    expect(checks.length).toBeGreaterThan(0);
    expect(checks.every((check) => check.ok)).toBe(true);

    // The aws dry run prints the plan and calls nothing.
    const dryRun = await run(bin, ['run', '--backend', 'aws', '--dry-run', '--state-dir', path.join(work, 'aws-dry')], app, cliEnv);
    expect(dryRun.code).toBe(0);
    expect(dryRun.stdout).toContain('acm-pca IssueCertificate');
    expect(dryRun.stdout).toContain('apigateway UpdateDomainName');

    // A real aws run reaches the bundled SDK: with an endpoint where nothing listens, its first call fails
    // as a network error, not as a module that cannot be found.
    const aws = await run(bin, ['run', '--backend', 'aws', '--yes', '--state-dir', path.join(work, 'aws')], app, {
      ...cliEnv,
      AWS_ACCESS_KEY_ID: 'AKIDTESTTESTTEST',
      AWS_SECRET_ACCESS_KEY: 'test-secret-not-real',
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL: `http://127.0.0.1:${closed}`,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_MAX_ATTEMPTS: '1',
    });
    expect(aws.stdout + aws.stderr).toContain('cannot reach the AWS endpoint');
    expect(aws.stdout + aws.stderr).not.toMatch(/Cannot find (module|package)|ERR_MODULE_NOT_FOUND/);
  });
});
