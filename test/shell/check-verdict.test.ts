/**
 * The no-certificate check with the real curl: a 403 or a failed TLS handshake is the expected rejection;
 * a host that does not resolve (curl exit 6) or a port nobody listens on (exit 7) is an error that fails
 * the check and says what to fix, never a ✓.
 */
import {readFile} from 'node:fs/promises';
import tls from 'node:tls';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import type {BackendContext, EndpointHandle} from '../../source/backends/backend.js';
import {startGateway} from '../../source/backends/local/gateway.js';
import type {State} from '../../source/state/schema.js';
import {noCertificateCheck, runChecks} from '../../source/wizard/checks.js';
import type {Secrets} from '../../source/wizard/step.js';
import {SERVER_NAME, type TestPki, makeTestPki} from '../local/openssl-fixtures.js';
import {freePort} from '../helpers/wait.js';

let pki: TestPki;
beforeAll(async () => {
  pki = await makeTestPki();
});
afterAll(async () => {
  await pki?.cleanup();
});

const logs: string[] = [];
const ctx: BackendContext = {
  stateDir: '/nonexistent',
  state: () => ({clients: {}}) as unknown as State,
  update: async () => {
    throw new Error('the checks do not change state');
  },
  log: (message) => void logs.push(message),
  call: (_name, _detail, fn) => fn(),
  waiting: () => {},
  output: () => {},
  emit: () => {},
  signal: new AbortController().signal,
  now: () => new Date(),
};
const secrets = {} as Secrets;

const endpoint = (url: string, resolve?: string): EndpointHandle => ({url, resolve, caCertificate: pki.publicCa.cert, close: async () => {}});

describe('the no-certificate check', () => {
  test('a host that does not resolve fails the check and says the DNS record is not there yet or the host is wrong', async () => {
    const [result] = await runChecks(ctx, secrets, endpoint('https://api.mtls-wizard-test.invalid/hoge/auth'), [noCertificateCheck]);
    expect(result!.httpStatus).toBe(0);
    expect(result!.ok).toBe(false);
    expect(result!.reason).toMatch(/api\.mtls-wizard-test\.invalid does not resolve.*DNS record may not be there yet.*host name is wrong/s);
  });

  test('a closed port on 127.0.0.1 fails the check and names the host and port to fix', async () => {
    const port = await freePort();
    const [result] = await runChecks(ctx, secrets, endpoint(`https://${SERVER_NAME}:${port}/hoge/auth`, `${SERVER_NAME}:${port}:127.0.0.1`), [noCertificateCheck]);
    expect(result!.ok).toBe(false);
    expect(result!.reason).toContain(`nothing accepted the connection at ${SERVER_NAME}:${port}`);
    expect(result!.reason).toMatch(/check the host and port/);
  });

  test('a 403 from the gateway is the expected rejection', async () => {
    const gateway = await startGateway({
      port: 0,
      serverName: SERVER_NAME,
      serverCertPem: pki.server.certPem,
      serverKeyPem: await readFile(pki.server.key, 'utf8'),
      loadTruststore: () => ({versionId: 'v1', pem: pki.truststorePem}),
      routes: () => [{method: 'GET', path: '/hoge/auth', respond: () => ({status: 200, body: {}})}],
    });
    try {
      const [result] = await runChecks(ctx, secrets, endpoint(gateway.url('/hoge/auth'), `${SERVER_NAME}:${gateway.port}:127.0.0.1`), [noCertificateCheck]);
      expect(result).toMatchObject({httpStatus: 403, ok: true});
    } finally {
      await gateway.close();
    }
  });

  test('a TLS handshake the server fails for want of a client certificate is the expected rejection', async () => {
    const server = tls.createServer({cert: pki.server.certPem, key: await readFile(pki.server.key, 'utf8'), requestCert: true, rejectUnauthorized: true, ca: pki.truststorePem});
    server.on('tlsClientError', () => {});
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const {port} = server.address() as {port: number};
    try {
      const [result] = await runChecks(ctx, secrets, endpoint(`https://${SERVER_NAME}:${port}/hoge/auth`, `${SERVER_NAME}:${port}:127.0.0.1`), [noCertificateCheck]);
      expect(result!.httpStatus).toBe(0);
      expect(result!.ok, result!.reason).toBe(true);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
