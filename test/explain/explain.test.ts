/**
 * `explain` on certificates made by openssl, each verdict held against `openssl verify` on the same files:
 * the truststore as the only trust anchors (-CAfile, no -untrusted: API Gateway ignores what a client sends),
 * -auth_level 2 (RSA ≥ 2048, SHA-256: 112-bit security), -verify_depth 3 (a root and up to 3 intermediates).
 */
import {readFile, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {type Issued, type TestPki, makeTestPki} from '../local/openssl-fixtures.js';
import {openssl, opensslOk} from '../pki/openssl.js';
import {runCli} from '../helpers/cli.js';

let pki: TestPki;
const ts = {full: '', rootOnly: '', deep: '', server: ''};

beforeAll(async () => {
  pki = await makeTestPki();
  const write = async (name: string, certs: Issued[]) => {
    const file = path.join(pki.dir, `${name}.truststore.pem`);
    await writeFile(file, certs.map((c) => c.certPem).join(''));
    return file;
  };
  ts.full = await write('full', [pki.intermediateCa0, pki.rootCa]);
  ts.rootOnly = await write('root-only', [pki.rootCa]);
  ts.deep = await write('deep', [pki.rootCa, ...pki.deep]);
}, 120_000);
afterAll(() => pki?.cleanup());

interface Verdict {
  accepted: boolean;
  chain: string[];
  failures: {rule: string; message: string; subject: string}[];
  notes: string[];
}

async function explain(cert: string, truststore: string, extra: string[] = []): Promise<{code: number; verdict: Verdict; text: string}> {
  const json = await runCli(['explain', cert, '--truststore', truststore, '--json', '--state-dir', path.join(pki.dir, 'no-walkthrough'), ...extra]);
  const text = await runCli(['explain', cert, '--truststore', truststore, '--state-dir', path.join(pki.dir, 'no-walkthrough'), ...extra]);
  expect(json.stderr).toBe('');
  expect(text.code).toBe(json.code);
  return {code: json.code, verdict: JSON.parse(json.stdout) as Verdict, text: text.stdout};
}

/** openssl's verdict on the same chain, under API Gateway's limits. */
function opensslVerify(cert: string, truststore: string, at?: Date): {ok: boolean; output: string} {
  const args = ['verify', '-auth_level', '2', '-verify_depth', '3', '-CAfile', truststore];
  if (at) args.push('-attime', String(Math.floor(at.getTime() / 1000)));
  const run = openssl([...args, cert]);
  return {ok: run.status === 0, output: run.stdout + run.stderr};
}

describe('explain: would API Gateway let this client certificate in? (openssl verify agrees)', () => {
  it('accepts a valid client certificate and shows the path it found', async () => {
    const {code, verdict, text} = await explain(pki.client1.cert, ts.full);
    expect(opensslVerify(pki.client1.cert, ts.full).ok).toBe(true);
    expect(code).toBe(0);
    expect(verdict).toMatchObject({accepted: true, failures: []});
    expect(verdict.chain).toEqual(['CN=client1, O=mtls-wizard tests', 'CN=intermediateCA0, O=mtls-wizard tests', 'CN=rootCA']);
    expect(verdict.notes.join('\n')).toMatch(/does not check revocation/);
    expect(text).toMatch(/^✓ accepted/);
  });

  it('refuses an expired certificate and says since when; --at judges at another time', async () => {
    const now = await explain(pki.expired.cert, ts.full);
    const oracle = opensslVerify(pki.expired.cert, ts.full);
    expect(oracle.ok).toBe(false);
    expect(oracle.output).toContain('certificate has expired');
    expect(now.code).toBe(1);
    expect(now.verdict.failures.map((f) => f.rule)).toEqual(['validity']);
    expect(now.verdict.failures[0]!.message).toMatch(/CN=expired, O=mtls-wizard tests is expired: it expired on 2021-01-01T00:00:00Z/);
    expect(now.text).toMatch(/^✗ not accepted \(rule validity\)/);

    // --at moves the clock: in 2020 the leaf was valid, but its CAs (issued today) were not yet.
    const then = new Date('2020-06-01T00:00:00Z');
    expect(opensslVerify(pki.expired.cert, ts.full, then).output).toContain('certificate is not yet valid');
    const past = await explain(pki.expired.cert, ts.full, ['--at', '2020-06-01']);
    expect(past.code).toBe(1);
    expect(past.verdict.failures.map((f) => [f.rule, f.subject])).toEqual([
      ['validity', 'CN=intermediateCA0, O=mtls-wizard tests'],
      ['validity', 'CN=rootCA'],
    ]);
    expect(past.verdict.failures[0]!.message).toMatch(/the CA certificate CN=intermediateCA0, O=mtls-wizard tests is not yet valid/);
  });

  it('refuses a certificate that is not valid yet', async () => {
    const oracle = opensslVerify(pki.notYetValid.cert, ts.full);
    expect(oracle.output).toContain('certificate is not yet valid');
    const {code, verdict} = await explain(pki.notYetValid.cert, ts.full);
    expect(code).toBe(1);
    expect(verdict.failures).toEqual([{rule: 'validity', subject: 'CN=notYetValid, O=mtls-wizard tests', message: expect.stringMatching(/is not yet valid: it is valid only from 2099-01-01T00:00:00Z/)}]);
  });

  it('refuses an RSA-1024 key', async () => {
    const oracle = opensslVerify(pki.weakRsa.cert, ts.full);
    expect(oracle.ok).toBe(false);
    expect(oracle.output).toContain('EE certificate key too weak');
    const {code, verdict} = await explain(pki.weakRsa.cert, ts.full);
    expect(code).toBe(1);
    expect(verdict.failures.map((f) => [f.rule, f.subject])).toEqual([['key-strength', 'CN=weakRsa, O=mtls-wizard tests']]);
    expect(verdict.failures[0]!.message).toMatch(/RSA 1024.*Fix: issue a new certificate for an RSA 2048\+/);
  });

  it('refuses a SHA-1 signature', async () => {
    const oracle = opensslVerify(pki.sha1.cert, ts.full);
    expect(oracle.ok).toBe(false);
    expect(oracle.output).toContain('digest algorithm too weak');
    const {verdict} = await explain(pki.sha1.cert, ts.full);
    expect(verdict.failures.map((f) => f.rule)).toEqual(['signature-algorithm']);
    expect(verdict.failures[0]!.message).toContain('ecdsa-with-SHA1');
  });

  it('reports every failing rule, in rule order, when several fail (SHA-1 and, years later, expired)', async () => {
    const at = new Date('2040-01-01T00:00:00Z');
    // openssl stops at the first error it meets; explain goes on and reports all of them.
    expect(opensslVerify(pki.sha1.cert, ts.full, at).ok).toBe(false);
    expect(openssl(['verify', '-CAfile', ts.full, '-attime', String(at.getTime() / 1000), pki.sha1.cert]).stderr).toContain('certificate has expired');
    const {verdict, text} = await explain(pki.sha1.cert, ts.full, ['--at', '2040-01-01']);
    const rules = verdict.failures.map((f) => f.rule);
    expect(rules[0]).toBe('validity');
    expect(rules).toContain('signature-algorithm');
    // The leaf, its issuing CA (3,000 days) and the root (3,650 days) have all expired by 2040.
    expect(verdict.failures.filter((f) => f.rule === 'validity').map((f) => f.subject)).toEqual(['CN=sha1, O=mtls-wizard tests', 'CN=intermediateCA0, O=mtls-wizard tests', 'CN=rootCA']);
    expect(text.split('\n')[0]).toContain('CN=sha1, O=mtls-wizard tests is expired');
    expect(text).toContain('also (rule signature-algorithm)');
  });

  it('refuses a chain of five CAs and accepts one of four', async () => {
    const five = opensslVerify(pki.deepClient.cert, ts.deep);
    expect(five.output).toContain('certificate chain too long');
    const {code, verdict} = await explain(pki.deepClient.cert, ts.deep);
    expect(code).toBe(1);
    expect(verdict.failures.map((f) => f.rule)).toEqual(['chain-length']);
    expect(verdict.failures[0]!.message).toMatch(/holds 5 CA certificates .*at most 4/);

    expect(opensslVerify(pki.fourClient.cert, ts.deep).ok).toBe(true);
    expect((await explain(pki.fourClient.cert, ts.deep)).verdict).toMatchObject({accepted: true, failures: []});
  });

  it('names the missing intermediate, even when the client would send it (--chain)', async () => {
    const oracle = opensslVerify(pki.client1.cert, ts.rootOnly);
    expect(oracle.output).toContain('unable to get local issuer certificate');
    const {code, verdict} = await explain(pki.client1.cert, ts.rootOnly);
    expect(code).toBe(1);
    expect(verdict.failures).toHaveLength(1);
    expect(verdict.failures[0]).toMatchObject({rule: 'issuer', subject: 'CN=client1, O=mtls-wizard tests'});
    expect(verdict.failures[0]!.message).toContain('its issuer CN=intermediateCA0, O=mtls-wizard tests is not in the truststore');

    // openssl with the intermediate as -untrusted would say OK; API Gateway does not use what the client sends.
    const sent = await explain(pki.client1.cert, ts.rootOnly, ['--chain', pki.intermediateCa0.cert]);
    expect(sent.code).toBe(1);
    expect(sent.verdict.failures[0]!.message).toContain('the --chain file holds it, but API Gateway builds the chain from the truststore only');
    expect(sent.verdict.chain).toHaveLength(3);
  });

  it('refuses a certificate from a foreign root', async () => {
    expect(opensslVerify(pki.outsider.cert, ts.full).output).toContain('unable to get local issuer certificate');
    const {verdict} = await explain(pki.outsider.cert, ts.full);
    expect(verdict.failures.map((f) => f.rule)).toEqual(['issuer']);
    expect(verdict.failures[0]!.message).toContain('CN=outsiderCA');
  });

  it('accepts a server-only certificate, with a note that other servers refuse it', async () => {
    expect(opensslVerify(pki.serverOnly.cert, ts.full).ok).toBe(true);
    // The note's claim, checked: OpenSSL's client purpose check refuses it.
    expect(openssl(['verify', '-purpose', 'sslclient', '-CAfile', ts.full, pki.serverOnly.cert]).status).not.toBe(0);
    const {code, verdict} = await explain(pki.serverOnly.cert, ts.full);
    expect(code).toBe(0);
    expect(verdict.accepted).toBe(true);
    expect(verdict.notes.some((n) => /extended key usage serverAuth without clientAuth/.test(n))).toBe(true);
  });

  it('refuses a chain that breaks an issuing CA\'s pathLen 0', async () => {
    const truststore = path.join(pki.dir, 'rogue.truststore.pem');
    await writeFile(truststore, pki.rogueCa.certPem + pki.intermediateCa0.certPem + pki.rootCa.certPem);
    expect(opensslVerify(pki.rogueClient.cert, truststore).output).toContain('path length constraint exceeded');
    const {verdict} = await explain(pki.rogueClient.cert, truststore);
    expect(verdict.failures.map((f) => [f.rule, f.subject])).toEqual([['ca-constraints', 'CN=intermediateCA0, O=mtls-wizard tests']]);
  });

  it('says when a CA in the truststore has the issuer\'s name but did not sign the certificate', async () => {
    // Another "intermediateCA0" (same subject, its own key), signed by the same root.
    const dir = pki.dir;
    opensslOk(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', path.join(dir, 'twin.key')]);
    opensslOk(['req', '-new', '-key', path.join(dir, 'twin.key'), '-subj', '/CN=intermediateCA0/O=mtls-wizard tests', '-out', path.join(dir, 'twin.csr')]);
    await writeFile(path.join(dir, 'twin.ext'), 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n');
    opensslOk(['x509', '-req', '-in', path.join(dir, 'twin.csr'), '-CA', pki.rootCa.cert, '-CAkey', pki.rootCa.key, '-set_serial', '0x7777', '-days', '100', '-sha256', '-extfile', path.join(dir, 'twin.ext'), '-out', path.join(dir, 'twin.pem')]);
    const truststore = path.join(dir, 'twin.truststore.pem');
    await writeFile(truststore, (await readFile(path.join(dir, 'twin.pem'), 'utf8')) + pki.rootCa.certPem);
    expect(opensslVerify(pki.client1.cert, truststore).ok).toBe(false);
    const {code, verdict} = await explain(pki.client1.cert, truststore);
    expect(code).toBe(1);
    expect(verdict.failures.map((f) => f.rule)).toEqual(['signature']);
    expect(verdict.failures[0]!.message).toMatch(/was not signed by the CN=intermediateCA0, O=mtls-wizard tests in the truststore \S+: a certificate with that subject is there, but its key does not verify the signature/);
  });

  it('reads a DER client certificate as well as PEM', async () => {
    const der = path.join(pki.dir, 'client1.der');
    openssl(['x509', '-in', pki.client1.cert, '-outform', 'DER', '-out', der]);
    expect((await explain(der, ts.full)).verdict.accepted).toBe(true);
  });
});
