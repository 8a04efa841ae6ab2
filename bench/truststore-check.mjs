#!/usr/bin/env node
// `mtls-wizard truststore check FILE` on a 1,000-certificate bundle (API Gateway's maximum), whole process
// (issue 10, item 1: ≤ 200 ms). Alternates, in one run, the check with a bare `node -e 0` and with
// `openssl crl2pkcs7 -nocrl -certfile FILE` (OpenSSL reading the same certificates), and prints the medians,
// the ratios and whether the target is met (exit 1 if not).
// Usage: node bench/truststore-check.mjs [--rounds 11] [--bundle FILE]
// The bundle is generated once (cached in the temp directory): 250 hierarchies of four CAs each (a root, two
// CAs below it, one more below the first), EC P-256 mostly, some P-384 and RSA-2048, every chain valid.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import {webcrypto} from 'node:crypto';
import {existsSync, renameSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {builtCli, fail, formatMs, median, parseFlags, requirePositive, timedRun} from './lib.mjs';

const TARGET_MS = 200;
const USAGE = 'usage: node bench/truststore-check.mjs [--rounds 11] [--bundle FILE]\n';
const options = parseFlags(process.argv.slice(2), {rounds: 11, bundle: ''}, USAGE);
requirePositive(options, ['rounds']);

const cli = builtCli();
const bundle = options.bundle || join(tmpdir(), 'mtls-bench-truststore-1000-v1.pem');
if (!existsSync(bundle)) {
  process.stdout.write(`generating ${bundle} (once) …\n`);
  const text = await generateBundle();
  writeFileSync(`${bundle}.tmp`, text);
  renameSync(`${bundle}.tmp`, bundle);
}

const subjects = {
  check: [process.execPath, [cli, 'truststore', 'check', bundle]],
  node: [process.execPath, ['-e', '0']],
  openssl: ['openssl', ['crl2pkcs7', '-nocrl', '-certfile', bundle, '-out', '/dev/null']],
};
const times = {check: [], node: [], openssl: []};
const cpu = {check: [], node: [], openssl: []};
const first = await timedRun(...subjects.check);
if (first.code !== 0 || !/^\S+: 1000 certificates, 0 errors, 0 warnings$/m.test(first.output)) {
  fail(`the check did not pass the generated bundle (exit ${first.code}):\n${first.output.slice(0, 2000)}`);
}
for (let round = 0; round < options.rounds; round++) {
  const order = Object.keys(subjects);
  if (round % 2 === 1) order.reverse();
  for (const name of order) {
    const run = await timedRun(...subjects[name]);
    if (run.code !== 0) fail(`${name} exited ${run.code}:\n${run.output.slice(0, 2000)}`);
    times[name].push(run.ms);
    cpu[name].push(run.cpuMs);
  }
}

const check = median(times.check);
const node = median(times.node);
const openssl = median(times.openssl);
const met = check <= TARGET_MS;
process.stdout.write(
  [
    `rounds: ${options.rounds} (medians of wall time, which a busy machine inflates; CPU time, user + system, beside it)`,
    `                                           wall       cpu`,
    `truststore check (1,000 certificates)  ${formatMs(check).padStart(8)}  ${formatMs(median(cpu.check)).padStart(8)}`,
    `node -e 0                              ${formatMs(node).padStart(8)}  ${formatMs(median(cpu.node)).padStart(8)}   check/node    ${(check / node).toFixed(2)}×`,
    `openssl crl2pkcs7 -nocrl -certfile     ${formatMs(openssl).padStart(8)}  ${formatMs(median(cpu.openssl)).padStart(8)}   check/openssl ${(check / openssl).toFixed(2)}×`,
    `target: ≤ ${TARGET_MS} ms whole process: ${met ? 'met' : 'NOT met'}`,
    '',
  ].join('\n'),
);
process.exitCode = met ? 0 : 1;

/** 1,000 CA certificates in 250 valid hierarchies, as PEM text, root first in each. */
async function generateBundle() {
  x509.cryptoProvider.set(webcrypto);
  const ALGORITHMS = {
    p256: {name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256'},
    p384: {name: 'ECDSA', namedCurve: 'P-384', hash: 'SHA-384'},
    rsa: {name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256'},
  };
  const generate = (alg) => webcrypto.subtle.generateKey(ALGORITHMS[alg], true, ['sign', 'verify']);
  const notBefore = new Date(Date.now() - 86_400_000);
  const notAfter = new Date(Date.now() + 86_400_000 * 3650);
  let serial = 0;
  const extensionsFor = async (keys, issuerKeys, pathLength) => [
    new x509.BasicConstraintsExtension(true, pathLength, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    await x509.AuthorityKeyIdentifierExtension.create(issuerKeys.publicKey),
  ];
  const pems = [];
  for (let tree = 0; tree < 250; tree++) {
    const alg = tree % 10 === 0 ? 'rsa' : tree % 5 === 0 ? 'p384' : 'p256';
    const rootKeys = await generate(alg);
    const root = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: (++serial).toString(16).padStart(4, '0'),
      name: `C=JP, O=Example ${tree}, CN=Root CA ${tree}`,
      notBefore,
      notAfter,
      keys: rootKeys,
      signingAlgorithm: ALGORITHMS[alg],
      extensions: await extensionsFor(rootKeys, rootKeys, 2),
    });
    pems.push(root);
    const issue = async (name, parent, parentKeys, pathLength) => {
      const keys = await generate('p256');
      const cert = await x509.X509CertificateGenerator.create({
        serialNumber: (++serial).toString(16).padStart(4, '0'),
        subject: `C=JP, O=Example ${tree}, CN=${name}`,
        issuer: parent.subject,
        notBefore,
        notAfter,
        publicKey: keys.publicKey,
        signingKey: parentKeys.privateKey,
        signingAlgorithm: ALGORITHMS[parentKeys === rootKeys ? alg : 'p256'],
        extensions: await extensionsFor(keys, parentKeys, pathLength),
      });
      pems.push(cert);
      return {cert, keys};
    };
    const a = await issue(`Intermediate CA ${tree}-A`, root, rootKeys, 1);
    await issue(`Intermediate CA ${tree}-B`, root, rootKeys, 0);
    await issue(`Issuing CA ${tree}-A1`, a.cert, a.keys, 0);
  }
  return pems.map((cert) => `${cert.toString('pem').replaceAll('\r\n', '\n')}\n`).join('');
}
