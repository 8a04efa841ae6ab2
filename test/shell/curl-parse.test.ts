import {execa} from 'execa';
import {describe, expect, test} from 'vitest';
import {explainFailure, keyLines, parseCurlVersion} from '../../source/shell/curl-parse.js';
import {shellQuote} from '../../source/shell/quote.js';

describe('parseCurlVersion (first line of curl -V on each platform)', () => {
  test.each([
    ['curl 7.88.1 (x86_64-pc-linux-gnu) libcurl/7.88.1 OpenSSL/3.0.19 zlib/1.2.13 brotli/1.0.9', '7.88.1', 'OpenSSL/3.0.19', true],
    ['curl 8.7.1 (x86_64-apple-darwin23.0) libcurl/8.7.1 (SecureTransport) LibreSSL/3.3.6 zlib/1.2.12 nghttp2/1.61.0', '8.7.1', 'LibreSSL/3.3.6', true],
    ['curl 7.64.1 (x86_64-apple-darwin20.0) libcurl/7.64.1 SecureTransport zlib/1.2.11', '7.64.1', 'SecureTransport', false],
    ['curl 8.9.1 (Windows) libcurl/8.9.1 Schannel zlib/1.3 WinIDN', '8.9.1', 'Schannel', true],
    ['curl 7.68.0 (x86_64-pc-linux-gnu) libcurl/7.68.0 GnuTLS/3.6.13 zlib/1.2.11', '7.68.0', 'GnuTLS/3.6.13', false],
    ['curl 7.29.0 (x86_64-redhat-linux-gnu) libcurl/7.29.0 NSS/3.44 zlib/1.2.7', '7.29.0', 'NSS/3.44', false],
    ['curl 8.5.0 (aarch64-unknown-linux-musl) libcurl/8.5.0 wolfSSL/5.6.4', '8.5.0', 'wolfSSL/5.6.4', true],
    ['curl 8.6.0 (x86_64-pc-linux-gnu) libcurl/8.6.0 rustls-ffi/0.12.1/rustls/0.22.0', '8.6.0', 'rustls-ffi/0.12.1/rustls/0.22.0', false],
    ['curl 8.1.0 (x86_64-pc-linux-gnu) libcurl/8.1.0 zlib/1.2.13', '8.1.0', '', false],
  ])('%s', (line, version, tlsLibrary, supportsKeyPassphrase) => {
    expect(parseCurlVersion(`${line}\nProtocols: http https\n`)).toEqual({version, tlsLibrary, supportsKeyPassphrase});
  });
});

describe('keyLines and explainFailure', () => {
  const verbose = [
    '*   Trying 127.0.0.1:8443...',
    '* TLSv1.3 (OUT), TLS handshake, Client hello (1):',
    '* SSL connection using TLSv1.3 / TLS_AES_256_GCM_SHA384',
    '* ALPN: server did not agree on a protocol. Uses default.',
    '* Server certificate:',
    '*  subject: CN=server',
    '*  issuer: CN=publicCA',
    '*  SSL certificate verify ok.',
    '> GET /hoge/auth HTTP/1.1',
    '> Host: api.mtls.test:8443',
    '< HTTP/1.1 403 Forbidden',
    '< content-type: application/json',
  ].join('\n');

  test('keeps what a person reads: TLS version, server certificate, request line, status', () => {
    expect(keyLines(verbose)).toEqual([
      'SSL connection using TLSv1.3 / TLS_AES_256_GCM_SHA384',
      'Server certificate:',
      'subject: CN=server',
      'issuer: CN=publicCA',
      'SSL certificate verify ok.',
      '> GET /hoge/auth HTTP/1.1',
      '< HTTP/1.1 403 Forbidden',
    ]);
  });

  test('names the likely cause for the exit codes people hit', () => {
    const line = "curl: (58) unable to set private key file: '/k.pem' type PEM";
    expect(explainFailure(58, line, {key: '/k.pem', timeoutMs: 5000})).toBe(
      `curl could not use the client key /k.pem: the passphrase is wrong, or the file is not a PEM private key (${line})`,
    );
    expect(explainFailure(28, 'curl: (28) Operation timed out', {timeoutMs: 3000})).toMatch(/^curl timed out after 3s/);
    expect(explainFailure(60, 'curl: (60) SSL certificate problem', {timeoutMs: 1})).toMatch(/--cacert/);
    expect(explainFailure(99, undefined, {timeoutMs: 1})).toBe('curl exited with code 99');
  });
});

describe('shellQuote', () => {
  test('bash reads every quoted word back unchanged', async () => {
    const words = ['/plain/path.pem', '/with space/key.pem', "it's", 'a"b', '$(id)', '`id`', '*', '', 'https://h:1/p?a=1&b=2', '~/x', 'C:\\keys\\k.pem'];
    const script = `printf '%s\\n' ${words.map(shellQuote).join(' ')}`;
    const {stdout} = await execa('bash', ['-c', script], {stripFinalNewline: false});
    expect(stdout).toBe(words.map((w) => `${w}\n`).join(''));
    expect(shellQuote('/plain/path.pem')).toBe('/plain/path.pem');
  });
});
