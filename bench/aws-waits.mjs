#!/usr/bin/env node
// AWS waits (issue 10, item 3). Runs the CA steps of the aws backend against the fake AWS of the mocked
// suite, with AWS Private CA's latencies simulated in real time (a CA makes its key and CSR in 3 s; an
// issuance takes 0 or 0.5 s), and prints each step's duration (median of the rounds), its polls, and
// whether it meets the target: a one-CA step ≤ 3.6 s and the two-CA step (second-chain) ≤ 7.2 s against a
// 3-s CA, i.e. each wait overshoots the service's latency by ≤ 20%. Exit 1 if a target is missed.
// Usage: node bench/aws-waits.mjs [--rounds 3]
import {build} from 'esbuild';
import {rmSync} from 'node:fs';
import {join} from 'node:path';
import {parseFlags, repoRoot} from './lib.mjs';

const usage = 'usage: node bench/aws-waits.mjs [--rounds 3]\n';
const {rounds} = parseFlags(process.argv.slice(2), {rounds: 3}, usage);

// The scenario is TypeScript that imports the source and the test fake: bundled next to this file, so
// its packages resolve from the repository's node_modules (the same SDK classes the fake patches).
const bundle = join(repoRoot, 'bench', `.aws-waits-scenario-${process.pid}.mjs`);
process.on('exit', () => rmSync(bundle, {force: true}));
await build({entryPoints: [join(repoRoot, 'bench', 'aws-waits-scenario.ts')], outfile: bundle, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning'});

// Hermetic, as in the mocked suite (vitest.config.ts): the fake AWS, never real credentials.
Object.assign(process.env, {AWS_ACCESS_KEY_ID: 'AKIDTESTTESTTEST', AWS_SECRET_ACCESS_KEY: 'test-secret-not-real', AWS_REGION: 'us-east-1', AWS_PROFILE: '', MTLS_WIZARD_STATE_DIR: ''});

const {runScenario} = await import(bundle);

const scenarios = [
  {label: 'one CA (root-ca), key+CSR 3 s, issuance 0 s', step: 'root-ca', csrMs: 3000, issueMs: 0, serviceMs: 3000, targetMs: 3600},
  {label: 'one CA (root-ca), key+CSR 3 s, issuance 0.5 s', step: 'root-ca', csrMs: 3000, issueMs: 500, serviceMs: 3500, targetMs: 4200},
  {label: 'two CAs (second-chain), key+CSR 3 s each', step: 'second-chain', csrMs: 3000, issueMs: 0, serviceMs: 6000, targetMs: 7200},
];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

let missed = 0;
console.log(`AWS waits, simulated latencies, ${rounds} round(s) each, real time (a loaded machine adds its own delay: see the baseline)`);
for (const s of scenarios) {
  const results = [];
  const baselines = [];
  for (let i = 0; i < rounds; i++) {
    // The same step with no latency, alternated: what the step costs here besides waiting for AWS.
    baselines.push(await runScenario({...s, csrMs: 0, issueMs: 0}));
    results.push(await runScenario(s));
  }
  const ms = median(results.map((r) => r.ms));
  const base = median(baselines.map((r) => r.ms));
  const waitMs = s.step === 'second-chain' ? s.csrMs + s.issueMs : s.serviceMs;
  const overshoot = (ms - base - waitMs) / waitMs;
  const ok = ms <= s.targetMs;
  if (!ok) missed += 1;
  const runs = results.map((r) => (r.ms / 1000).toFixed(2)).join(' ');
  const polls = results.at(-1);
  console.log(`${s.label}:`);
  console.log(`  step ${(ms / 1000).toFixed(2)} s median (runs: ${runs}); the same step without latency ${(base / 1000).toFixed(2)} s`);
  console.log(`  waiting beyond the service's ${(waitMs / 1000).toFixed(1)} s (step − no-latency step − service): ${(overshoot * 100).toFixed(0)}% (bound 20%)`);
  console.log(`  polls: GetCertificateAuthorityCsr ${polls.csrPolls}, GetCertificate ${polls.certificatePolls}`);
  console.log(`  target ≤ ${(s.targetMs / 1000).toFixed(1)} s: ${ok ? 'met' : 'MISSED'}`);
}
process.exit(missed ? 1 : 0);
