/**
 * explain and diagram on a real local walkthrough (built CLI): its own clients are accepted (openssl agrees),
 * a certificate from outside is refused with the reason, the diagram renders in real headless Chromium with
 * every CA name, and a connect check that fails shows explain's verdict, not only the HTTP status.
 */
import {createPrivateKey, createPublicKey} from 'node:crypto';
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {execFileSync} from 'node:child_process';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ensureBuilt, runBuilt} from '../helpers/built-cli.js';
import {CHROMIUM, dumpDom, screenshot, SKIP_CHROMIUM, writePage} from '../helpers/chromium.js';
import {colourStats, decodePng} from '../helpers/png.js';
import {checkMermaid} from './mermaid-structure.js';
import {keyFromPrivate} from '../../source/backends/local-cas.js';
import {issueClientCertificate} from '../../source/pki/index.js';

beforeAll(() => ensureBuilt());

const openssl = (args: string[]) => {
  try {
    return {ok: true, out: execFileSync('openssl', args, {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']})};
  } catch (error) {
    return {ok: false, out: String((error as {stderr?: string}).stderr ?? '')};
  }
};

async function walkthrough(): Promise<{dir: string; status: any}> {
  // Shared by the tests of this file (test/helpers/temp.ts removes its dirs after each test).
  const dir = path.join(await mkdtemp(path.join(tmpdir(), 'mtls-explain-')), 'walkthrough');
  const run = await runBuilt(['run', '--yes', '--state-dir', dir], {}, {timeoutMs: 120_000});
  expect(run.code, run.stderr).toBe(0);
  const status = await runBuilt(['status', '--json', '--state-dir', dir]);
  return {dir, status: JSON.parse(status.stdout)};
}

async function editState(dir: string, edit: (state: any) => void): Promise<void> {
  const file = path.join(dir, 'state.json');
  const state = JSON.parse(await readFile(file, 'utf8'));
  edit(state);
  await writeFile(file, JSON.stringify(state, null, 2));
}

const CA_NAMES = ['rootCA', 'intermediateCA0', 'intermediateCA1', 'intermediateCA2'];

describe('explain and diagram on the walkthrough', () => {
  let dir: string;
  let status: any;
  let svg: string;
  beforeAll(async () => {
    ({dir, status} = await walkthrough());
  }, 180_000);
  afterAll(async () => {
    if (dir) await rm(path.dirname(dir), {recursive: true, force: true});
  });

  it('accepts the walkthrough\'s own clients against the pinned truststore, as openssl does', async () => {
    for (const client of status.clients) {
      expect(openssl(['verify', '-auth_level', '2', '-verify_depth', '3', '-CAfile', status.truststore.file, client.certificate]).ok).toBe(true);
      const result = await runBuilt(['explain', client.certificate, '--json', '--state-dir', dir]);
      expect(result.code, result.stderr).toBe(0);
      const verdict = JSON.parse(result.stdout);
      expect(verdict.accepted).toBe(true);
      expect(verdict.chain[0]).toBe(`CN=${client.name}`);
      expect(verdict.chain.at(-1)).toBe('CN=rootCA');
    }
  });

  it('refuses a certificate from a CA outside the truststore, and says no CA of the walkthrough has its issuer\'s name', async () => {
    const outsider = path.join(dir, 'outsider', 'certificate.pem');
    expect(openssl(['verify', '-CAfile', status.truststore.file, outsider]).ok).toBe(false);
    const refused = await runBuilt(['explain', outsider, '--json', '--state-dir', dir]);
    expect(refused.code).toBe(1);
    const verdict = JSON.parse(refused.stdout);
    expect(verdict.failures.map((f: {rule: string}) => f.rule)).toEqual(['issuer']);
    expect(verdict.failures[0].message).toContain(`truststore version ${status.truststore.version.slice(0, 12)}`);
    expect(verdict.failures[0].message).toContain('no CA of this walkthrough has that subject');
  });

  it('notes a revoked client (still accepted) and marks it, and a partner CA, in both diagrams', async () => {
    await editState(dir, (state) => {
      state.clients.client1.revokedAt = '2026-01-02T03:04:05.000Z';
      state.cas.intermediateCA1.external = true;
    });
    const revoked = JSON.parse((await runBuilt(['explain', status.clients[0].certificate, '--json', '--state-dir', dir])).stdout);
    expect(revoked.accepted).toBe(true);
    expect(revoked.notes.join('\n')).toMatch(/revoked client client1 on 2026-01-02T03:04:05.000Z, but API Gateway does not check revocation/);

    const mermaid = await runBuilt(['diagram', '--format', 'mermaid', '--state-dir', dir]);
    expect(mermaid.code).toBe(0);
    const structure = checkMermaid(mermaid.stdout);
    for (const name of CA_NAMES) expect(structure.labels.join('\n')).toContain(name);
    expect(structure.edges).toEqual(expect.arrayContaining([['ca_rootCA', 'ca_intermediateCA0'], ['ca_intermediateCA1', 'ca_intermediateCA2'], ['ca_intermediateCA0', 'client_client1'], ['ca_intermediateCA2', 'client_client2']]));
    expect(mermaid.stdout).toContain('REVOKED 2026-01-02');
    expect(mermaid.stdout).toContain('external partner CA');
    expect(mermaid.stdout).toContain(`truststore version ${status.truststore.version.slice(0, 12)}`);

    const svgFile = path.join(dir, 'setup.svg');
    const written = await runBuilt(['diagram', '--out', svgFile, '--state-dir', dir]);
    expect(written.code).toBe(0);
    svg = await readFile(svgFile, 'utf8');
    expect((await runBuilt(['diagram', '--state-dir', dir])).stdout).toBe(svg); // svg is the default, to stdout
    // Self-contained: nothing fetched, nothing run.
    expect(svg).not.toMatch(/<script|<image|href=|url\(|@import|@font-face/i);
    expect(svg).toContain('REVOKED 2026-01-02');
    expect(svg).toContain('external partner CA');
    expect(svg).toContain(`in truststore ${status.truststore.version.slice(0, 12)}`);
  });

  it.skipIf(SKIP_CHROMIUM)('renders the SVG in headless Chromium: not blank, every CA name as text', async () => {
    expect(CHROMIUM, 'chromium is required under CI').toBeDefined();
    expect(svg).toBeDefined();
    await renderInChromium(svg, dir);
  }, 120_000);

  it('shows explain\'s verdict when a connect check fails, not only the HTTP status', async () => {
    // client2's certificate replaced by one that has just expired: same key, same issuer, so curl presents it
    // and the state still expects 200; the gateway refuses it, and explain says why.
    const abs = (p: string) => path.join(dir, p);
    const caKeyPem = await readFile(abs('cas/intermediateCA2/key.pem'), 'utf8');
    const caCertificatePem = await readFile(abs('cas/intermediateCA2/certificate.pem'), 'utf8');
    const passphrase = (await readFile(abs('clients/client2/passphrase.txt'), 'utf8')).trim();
    const publicKeyPem = createPublicKey(createPrivateKey({key: await readFile(abs('clients/client2/key.pem'), 'utf8'), passphrase})).export({type: 'spki', format: 'pem'}).toString();
    const expired = await issueClientCertificate({
      publicKeyPem,
      commonName: 'client2',
      dnsName: 'client2.mtls.test',
      issuer: {certificatePem: caCertificatePem, key: keyFromPrivate(status.keyAlgorithm ?? 'EC_prime256v1', caKeyPem)},
      // Expired a few seconds ago (it cannot start before its CA, made a minute ago).
      notAfter: new Date(Date.now() - 3000),
    });
    await writeFile(abs('clients/client2/certificate.pem'), expired.pem);
    // openssl, the independent oracle, agrees that the chain is fine but the certificate has expired.
    expect(openssl(['verify', '-CAfile', abs('cas/intermediateCA2/chain.pem'), abs('clients/client2/certificate.pem')]).out).toMatch(/certificate has expired/);
    const connect = await runBuilt(['connect', '--state-dir', dir], {}, {timeoutMs: 90_000});
    expect(connect.code).toBe(1);
    expect(connect.stdout).toMatch(/✗ client2: HTTP 403/);
    expect(connect.stdout).toMatch(/explain client2: not accepted \(rule validity\): .*CN=client2.*expired/);
    expect(connect.stdout).not.toMatch(/explain client1/);
  }, 120_000);
});

/** The SVG in real headless Chromium: a PNG that is not blank, and every CA name as rendered text. */
async function renderInChromium(svg: string, dir: string): Promise<void> {
  const width = Number(/width="(\d+)"/.exec(svg)![1]);
  const height = Number(/height="(\d+)"/.exec(svg)![1]);
  const png = path.join(dir, 'setup.png');
  screenshot(writePage(path.join(dir, 'image.html'), `<img src="setup.svg" width="${width}" height="${height}">`), png, width, height);
  const stats = colourStats(decodePng(await readFile(png)));
  expect(stats.distinct).toBeGreaterThan(8);
  expect(stats.nonWhite).toBeGreaterThan(0.03);

  // Inline, the names are SVG <text> elements Chromium laid out (a box of non-zero width), not paths or an image.
  const script = "const found=[...document.querySelectorAll('svg text')].filter(t=>t.getBBox().width>0).map(t=>t.textContent);const pre=document.createElement('pre');pre.id='texts';pre.textContent=found.join('\\n');document.body.appendChild(pre);";
  const dom = dumpDom(writePage(path.join(dir, 'inline.html'), svg, script));
  const texts = /<pre id="texts">([\s\S]*?)<\/pre>/.exec(dom)?.[1] ?? '';
  for (const name of CA_NAMES) expect(texts.split('\n')).toContain(name);
  expect(texts).toContain('client1');
}
