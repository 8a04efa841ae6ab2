/**
 * End to end with real curl: a client certificate two levels below the root, its key encrypted, presented
 * to an HTTPS server on 127.0.0.1 that requires client certificates (the way the local gateway will).
 */
import {execFile} from 'node:child_process';
import {promisify} from 'node:util';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {
  createRootCa,
  encryptPrivateKey,
  generateKey,
  issueCaCertificate,
  issueClientCertificate,
  issueServerCertificate,
} from '../../source/pki/index.js';
import {type EchoServer, startClientCertEcho} from './echo-server.js';
import {tempDir} from './openssl.js';

const run = promisify(execFile);
const DAY = 86_400_000;
const PASSPHRASE = 'workshop-pass-1';

describe('a client certificate over real TLS', () => {
  const dir = tempDir();
  let server: EchoServer | undefined;
  let port = 0;
  const files = {rootCa: '', clientChain: '', clientKey: ''};

  beforeAll(async () => {
    const [rootKey, subKey, clientKey, serverKey] = await Promise.all([
      generateKey('EC_prime256v1'), generateKey('EC_prime256v1'), generateKey('EC_prime256v1'), generateKey('EC_prime256v1'),
    ]);
    const notAfter = new Date(Date.now() + 30 * DAY);
    const root = await createRootCa({key: rootKey, commonName: 'rootCA', notAfter});
    const sub = await issueCaCertificate({publicKeyPem: subKey.publicKeyPem, commonName: 'intermediateCA0', pathLen: 0, issuer: {certificatePem: root.pem, key: rootKey}, notAfter});
    const client = await issueClientCertificate({
      publicKeyPem: clientKey.publicKeyPem, commonName: 'client1', dnsName: 'client1.mtls.test', issuer: {certificatePem: sub.pem, key: subKey}, notAfter,
    });
    const serverCert = await issueServerCertificate({publicKeyPem: serverKey.publicKeyPem, dnsNames: ['api.mtls.test'], issuer: {certificatePem: root.pem, key: rootKey}, notAfter});

    files.rootCa = dir.write('root.pem', root.pem);
    files.clientChain = dir.write('client1.pem', client.pem + sub.pem);
    files.clientKey = dir.write('client1.key.pem', encryptPrivateKey(clientKey.privateKeyPem, PASSPHRASE));

    server = await startClientCertEcho({key: serverKey.privateKeyPem, cert: serverCert.pem, ca: [root.pem]});
    port = server.port;
  });
  afterAll(async () => {
    await server?.close();
    dir.remove();
  });

  const curl = (extra: string[]) =>
    run('curl', [
      '--disable', // first argument: ignore any ~/.curlrc
      '--silent', '--show-error', '--max-time', '10',
      '--resolve', `api.mtls.test:${port}:127.0.0.1`, '--cacert', files.rootCa,
      ...extra, `https://api.mtls.test:${port}/`,
    ]);

  it('is accepted when curl presents it with its encrypted key and passphrase', async () => {
    const {stdout} = await curl(['--cert', files.clientChain, '--key', files.clientKey, '--pass', PASSPHRASE]);
    expect(JSON.parse(stdout)).toEqual({subject: 'client1', issuer: 'intermediateCA0'});
  });

  it('cannot be used with a wrong passphrase', async () => {
    const attempt = curl(['--cert', files.clientChain, '--key', files.clientKey, '--pass', 'wrong-pass']);
    await expect(attempt).rejects.toMatchObject({code: 58});
  });

  it('is required: without it the handshake fails', async () => {
    const error: unknown = await curl([]).then(() => undefined, (caught: unknown) => caught);
    // 56 (TLS 1.3: the server's alert arrives on the first read) or 35 (TLS 1.2: during the handshake).
    expect([35, 56]).toContain((error as {code?: number} | undefined)?.code);
  });
});
