/** runCurl and curlCommand with the real curl against the real local gateway on 127.0.0.1. */
import {chmod, mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import net from 'node:net';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {execa} from 'execa';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {startGateway} from '../../source/backends/local/gateway.js';
import {CancelledError, UserError} from '../../source/errors.js';
import {type CurlRequest, curlCommand, detectCurl, runCurl, runCurlBatch} from '../../source/shell/curl.js';
import {SERVER_NAME, type TestPki, makeTestPki, openssl} from '../local/openssl-fixtures.js';

let pki: TestPki;
let gateway: Awaited<ReturnType<typeof startGateway>>;
let work: string;
let base: CurlRequest;

beforeAll(async () => {
  pki = await makeTestPki();
  work = await mkdtemp(path.join(tmpdir(), 'mtls-curl-'));
  gateway = await startGateway({
    port: 0, serverName: SERVER_NAME, serverCertPem: pki.server.certPem, serverKeyPem: await readFile(pki.server.key, 'utf8'),
    loadTruststore: () => ({versionId: 'v1', pem: pki.truststorePem}),
    routes: () => [{method: 'GET', path: '/hoge/auth', respond: ({clientCert}) => ({status: 200, body: {subject: clientCert.subjectDN}})}],
  });
  base = {url: gateway.url('/hoge/auth'), resolve: `${SERVER_NAME}:${gateway.port}:127.0.0.1`, cacert: pki.publicCa.cert};
});
afterAll(async () => {
  await gateway?.close();
  await pki?.cleanup();
  await rm(work, {recursive: true, force: true});
});

const client1 = () => ({...base, key: pki.client1.encryptedKey, cert: pki.client1.cert, passphrase: pki.client1.passphrase});

/** A stand-in curl that records its arguments and stdin, for what no real curl lets us observe. */
async function fakeCurl(versionLine: string): Promise<{path: string; argv: () => Promise<string>; stdin: () => Promise<string>}> {
  const dir = await mkdtemp(path.join(work, 'fake-'));
  const file = path.join(dir, 'curl');
  await writeFile(file, [
    '#!/bin/sh',
    `if [ "$1" = "-V" ]; then echo '${versionLine}'; exit 0; fi`,
    `printf '%s\\n' "$@" > '${dir}/argv'`,
    `cat > '${dir}/stdin'`,
    `printf '{}\\n@@mtls-wizard-http-status:200'`,
  ].join('\n'));
  await chmod(file, 0o755);
  return {path: file, argv: () => readFile(path.join(dir, 'argv'), 'utf8'), stdin: () => readFile(path.join(dir, 'stdin'), 'utf8')};
}

describe('detectCurl', () => {
  test('finds curl on PATH and reads its TLS library from curl -V', async () => {
    const info = await detectCurl();
    const {stdout} = await execa('curl', ['-V']);
    expect(stdout.split('\n')[0]).toContain(`curl ${info.version} `);
    expect(stdout.split('\n')[0]).toContain(` ${info.tlsLibrary} `);
    expect(path.isAbsolute(info.path)).toBe(true);
  });

  test('no curl on PATH, or a curlPath that does not exist: a UserError that says how to install it', async () => {
    const empty = await mkdtemp(path.join(work, 'empty-'));
    const missing = detectCurl({env: {PATH: empty}});
    await expect(missing).rejects.toBeInstanceOf(UserError);
    await expect(missing).rejects.toThrow(/^curl was not found on PATH: .*Fix: install curl \(e\.g\. apt-get install curl/);
    await expect(runCurl(base, {curlPath: path.join(empty, 'curl')})).rejects.toThrow(/curl was not found at .*apt-get install curl/);
  });
});

describe('runCurl against the local gateway', () => {
  test('client1 with its encrypted key and the right passphrase: 200 and the JSON names it', async () => {
    const result = await runCurl(client1());
    expect(result).toMatchObject({httpStatus: 200, exitCode: 0, body: '{"subject":"O=mtls-wizard tests,CN=client1"}'});
    expect(result.reason).toBeUndefined();
    expect(result.keyLines).toContain('SSL certificate verify ok.');
    expect(result.keyLines).toContain('> GET /hoge/auth HTTP/1.1');
    expect(result.keyLines.at(-1)).toMatch(/^< HTTP\/1\.1 200/);
    expect(result.keyLines.some((l) => /^SSL connection using TLSv1\.[23]/.test(l))).toBe(true);
  });

  test('no certificate and an outsider certificate: 403 Forbidden', async () => {
    expect(await runCurl(base)).toMatchObject({httpStatus: 403, exitCode: 0, body: '{"message":"Forbidden"}'});
    const outsider = await runCurl({...base, key: pki.outsider.key, cert: pki.outsider.cert});
    expect(outsider).toMatchObject({httpStatus: 403, body: '{"message":"Forbidden"}'});
  });

  test('a wrong passphrase: httpStatus 0 and a reason that says so, without the passphrase', async () => {
    const wrong = 'not-the-passphrase';
    const result = await runCurl({...client1(), passphrase: wrong});
    expect(result.httpStatus).toBe(0);
    expect(result.exitCode).toBe(58);
    expect(result.reason).toMatch(/^curl could not use the client key .*client1-encrypted\.key: the passphrase is wrong/);
    expect(JSON.stringify(result)).not.toContain(wrong);
  });

  test('a passphrase full of shell and config metacharacters reaches curl intact', async () => {
    const tricky = `p"a\\ss 'w$(id)\`x\` #%`;
    const key = path.join(work, 'tricky.key');
    await openssl(['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-in', pki.client1.key, '-out', key, '-passout', `pass:${tricky}`], work);
    const result = await runCurl({...base, key, cert: pki.client1.cert, passphrase: tricky});
    expect(result.httpStatus).toBe(200);
  });

  test('the passphrase goes to curl on stdin, never in its arguments', async () => {
    const fake = await fakeCurl('curl 8.4.0 (x86_64-pc-linux-gnu) libcurl/8.4.0 OpenSSL/3.1.4');
    const result = await runCurl(client1(), {curlPath: fake.path});
    expect(result.httpStatus).toBe(200);
    const argv = await fake.argv();
    expect(argv).not.toContain(pki.client1.passphrase);
    expect(argv.split('\n')).not.toContain('-q'); // the user's ~/.curlrc still applies
    expect(argv).toContain('--config\n-\n');
    expect(await fake.stdin()).toBe(`pass = "${pki.client1.passphrase}"\n`);
  });

  test("the user's own curl config (~/.curlrc) is honoured", async () => {
    const home = await mkdtemp(path.join(work, 'home-'));
    await writeFile(path.join(home, '.curlrc'), `resolve = "${SERVER_NAME}:${gateway.port}:127.0.0.1"\n`);
    const {resolve: _ignored, ...withoutResolve} = client1();
    const previous = process.env.CURL_HOME;
    process.env.CURL_HOME = home;
    try {
      expect((await runCurl(withoutResolve)).httpStatus).toBe(200);
    } finally {
      if (previous === undefined) delete process.env.CURL_HOME;
      else process.env.CURL_HOME = previous;
    }
    const unresolved = await runCurl(withoutResolve);
    expect(unresolved).toMatchObject({httpStatus: 0, exitCode: 6});
  });

  test('a curl whose TLS library cannot use --pass for PEM keys: a UserError that says what to do', async () => {
    const fake = await fakeCurl('curl 7.64.1 (x86_64-apple-darwin20.0) libcurl/7.64.1 SecureTransport zlib/1.2.11');
    const refused = runCurl(client1(), {curlPath: fake.path});
    await expect(refused).rejects.toBeInstanceOf(UserError);
    await expect(refused).rejects.toThrow(/cannot open the encrypted client key: it uses SecureTransport, which ignores --pass .*Fix: install a curl built with OpenSSL/);
    await expect(refused).rejects.not.toThrow(pki.client1.passphrase);
    // Without a passphrase that curl is fine.
    expect((await runCurl(base, {curlPath: fake.path})).httpStatus).toBe(200);
  });

  test('a server that never answers: a timeout with a clear reason; an abort cancels', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as net.AddressInfo).port;
    const request = {...base, url: `https://${SERVER_NAME}:${port}/hoge/auth`, resolve: `${SERVER_NAME}:${port}:127.0.0.1`};
    try {
      const started = Date.now();
      const result = await runCurl(request, {timeoutMs: 1000});
      expect(Date.now() - started).toBeLessThan(5000);
      expect(result).toMatchObject({httpStatus: 0, exitCode: 28});
      expect(result.reason).toMatch(/^curl timed out after 1s without an answer \(curl: \(28\)/);
      const controller = new AbortController();
      const aborted = runCurl(request, {timeoutMs: 30_000, signal: controller.signal});
      setImmediate(() => controller.abort());
      await expect(aborted).rejects.toBeInstanceOf(CancelledError);
    } finally {
      silent.close();
    }
  });
});

describe('runCurlBatch: several checks in one curl process', () => {
  const pick = (r: {httpStatus: number; exitCode: number; body: string}) => ({httpStatus: r.httpStatus, exitCode: r.exitCode, body: r.body});

  test('each transfer gets what its own curl would get: status, body, -v lines and reason, in order', async () => {
    const wrong = 'not-the-passphrase';
    const outsider = {...base, key: pki.outsider.key, cert: pki.outsider.cert};
    const requests: CurlRequest[] = [client1(), base, outsider, client1(), base];
    const batch = await runCurlBatch(requests);
    const single = await Promise.all(requests.map((r) => runCurl(r)));
    expect(batch.map(pick)).toEqual(single.map(pick));
    expect(batch.map((r) => r.httpStatus)).toEqual([200, 403, 403, 200, 403]);
    // A client certificate never carries over into the next transfer.
    expect(batch[1]!.body).toBe('{"message":"Forbidden"}');
    expect(batch[3]!.body).toBe('{"subject":"O=mtls-wizard tests,CN=client1"}');
    expect(batch[0]!.keyLines.at(-1)).toMatch(/^< HTTP\/1\.1 200/);
    expect(batch[1]!.keyLines.at(-1)).toMatch(/^< HTTP\/1\.1 403/);
    const [failed, after] = await runCurlBatch([{...client1(), passphrase: wrong}, outsider]);
    expect(failed).toMatchObject({httpStatus: 0, exitCode: 58});
    expect(failed!.reason).toMatch(/^curl could not use the client key .*client1-encrypted\.key: the passphrase is wrong/);
    expect(failed!.keyLines.some((l) => l.startsWith('< HTTP'))).toBe(false);
    expect(after).toMatchObject({httpStatus: 403, exitCode: 0});
    expect(JSON.stringify([...batch, failed])).not.toContain(wrong);
    expect(JSON.stringify([...batch, failed])).not.toContain(pki.client1.passphrase);
  });

  test('the same certificate with another passphrase is not sent down a connection the first one opened', async () => {
    const [right, wrong] = await runCurlBatch([client1(), {...client1(), passphrase: 'not-the-passphrase'}]);
    expect(right).toMatchObject({httpStatus: 200, exitCode: 0});
    expect(wrong).toMatchObject({httpStatus: 0, exitCode: 58});
  });

  test('a transfer that times out fails alone; the others still answer', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as net.AddressInfo).port;
    const hanging = {...base, url: `https://${SERVER_NAME}:${port}/hoge/auth`, resolve: `${SERVER_NAME}:${port}:127.0.0.1`};
    try {
      const [first, second, third] = await runCurlBatch([client1(), hanging, base], {timeoutMs: 1000});
      expect(first).toMatchObject({httpStatus: 200, exitCode: 0});
      expect(second).toMatchObject({httpStatus: 0, exitCode: 28});
      expect(second!.reason).toMatch(/^curl timed out after 1s without an answer/);
      expect(third).toMatchObject({httpStatus: 403, exitCode: 0});
    } finally {
      silent.close();
    }
  });

  test("with a ~/.curlrc (which curl applies to a process's first transfer only) every request gets its own curl", async () => {
    const home = await mkdtemp(path.join(work, 'home-'));
    await writeFile(path.join(home, '.curlrc'), `resolve = "${SERVER_NAME}:${gateway.port}:127.0.0.1"\n`);
    const {resolve: _ignored, ...withoutResolve} = base;
    const previous = process.env.CURL_HOME;
    process.env.CURL_HOME = home;
    try {
      const results = await runCurlBatch([withoutResolve, withoutResolve, withoutResolve]);
      expect(results.map((r) => r.httpStatus)).toEqual([403, 403, 403]);
    } finally {
      if (previous === undefined) delete process.env.CURL_HOME;
      else process.env.CURL_HOME = previous;
    }
  });

  test('requests to a remote host get one curl each, side by side (their timeouts overlap)', async () => {
    const fake = await fakeCurl('curl 8.4.0 (x86_64-pc-linux-gnu) libcurl/8.4.0 OpenSSL/3.1.4');
    const remote = {...client1(), resolve: undefined, url: 'https://api.example.com/hoge/auth'};
    await runCurlBatch([remote, {...base, resolve: undefined, url: 'https://api.example.com/hoge/auth'}], {curlPath: fake.path});
    expect(await fake.argv()).toContain('--url\nhttps://api.example.com/hoge/auth\n');
  });

  test('the passphrases go to curl on stdin, never in its arguments; an old curl gets one process per request', async () => {
    const fake = await fakeCurl('curl 7.74.0 (x86_64-pc-linux-gnu) libcurl/7.74.0 OpenSSL/1.1.1w');
    const results = await runCurlBatch([client1(), client1()], {curlPath: fake.path});
    expect(results.map((r) => r.httpStatus)).toEqual([200, 200]);
    expect(await fake.argv()).not.toContain(pki.client1.passphrase);
    expect(await fake.argv()).toContain('--key');
    const batching = await fakeCurl('curl 8.4.0 (x86_64-pc-linux-gnu) libcurl/8.4.0 OpenSSL/3.1.4');
    await runCurlBatch([client1(), base], {curlPath: batching.path});
    expect(await batching.argv()).toBe('--config\n-\n');
    const config = await batching.stdin();
    expect(config.split('\n').filter((l) => l === 'next')).toHaveLength(1);
    expect(config).toContain(`pass = "${pki.client1.passphrase}"`);
  });
});

describe('curlCommand', () => {
  test("prints the article's command, shell-quoted, without the secret", () => {
    const request: CurlRequest = {
      url: 'https://api.mtls.test:8443/hoge/auth', resolve: 'api.mtls.test:8443:127.0.0.1', cacert: '/state/local/public-ca/certificate.pem',
      key: '/state/clients/client1/key.pem', cert: "/state/my clients/client1's cert.pem", passphrase: 'secret-pass', passDisplay: '"$(cat /state/passphrase.txt)"',
    };
    expect(curlCommand(request)).toBe(
      "curl -v --key /state/clients/client1/key.pem --cert '/state/my clients/client1'\\''s cert.pem' --pass \"$(cat /state/passphrase.txt)\" " +
        '--resolve api.mtls.test:8443:127.0.0.1 --cacert /state/local/public-ca/certificate.pem https://api.mtls.test:8443/hoge/auth',
    );
    const {passDisplay: _none, ...noDisplay} = request;
    expect(curlCommand(noDisplay)).toContain('--pass "$MTLS_WIZARD_PASSPHRASE" ');
    expect(curlCommand(noDisplay)).not.toContain('secret-pass');
    expect(curlCommand({url: 'https://api.example.com/hoge/auth'})).toBe('curl -v https://api.example.com/hoge/auth');
  });

  test('run by a shell, the printed command gets the same status as runCurl', async () => {
    const passFile = path.join(work, 'pass dir', 'passphrase.txt');
    await mkdir(path.dirname(passFile), {recursive: true});
    await writeFile(passFile, pki.client1.passphrase, {mode: 0o600});
    const cases: [CurlRequest, number][] = [
      [{...client1(), passDisplay: `"$(cat '${passFile}')"`}, 200],
      [base, 403],
      [{...base, key: pki.outsider.key, cert: pki.outsider.cert}, 403],
    ];
    for (const [request, expected] of cases) {
      const shell = await execa('bash', ['-c', curlCommand(request)], {reject: false});
      const status = Number(/^< HTTP\/[\d.]+ (\d{3})/m.exec(shell.stderr)?.[1] ?? 0);
      expect([status, (await runCurl(request)).httpStatus]).toEqual([expected, expected]);
    }
  });
});
