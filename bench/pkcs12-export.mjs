// PKCS#12 export time per profile, A/B: source/pki of a base git revision (A, default `main`) against the
// working tree's (B). Both are bundled with esbuild from source/pki/index.ts (so each bundle also carries
// @peculiar/x509, as dist/ does), then timed alternately:
//  - warm: in this process, after warm-up, median wall and CPU per export over --rounds rounds;
//  - cold: fresh `node` processes (alternating A/B) that import the bundle, issue a client certificate with it and
//    export like the walkthrough (two clients x modern then compatible), reporting the first export of each profile
//    and the four together.
// CPU time is process.cpuUsage() around the calls (it includes V8's compiler and GC threads), on a 2-core machine
// shared with other work the steadier figure. Prints ratios B/A and whether B is "no more than today's time"
// (issue 10 item 4): every CPU median of B at most --tolerance percent above A's; exit 1 if not.
// usage: node bench/pkcs12-export.mjs [--base main] [--rounds 40] [--cold 9] [--alg EC_prime256v1|RSA_2048] [--tolerance 5]
import {execFileSync, spawnSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';
import {build} from 'esbuild';
import {fail, formatMs, median, parseFlags, repoRoot} from './lib.mjs';

const usage = `usage: node bench/pkcs12-export.mjs [--base main] [--rounds 40] [--cold 9] [--alg EC_prime256v1|RSA_2048] [--tolerance 5]
  --tolerance: percent by which B's medians may exceed A's and still count as "no more" (noise on a shared machine)
`;

// Child mode: import a bundle, issue a client as the walkthrough does (so @peculiar/x509, asn1-schema and asn1js
// have run once, as they have by the time the walkthrough exports), then export it twice per profile, as the
// walkthrough does for its two clients; print the timings as JSON.
if (process.argv[2] === '--child') {
  const [bundle, alg] = process.argv.slice(3);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const pki = await import(pathToFileURL(bundle).href);
  const importMs = performance.now() - t0;
  const importCpu = cpuMs(process.cpuUsage(c0));
  const fixture = await issueClient(pki, alg);
  const exports = [];
  for (const client of ['client1', 'client2']) {
    for (const profile of ['modern', 'compatible']) {
      const w = performance.now();
      const c = process.cpuUsage();
      pki.exportPkcs12({...fixture, profile, friendlyName: client});
      exports.push({profile, ms: performance.now() - w, cpu: cpuMs(process.cpuUsage(c))});
    }
  }
  process.stdout.write(JSON.stringify({importMs, importCpu, exports}));
  process.exit(0);
}

/** A client certificate under root -> intermediate, as the walkthrough issues them, with what exportPkcs12 takes. */
async function issueClient(pki, alg) {
  const notAfter = new Date(Date.now() + 30 * 86_400_000);
  const [rootKey, subKey, clientKey] = await Promise.all([pki.generateKey('EC_prime256v1'), pki.generateKey('EC_prime256v1'), pki.generateKey(alg)]);
  const root = await pki.createRootCa({key: rootKey, commonName: 'rootCA', notAfter});
  const sub = await pki.issueCaCertificate({publicKeyPem: subKey.publicKeyPem, commonName: 'intermediateCA0', pathLen: 0, issuer: {certificatePem: root.pem, key: rootKey}, notAfter});
  const client = await pki.issueClientCertificate({
    publicKeyPem: clientKey.publicKeyPem, commonName: 'client1', dnsName: 'client1.mtls.test', issuer: {certificatePem: sub.pem, key: subKey}, notAfter,
  });
  return {privateKeyPem: clientKey.privateKeyPem, certificatePem: client.pem, chainPems: [sub.pem, root.pem], passphrase: 'workshop-pass-1'};
}

function cpuMs(usage) {
  return (usage.user + usage.system) / 1000;
}

const options = parseFlags(process.argv.slice(2), {base: 'main', rounds: 40, cold: 9, alg: 'EC_prime256v1', tolerance: 5}, usage);
const work = mkdtempSync(join(tmpdir(), 'mtls-bench-p12-'));
process.on('exit', () => rmSync(work, {recursive: true, force: true}));

/** Bundles source/pki/index.ts from `sourceRoot` (a directory holding source/) into work/name.mjs. */
async function bundle(name, sourceRoot) {
  const outfile = join(work, `${name}.mjs`);
  await build({
    stdin: {contents: "export * from './source/pki/index.ts';", resolveDir: sourceRoot, loader: 'ts'},
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    nodePaths: [join(repoRoot, 'node_modules')],
    banner: {js: "import {createRequire as __mwCreateRequire} from 'node:module';const require = __mwCreateRequire(import.meta.url);"},
    logLevel: 'warning',
  });
  return outfile;
}

const baseDir = join(work, 'base');
mkdirSync(baseDir);
try {
  const tar = execFileSync('git', ['-C', repoRoot, 'archive', options.base, 'source'], {maxBuffer: 1 << 28});
  execFileSync('tar', ['-x', '-C', baseDir], {input: tar});
} catch (error) {
  fail(`cannot read source/ at ${options.base}: ${error.message}`);
}
const files = {A: await bundle('A', baseDir), B: await bundle('B', repoRoot)};
const impl = {A: await import(pathToFileURL(files.A).href), B: await import(pathToFileURL(files.B).href)};

const fixture = await issueClient(impl.B, options.alg);

// Both must write files openssl reads with the passphrase (a quick sanity check, not the test suite).
for (const [name, mod] of Object.entries(impl)) {
  for (const profile of ['modern', 'compatible']) {
    const file = join(work, `${name}-${profile}.p12`);
    writeFileSync(file, mod.exportPkcs12({...fixture, profile, friendlyName: 'client1'}));
    const check = spawnSync('openssl', ['pkcs12', '-in', file, '-passin', `pass:${fixture.passphrase}`, '-nokeys', '-noout'], {encoding: 'utf8'});
    if (check.status !== 0) fail(`openssl cannot read ${name}'s ${profile} file: ${check.stderr}`);
  }
}

const results = [];
const row = (what, a, b) => {
  const ratio = b / a;
  results.push({what, a, b, ratio});
  console.log(`${what.padEnd(40)} A ${formatMs(a).padStart(9)}  B ${formatMs(b).padStart(9)}  B/A ${ratio.toFixed(2)}`);
};

console.log(`PKCS#12 export, ${options.alg} key + 2 CA certificates; A = ${options.base}, B = working tree`);
console.log(`warm: ${options.rounds} rounds after 10 warm-up exports each, A and B alternating`);
for (const profile of ['modern', 'compatible']) {
  const wall = {A: [], B: []};
  const cpu = {A: [], B: []};
  for (const name of ['A', 'B']) for (let i = 0; i < 10; i++) impl[name].exportPkcs12({...fixture, profile});
  for (let round = 0; round < options.rounds; round++) {
    for (const name of round % 2 ? ['B', 'A'] : ['A', 'B']) {
      const w = performance.now();
      const c = process.cpuUsage();
      impl[name].exportPkcs12({...fixture, profile, friendlyName: 'client1'});
      cpu[name].push(cpuMs(process.cpuUsage(c)));
      wall[name].push(performance.now() - w);
    }
  }
  row(`warm ${profile}, wall (median)`, median(wall.A), median(wall.B));
  row(`warm ${profile}, CPU (median)`, median(cpu.A), median(cpu.B));
}

console.log(`cold: ${options.cold} fresh processes each, A and B alternating; each imports its bundle, issues a client, then exports modern, compatible, modern, compatible`);
const cold = {A: [], B: []};
for (let run = 0; run < options.cold; run++) {
  for (const name of run % 2 ? ['B', 'A'] : ['A', 'B']) {
    const child = spawnSync(process.execPath, [new URL(import.meta.url).pathname, '--child', files[name], options.alg], {encoding: 'utf8'});
    if (child.status !== 0) fail(`cold run of ${name} failed: ${child.stderr}`);
    cold[name].push(JSON.parse(child.stdout));
  }
}
const coldMedian = (name, pick) => median(cold[name].map(pick));
row('cold import of the bundle, CPU', coldMedian('A', (r) => r.importCpu), coldMedian('B', (r) => r.importCpu));
for (const [i, profile] of [[0, 'modern'], [1, 'compatible']]) {
  row(`cold first ${profile}, wall`, coldMedian('A', (r) => r.exports[i].ms), coldMedian('B', (r) => r.exports[i].ms));
  row(`cold first ${profile}, CPU`, coldMedian('A', (r) => r.exports[i].cpu), coldMedian('B', (r) => r.exports[i].cpu));
}
const sum = (r, key) => r.exports.reduce((total, e) => total + e[key], 0);
row('cold 4 exports, wall', coldMedian('A', (r) => sum(r, 'ms')), coldMedian('B', (r) => sum(r, 'ms')));
row('cold 4 exports, CPU', coldMedian('A', (r) => sum(r, 'cpu')), coldMedian('B', (r) => sum(r, 'cpu')));
row('cold import + 4 exports, CPU', coldMedian('A', (r) => r.importCpu + sum(r, 'cpu')), coldMedian('B', (r) => r.importCpu + sum(r, 'cpu')));

const limit = 1 + options.tolerance / 100;
const over = results.filter((r) => r.what.includes('CPU') && r.ratio > limit);
console.log(
  over.length === 0
    ? `no more than today's time: holds (every CPU median of B within ${options.tolerance}% of A's or below)`
    : `no more than today's time: DOES NOT hold for ${over.map((r) => r.what).join('; ')}`,
);
process.exit(over.length === 0 ? 0 : 1);
