/**
 * `inspect` on files made by openssl, each fact held against openssl's own reading of the same file; keys are
 * described and never printed; PKCS#12 files from `openssl pkcs12 -export` (modern and 3DES) open with the passphrase.
 */
import {readFile, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {type TestPki, makeTestPki} from '../local/openssl-fixtures.js';
import {opensslOk} from '../pki/openssl.js';
import {runCli} from '../helpers/cli.js';

let pki: TestPki;
let pass: string;
beforeAll(async () => {
  pki = await makeTestPki();
  pass = path.join(pki.dir, 'pass.txt');
  await writeFile(pass, `${pki.client1.passphrase}\n`);
}, 120_000);
afterAll(() => pki?.cleanup());

const inspect = (args: string[]) => runCli(['inspect', ...args]);
async function inspectJson(args: string[]) {
  const result = await inspect([...args, '--json']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
}

/** Every base64 line of the key file: none may appear in what inspect prints. */
async function keyLines(file: string): Promise<string[]> {
  return (await readFile(file, 'utf8')).split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'));
}

describe('inspect: what a file holds', () => {
  it('shows a CA certificate\'s facts as openssl reads them, pathLen 0 as 0', async () => {
    const report = await inspectJson([pki.intermediateCa0.cert]);
    expect(report).toMatchObject({kind: 'certificate', encoding: 'PEM'});
    const [cert] = report.certificates;
    const text = opensslOk(['x509', '-in', pki.intermediateCa0.cert, '-noout', '-text']);
    expect(text).toMatch(/CA:TRUE, pathlen:0/);
    expect(cert.basicConstraints).toEqual({ca: true, pathLen: 0});
    expect(cert.serial).toBe(opensslOk(['x509', '-in', pki.intermediateCa0.cert, '-noout', '-serial']).trim().replace('serial=', ''));
    expect(cert.sha256).toBe(opensslOk(['x509', '-in', pki.intermediateCa0.cert, '-noout', '-fingerprint', '-sha256']).trim().split('=')[1]!.replace(/:/g, '').toLowerCase());
    expect(new Date(cert.notAfter).getTime()).toBe(new Date(opensslOk(['x509', '-in', pki.intermediateCa0.cert, '-noout', '-enddate']).trim().replace('notAfter=', '')).getTime());
    expect(cert.keyUsage).toEqual(['keyCertSign', 'cRLSign']);
    expect(cert.key.description).toBe('EC P-256');
    expect(cert.signatureAlgorithm).toBe('ecdsa-with-SHA256');
    expect(cert.subjectKeyId).toBe(/Subject Key Identifier:\s*\n\s*([0-9A-F:]+)/.exec(text)![1]!.replace(/:/g, '').toLowerCase());
    expect(cert.authorityKeyId).toBe(/Authority Key Identifier:\s*\n\s*(?:keyid:)?([0-9A-F:]+)/.exec(text)![1]!.replace(/:/g, '').toLowerCase());

    const plain = await inspect([pki.intermediateCa0.cert]);
    expect(plain.stdout).toMatch(/basicConstraints {2}CA:TRUE, pathLen 0\n/);
    expect((await inspect([pki.rootCa.cert])).stdout).toMatch(/basicConstraints {2}CA:TRUE, pathLen none \(no limit\)/);
  });

  it('shows a client certificate\'s usages and days left, and reads DER too', async () => {
    const der = path.join(pki.dir, 'client1.der');
    opensslOk(['x509', '-in', pki.client1.cert, '-outform', 'DER', '-out', der]);
    const report = await inspectJson([der]);
    expect(report.encoding).toBe('DER');
    const [cert] = report.certificates;
    expect(cert).toMatchObject({subject: 'CN=client1, O=mtls-wizard tests', basicConstraints: {ca: false, pathLen: null}, keyUsage: ['digitalSignature'], extendedKeyUsage: ['clientAuth'], validity: 'valid'});
    expect(cert.daysLeft).toBeGreaterThanOrEqual(363);
    expect(cert.daysLeft).toBeLessThanOrEqual(365);
    const server = await inspectJson([pki.server.cert]);
    expect(server.certificates[0].subjectAltNames).toEqual(['DNS:api.mtls.test']);
    expect((await inspectJson([pki.expired.cert])).certificates[0].validity).toBe('expired');
  });

  it('draws the chains of a bundle as a tree, with the truststore rules\' findings', async () => {
    const bundle = path.join(pki.dir, 'bundle.pem');
    await writeFile(bundle, pki.rootCa.certPem + pki.client1.certPem + pki.intermediateCa0.certPem + pki.outsider.certPem);
    const report = await inspectJson([bundle]);
    expect(report.kind).toBe('bundle');
    expect(report.tree).toEqual([
      'CN=rootCA (root, pathLen none)',
      '└─ CN=intermediateCA0, O=mtls-wizard tests (CA, pathLen 0)',
      '   └─ CN=client1, O=mtls-wizard tests (leaf)',
      'CN=outsider, O=mtls-wizard tests (issuer CN=outsiderCA not in this file)',
    ]);
    expect(report.findings.errors.map((f: {code: string}) => f.code)).toContain('issuer-missing');
    expect(report.findings.warnings.map((f: {code: string}) => f.code)).toContain('not-a-ca');
    expect((await inspect([bundle])).stdout).toContain('chains in this file:');
  });

  it('describes an encrypted key without printing it, and with the passphrase says whether it matches a certificate', async () => {
    const locked = await inspectJson([pki.client1.encryptedKey]);
    expect(locked.keys).toEqual([{format: 'PKCS#8', encrypted: true, encryption: 'PBES2: PBKDF2 (HMAC-SHA256, 2048 iterations) + AES-256-CBC', type: null}]);

    const open = await inspectJson([pki.client1.encryptedKey, '--passphrase-file', pass, '--certificate', pki.client1.cert]);
    expect(open.keys[0]).toMatchObject({type: 'EC P-256', matchesCertificate: true});
    const other = await inspectJson([pki.client1.encryptedKey, '--passphrase-file', pass, '--certificate', pki.outsider.cert]);
    expect(other.keys[0].matchesCertificate).toBe(false);

    const plain = await inspect([pki.client1.key, '--certificate', pki.client1.cert]);
    expect(plain.stdout).toMatch(/type {14}EC P-256/);
    expect(plain.stdout).toMatch(/matches: this key belongs to that certificate/);
    for (const output of [plain.stdout, JSON.stringify(open)]) {
      expect(output).not.toMatch(/PRIVATE KEY-----/);
      for (const line of [...(await keyLines(pki.client1.key)), ...(await keyLines(pki.client1.encryptedKey))]) expect(output).not.toContain(line);
      expect(output).not.toContain(pki.client1.passphrase);
    }
  });

  it.each([
    ['modern (AES-256, SHA-256 MAC)', [] as string[]],
    ['compatible (3DES, SHA-1 MAC)', ['-certpbe', 'PBE-SHA1-3DES', '-keypbe', 'PBE-SHA1-3DES', '-macalg', 'sha1']],
  ])('opens a PKCS#12 file exported by openssl: %s', async (_label, extra) => {
    const p12 = path.join(pki.dir, `client1-${extra.length}.p12`);
    opensslOk(['pkcs12', '-export', '-in', pki.client1.cert, '-inkey', pki.client1.key, '-certfile', pki.intermediateCa0.cert, '-passout', `file:${pass}`, '-out', p12, ...extra]);
    const report = await inspectJson([p12, '--passphrase-file', pass, '--certificate', pki.client1.cert]);
    expect(report.kind).toBe('pkcs12');
    expect(report.certificates.map((c: {subject: string}) => c.subject).sort()).toEqual(['CN=client1, O=mtls-wizard tests', 'CN=intermediateCA0, O=mtls-wizard tests']);
    expect(report.keys).toHaveLength(1);
    expect(report.keys[0]).toMatchObject({encrypted: true, type: 'EC P-256', matchesCertificate: true});
    expect(report.pkcs12.mac).toMatch(extra.length ? /^SHA-1 MAC/ : /^SHA-256 MAC/);

    const wrong = path.join(pki.dir, 'wrong.txt');
    await writeFile(wrong, 'not the passphrase\n');
    const refused = await inspect([p12, '--passphrase-file', wrong]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/failed to open the PKCS#12 file: the passphrase is wrong/);
  });
});

describe('inspect and explain: bad input is one line and an exit code', () => {
  const oneLine = (result: {stderr: string; stdout: string}) => {
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    return result.stderr;
  };

  it('inspect: missing file, not a certificate, truncated, binary garbage, wrong passphrase → exit 1', async () => {
    const notCert = path.join(pki.dir, 'notes.txt');
    await writeFile(notCert, 'hello, this is not a certificate\n');
    const truncated = path.join(pki.dir, 'truncated.pem');
    await writeFile(truncated, pki.client1.certPem.slice(0, pki.client1.certPem.length / 2));
    const garbage = path.join(pki.dir, 'garbage.bin');
    await writeFile(garbage, Buffer.from([0x30, 0x82, 0x01, 0x00, 0x01, 0x02, 0x03]));
    const wrong = path.join(pki.dir, 'wrong-key-pass.txt');
    await writeFile(wrong, 'nope nope\n');
    const cases: [string[], RegExp][] = [
      [[path.join(pki.dir, 'missing.pem')], /failed to read the file .*missing\.pem: no such file/],
      [[notCert], /failed to inspect .*notes\.txt: it holds no PEM block/],
      [[truncated], /failed to inspect .*truncated\.pem: block 1 \(line 1, "CERTIFICATE"\) is truncated/],
      [[garbage], /failed to inspect .*garbage\.bin: it is binary, but neither/],
      [[pki.client1.encryptedKey, '--passphrase-file', wrong], /failed to decrypt the private key: the passphrase is wrong/],
    ];
    for (const [args, message] of cases) {
      const result = await inspect(args);
      expect(result.code, args.join(' ')).toBe(1);
      expect(oneLine(result)).toMatch(message);
    }
  });

  it('diagram: a bad --format is a usage error (exit 2); no walkthrough is one line (exit 1)', async () => {
    const format = await runCli(['diagram', '--format', 'png', '--state-dir', pki.dir]);
    expect(format.code).toBe(2);
    expect(oneLine(format)).toMatch(/bad value for --format: "png": it must be svg or mermaid/);
    const none = await runCli(['diagram', '--state-dir', path.join(pki.dir, 'none')]);
    expect(none.code).toBe(1);
    expect(oneLine(none)).toMatch(/nothing to draw in .*none: there is no walkthrough there/);
  });

  it('explain: missing file, not a certificate, truncated, bad --at → exit 2', async () => {
    const truststore = path.join(pki.dir, 'ts.pem');
    await writeFile(truststore, pki.truststorePem);
    const notCert = path.join(pki.dir, 'notes.txt');
    await writeFile(notCert, 'hello, this is not a certificate\n');
    const truncated = path.join(pki.dir, 'truncated.pem');
    await writeFile(truncated, pki.client1.certPem.slice(0, pki.client1.certPem.length / 2));
    const noState = ['--state-dir', path.join(pki.dir, 'none')];
    const cases: [string[], RegExp][] = [
      [[path.join(pki.dir, 'missing.pem'), '--truststore', truststore], /failed to read the client certificate .*missing\.pem: no such file/],
      [[notCert, '--truststore', truststore], /failed to read the client certificate .*notes\.txt: the input is not PEM/],
      [[truncated, '--truststore', truststore], /failed to read the client certificate .*truncated\.pem: block 1 \(line 1, "CERTIFICATE"\) is truncated/],
      [[pki.client1.cert, '--truststore', truststore, '--at', 'next tuesday'], /bad value for --at: "next tuesday": it must be an ISO 8601 date/],
      [[pki.client1.cert, '--truststore', path.join(pki.dir, 'nope.pem')], /failed to read the truststore .*nope\.pem: no such file/],
      [[pki.client1.cert], /failed to find the truststore to check against: there is no walkthrough/],
      [[pki.client1.key, '--truststore', truststore], /failed to read the client certificate .*is a private key/],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(['explain', ...args, ...noState]);
      expect(result.code, args.join(' ')).toBe(2);
      expect(oneLine(result)).toMatch(message);
    }
  });
});
