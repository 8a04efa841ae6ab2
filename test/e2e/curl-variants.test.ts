import {execFileSync, spawn} from 'node:child_process';
import {chmod, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {CLI, ensureBuilt, runBuilt} from '../helpers/built-cli.js';
import {freePort, until} from '../helpers/wait.js';
import {tempDir} from '../helpers/temp.js';

beforeAll(() => ensureBuilt());

const realCurl = execFileSync('sh', ['-c', 'command -v curl'], {encoding: 'utf8'}).trim();

/** A curl on PATH that reports another TLS library in `curl -V` and otherwise is the real curl. */
async function curlReporting(dir: string, library: string): Promise<string> {
  const bin = path.join(dir, 'bin');
  execFileSync('mkdir', ['-p', bin]);
  const script = `#!/bin/sh\nif [ "$1" = "-V" ]; then ${realCurl} -V | sed 's#OpenSSL/[0-9a-z.]*#${library}#g'; exit 0; fi\nexec ${realCurl} "$@"\n`;
  await writeFile(path.join(bin, 'curl'), script);
  await chmod(path.join(bin, 'curl'), 0o755);
  return bin;
}

describe('curl variants', () => {
  it('with a curl that ignores --pass for PEM keys, the checks present the PKCS#12 file instead', async () => {
    const root = await tempDir();
    const dir = path.join(root, 'state');
    expect((await runBuilt(['run', '--state-dir', dir])).code).toBe(0);
    const bin = await curlReporting(root, 'GnuTLS/3.7.9');
    const connect = await runBuilt(['connect', '--json', '--state-dir', dir], {PATH: `${bin}:${process.env['PATH']}`});
    expect(connect.stderr).toBe('');
    const report = JSON.parse(connect.stdout);
    expect(report.ok).toBe(true);
    const client1 = report.results.find((r: {name: string}) => r.name === 'client1');
    expect(client1.httpStatus).toBe(200);
    expect(client1.command).toMatch(/--cert ".*\/clients\/client1\/client\.p12:\$\(cat .*passphrase\.txt\)" --cert-type P12/);
    expect(client1.command).not.toContain('--key');
    // `gateway` prints the same form, and it works when pasted, with that curl first on PATH.
    const port = await freePort();
    const env = {...process.env, PATH: `${bin}:${process.env['PATH']}`};
    const gateway = spawn(process.execPath, [CLI, 'gateway', '--port', String(port), '--state-dir', dir], {stdio: ['ignore', 'pipe', 'pipe'], env});
    let out = '';
    gateway.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await until(() => out.includes('Press Ctrl-C'));
      expect(out).toMatch(/your curl uses GnuTLS\/3\.7\.9, which ignores --pass for PEM keys/);
      const command = /^  (curl -v --cert .*client1\/client\.p12.*)$/m.exec(out)![1]!;
      const status = execFileSync('bash', ['-c', command.replace('curl -v', 'curl -s -o /dev/null -w %{http_code}')], {encoding: 'utf8', env});
      expect(status).toBe('200');
    } finally {
      gateway.kill('SIGTERM');
      await new Promise((resolve) => gateway.once('close', resolve));
    }
  });

  it('with an OpenSSL curl, the checks use PEM with --pass, as the article does', async () => {
    const dir = path.join(await tempDir(), 'state');
    expect((await runBuilt(['run', '--until', 'connect', '--state-dir', dir])).code).toBe(0);
    const connect = await runBuilt(['connect', '--json', '--state-dir', dir]);
    const client1 = JSON.parse(connect.stdout).results.find((r: {name: string}) => r.name === 'client1');
    expect(client1.command).toMatch(/^curl -v --key \S+key\.pem --cert \S+certificate\.pem --pass "\$\(cat \S+passphrase\.txt\)" --resolve api\.mtls\.test:8443:127\.0\.0\.1 --cacert \S+ https:\/\/api\.mtls\.test:8443\/hoge\/auth$/);
  });

  it('without curl, connect says so and how to get it', async () => {
    const dir = path.join(await tempDir(), 'state');
    expect((await runBuilt(['run', '--until', 'client-cert', '--state-dir', dir])).code).toBe(0);
    const connect = await runBuilt(['connect', '--state-dir', dir], {PATH: '/nonexistent'});
    expect(connect.code).toBe(1);
    expect(connect.stderr).toMatch(/curl was not found/);
    expect(connect.stderr).toMatch(/install curl/i);
  });
});
