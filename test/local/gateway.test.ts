/**
 * The local gateway against real clients: curl (as the article uses it), Node's TLS client for the
 * algorithm cases curl's own OpenSSL policy refuses to even send, and `openssl s_client` for the protocol floor.
 */
import {readFile} from 'node:fs/promises';
import https from 'node:https';
import {execa} from 'execa';
import {afterAll, beforeAll, beforeEach, describe, expect, test} from 'vitest';
import {type GatewayRequestLog, type TruststoreSnapshot, startGateway} from '../../source/backends/local/gateway.js';
import {type Issued, type TestPki, SERVER_NAME, makeTestPki, openssl} from './openssl-fixtures.js';

let pki: TestPki;
let gateway: Awaited<ReturnType<typeof startGateway>>;
let truststore: TruststoreSnapshot | null;
let loads = 0;
const logs: GatewayRequestLog[] = [];

beforeAll(async () => {
  pki = await makeTestPki();
  gateway = await startGateway({
    port: 0,
    serverName: SERVER_NAME,
    serverCertPem: pki.server.certPem,
    serverKeyPem: await readFile(pki.server.key, 'utf8'),
    loadTruststore: () => {
      loads += 1;
      return truststore;
    },
    routes: () => [{method: 'GET', path: '/hoge/auth', respond: ({clientCert}) => ({status: 200, body: {message: 'ok', clientCert}})}],
    onRequest: (log) => logs.push(log),
  });
});
afterAll(async () => {
  await gateway?.close();
  await pki?.cleanup();
});
beforeEach(() => {
  truststore = {versionId: 'v1', pem: pki.truststorePem};
  logs.length = 0;
});

/** Real curl, the way the article runs it (status, body and headers from curl itself). */
async function curl(client?: {key: string; cert: string}, path = '/hoge/auth', extra: string[] = []) {
  const args = ['-sS', '-i', '--resolve', `${SERVER_NAME}:${gateway.port}:127.0.0.1`, '--cacert', pki.publicCa.cert, ...extra];
  if (client) args.push('--key', client.key, '--cert', client.cert);
  const result = await execa('curl', [...args, gateway.url(path)], {reject: false});
  const [head = '', body = ''] = result.stdout.split(/\r?\n\r?\n/);
  return {exitCode: result.exitCode, status: Number(/^HTTP\/[\d.]+ (\d+)/.exec(head)?.[1] ?? 0), head, body};
}

/** Node's TLS client with OpenSSL's security level 0, so it sends certificates curl refuses to load. */
function nodeGet(client: Issued): Promise<{status: number; body: string}> {
  return new Promise((resolve, reject) => {
    Promise.all([readFile(client.key), readFile(client.cert)]).then(([key, cert]) => {
      const req = https.get({
        host: '127.0.0.1', port: gateway.port, path: '/hoge/auth', servername: SERVER_NAME, ca: pki.publicCa.certPem,
        key, cert, ciphers: 'DEFAULT@SECLEVEL=0', agent: false,
      }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({status: res.statusCode ?? 0, body}));
      });
      req.on('error', reject);
    }, reject);
  });
}

const lastReason = () => logs.at(-1)?.reason ?? '';

describe('mutual TLS as API Gateway enforces it', () => {
  test('a client certificate from the truststore chain gets the route, with $context.identity.clientCert', async () => {
    const res = await curl(pki.client1);
    expect(res.status).toBe(200);
    const clientCert = JSON.parse(res.body).clientCert;
    // Independent oracle: what openssl itself says about the certificate.
    const serial = (await openssl(['x509', '-in', pki.client1.cert, '-noout', '-serial'], pki.dir)).replace('serial=', '').toLowerCase();
    const dates = await openssl(['x509', '-in', pki.client1.cert, '-noout', '-startdate', '-enddate'], pki.dir);
    expect(clientCert.subjectDN).toBe('O=mtls-wizard tests,CN=client1');
    expect(clientCert.issuerDN).toBe('O=mtls-wizard tests,CN=intermediateCA0');
    expect(clientCert.serialNumber.replaceAll(':', '').replace(/^0+/, '')).toBe(serial.replace(/^0+/, ''));
    expect(dates).toContain(`notBefore=${clientCert.validity.notBefore}`);
    expect(dates).toContain(`notAfter=${clientCert.validity.notAfter}`);
    expect(clientCert.clientCertPem.trim()).toBe(pki.client1.certPem.trim());
    expect(logs.at(-1)).toMatchObject({method: 'GET', path: '/hoge/auth', status: 200, accepted: true, subject: 'O=mtls-wizard tests,CN=client1', truststoreVersion: 'v1'});
  });

  test('no client certificate: 403 {"message":"Forbidden"} as application/json', async () => {
    const res = await curl();
    expect(res.status).toBe(403);
    expect(res.body).toBe('{"message":"Forbidden"}');
    expect(res.head).toMatch(/^content-type: application\/json$/im);
    expect(logs.at(-1)).toMatchObject({status: 403, accepted: false, reason: 'Access denied. Reason: no client certificate presented'});
  });

  test.each([
    ['a CA outside the truststore', 'outsider', /^Access denied\. Reason: Could not find issuer for certificate \(.*issuer CN=outsiderCA/],
    ['an expired certificate', 'expired', /^Access denied\. Reason: certificate has expired \(.*CN=expired, notAfter Jan {2}1 00:00:00 2021 GMT\)$/],
    ['a self-signed client certificate', 'selfSigned', /^Access denied\. Reason: self signed certificate$/],
  ] as const)('%s: 403 Forbidden with the execution-log reason', async (_, who, reason) => {
    const res = await curl(pki[who]);
    expect([res.status, res.body]).toEqual([403, '{"message":"Forbidden"}']);
    expect(lastReason()).toMatch(reason);
  });

  test('a truststore with the intermediate only: the chain does not reach a root, client1 is refused', async () => {
    truststore = {versionId: 'int-only', pem: pki.intermediateCa0.certPem};
    expect((await curl(pki.client1)).status).toBe(403);
    expect(lastReason()).toMatch(/Could not find issuer for certificate \(the chain stops at .*CN=intermediateCA0: its issuer CN=rootCA is not in the truststore/);
  });

  test('a root-only truststore refuses client1 even when the client sends its intermediate', async () => {
    truststore = {versionId: 'root-only', pem: pki.rootCa.certPem};
    expect((await curl({key: pki.client1.key, cert: pki.client1FullChain})).status).toBe(403);
    expect(lastReason()).toMatch(/Could not find issuer for certificate/);
  });

  test('at most 4 CA certificates: root + 3 intermediates pass, root + 4 are refused', async () => {
    truststore = {versionId: 'deep', pem: [pki.rootCa, ...pki.deep].map((c) => c.certPem).join('')};
    expect((await curl(pki.fourClient)).status).toBe(200);
    expect((await curl(pki.deepClient)).status).toBe(403);
    expect(lastReason()).toMatch(/^Access denied\. Reason: certificate chain too long/);
  });

  test("OpenSSL's path checks count too: a CA below a pathlen 0 intermediate is refused", async () => {
    truststore = {versionId: 'rogue', pem: pki.truststorePem + pki.rogueCa.certPem};
    expect((await curl(pki.rogueClient)).status).toBe(403);
    expect(lastReason()).toBe('Access denied. Reason: path length constraint exceeded');
  });

  test('weak algorithms: SHA-1 signature and RSA-1024 key are refused with 403', async () => {
    const sha1 = await nodeGet(pki.sha1);
    expect(sha1).toEqual({status: 403, body: '{"message":"Forbidden"}'});
    expect(lastReason()).toMatch(/^Access denied\. Reason: Client cert using an insecure Signature Algorithm \(ecdsa-with-SHA1 on .*CN=sha1;/);
    const rsa = await nodeGet(pki.weakRsa);
    expect(rsa.status).toBe(403);
    expect(lastReason()).toMatch(/^Access denied\. Reason: Client cert using an insecure key \(RSA 1024 bits on .*CN=weakRsa/);
    // Control: the same client path with a good certificate passes, so the 403s are about the algorithms.
    expect((await nodeGet(pki.client1)).status).toBe(200);
  });

  test('a new truststore version applies to the next connection, without a restart', async () => {
    expect((await curl(pki.outsider)).status).toBe(403);
    const before = loads;
    truststore = {versionId: 'v2', pem: pki.truststorePem + pki.outsiderCa.certPem};
    expect((await curl(pki.outsider)).status).toBe(200);
    expect(logs.at(-1)?.truststoreVersion).toBe('v2');
    expect(loads).toBeGreaterThan(before);
    truststore = null; // mTLS switched off: nothing gets in
    expect((await curl(pki.client1)).status).toBe(403);
    expect(lastReason()).toMatch(/mutual TLS is not configured/);
  });

  test('a truststore that cannot be loaded still answers 403 with the cause', async () => {
    const failing = startGateway({
      port: 0, serverName: SERVER_NAME, serverCertPem: pki.server.certPem, serverKeyPem: await readFile(pki.server.key, 'utf8'),
      loadTruststore: () => Promise.reject(new Error('failed to read s3://b/k (version v9)')), routes: () => [],
      onRequest: (log) => logs.push(log),
    });
    const gw = await failing;
    try {
      const result = await execa('curl', ['-sS', '-k', '--key', pki.client1.key, '--cert', pki.client1.cert, `https://127.0.0.1:${gw.port}/hoge/auth`]);
      expect(result.stdout).toBe('{"message":"Forbidden"}');
      expect(lastReason()).toMatch(/truststore could not be loaded \(failed to read s3:\/\/b\/k \(version v9\)\)/);
    } finally {
      await gw.close();
    }
  });
});

describe('HTTP behaviour after the handshake', () => {
  test('an unknown resource or method gets 403 Missing Authentication Token', async () => {
    const unknown = await curl(pki.client1, '/nope');
    expect([unknown.status, unknown.body]).toEqual([403, '{"message":"Missing Authentication Token"}']);
    expect(logs.at(-1)).toMatchObject({accepted: true, status: 403});
    const post = await curl(pki.client1, '/hoge/auth', ['-X', 'POST']);
    expect(post.body).toBe('{"message":"Missing Authentication Token"}');
  });

  test('a client that sends no SNI (curl to 127.0.0.1) is checked the same way', async () => {
    const get = (client: Issued) =>
      execa('curl', ['-sS', '-k', '-w', ' %{http_code}', '--key', client.key, '--cert', client.cert, `https://127.0.0.1:${gateway.port}/hoge/auth`]);
    expect((await get(pki.client1)).stdout).toMatch(/ 200$/);
    expect((await get(pki.outsider)).stdout).toBe('{"message":"Forbidden"} 403');
  });
});

describe('TLS and listening rules', () => {
  test('TLS 1.1 is refused; TLS 1.2 is accepted (openssl s_client)', async () => {
    // SECLEVEL=0 lets this client offer TLS 1.1 at all, so a refusal comes from the gateway.
    const sClient = (version: string) =>
      execa('openssl', ['s_client', '-connect', `127.0.0.1:${gateway.port}`, '-servername', SERVER_NAME, version, '-cipher', 'DEFAULT@SECLEVEL=0'], {input: '', reject: false});
    const old = await sClient('-tls1_1');
    expect(old.exitCode).not.toBe(0);
    expect(old.stdout + old.stderr).toMatch(/alert protocol version|unsupported protocol|no protocols available/);
    expect(old.stdout + old.stderr).not.toMatch(/no protocols available/); // the client did offer TLS 1.1
    const ok = await sClient('-tls1_2');
    expect(ok.stdout).toMatch(/Protocol\s*: TLSv1\.2/);
  });

  test('a keep-alive connection keeps its truststore; close() ends it and frees the port', async () => {
    const gw = await startGateway({
      port: 0, serverName: SERVER_NAME, serverCertPem: pki.server.certPem, serverKeyPem: await readFile(pki.server.key, 'utf8'),
      loadTruststore: () => truststore, routes: () => [{method: 'GET', path: '/hoge/auth', respond: () => ({status: 200, body: {}})}],
    });
    const agent = new https.Agent({keepAlive: true, maxSockets: 1});
    const [key, cert] = await Promise.all([readFile(pki.outsider.key), readFile(pki.outsider.cert)]);
    const get = () => new Promise<number>((resolve, reject) => {
      https.get({host: '127.0.0.1', port: gw.port, path: '/hoge/auth', servername: SERVER_NAME, ca: pki.publicCa.certPem, key, cert, agent}, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      }).on('error', reject);
    });
    try {
      expect(await get()).toBe(403);
      truststore = {versionId: 'v2', pem: pki.truststorePem + pki.outsiderCa.certPem};
      expect(await get()).toBe(403); // same connection, same (old) truststore
      agent.destroy();
      expect(await get()).toBe(200); // a new connection sees v2
    } finally {
      await gw.close();
      agent.destroy();
    }
    await expect(get()).rejects.toThrow(/ECONNREFUSED/);
  });

  test('only loopback addresses; a busy port is a UserError', async () => {
    const o = {port: 0, serverName: SERVER_NAME, serverCertPem: pki.server.certPem, serverKeyPem: '', loadTruststore: () => null, routes: () => []};
    await expect(startGateway({...o, host: '0.0.0.0'})).rejects.toThrow(/refusing to start the local gateway on 0\.0\.0\.0/);
    await expect(startGateway({...o, host: '192.168.1.10'})).rejects.toThrow(/loopback/);
    const serverKeyPem = await readFile(pki.server.key, 'utf8');
    await expect(startGateway({...o, serverKeyPem, port: gateway.port})).rejects.toThrow(/port is already in use/);
  });
});
