#!/usr/bin/env node
// Times the headless local walkthrough (`mtls-wizard run --yes`, built CLI) against the same work done
// by hand with openssl + curl (bench/openssl-walkthrough.sh), alternating the two in one run so that
// both see the same machine load, and prints the ratio of their medians against issue 2's targets.
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {builtCli, fail, formatMs, freePort, median, parseFlags, requirePositive, timedRun} from './lib.mjs';

const usage = `usage: node bench/walkthrough.mjs [--rounds N] [--alg EC_prime256v1|RSA_2048] [--warmup N]
  --rounds  timed rounds per key algorithm (default 7); each round runs both sides once
  --alg     one key algorithm (default: EC_prime256v1, then RSA_2048)
  --warmup  untimed rounds first, to fill the disk cache (default 1)
`;
// Issue 10, item 2: the walkthrough takes at most this fraction of the openssl script's wall time.
const targets = {EC_prime256v1: 1.0, RSA_2048: 0.5};
const script = fileURLToPath(new URL('./openssl-walkthrough.sh', import.meta.url));

const options = parseFlags(process.argv.slice(2), {rounds: 7, alg: '', warmup: 1}, usage);
requirePositive(options, ['rounds']);
const algorithms = options.alg ? [options.alg] : Object.keys(targets);
for (const alg of algorithms) {
  if (!(alg in targets)) fail(`--alg must be one of ${Object.keys(targets).join(', ')}, got "${alg}"`);
}
const cliPath = builtCli();

// The gateway gets a free port rather than the default 8443, which a test suite may be using.
const sides = {
  walkthrough: (dir, alg, port) => [
    process.execPath,
    [cliPath, 'run', '--yes', '--key-algorithm', alg, '--port', String(port), '--state-dir', dir],
  ],
  openssl: (dir, alg) => [script, [dir, alg]],
};

/**
 * One run of one side in a fresh directory, removed afterwards. A failure stops the benchmark with the
 * side's output and leaves the directory for a look.
 */
async function runOnce(side, alg) {
  const dir = await mkdtemp(join(tmpdir(), `mtls-bench-${side}-`));
  try {
    const [command, args] = sides[side](dir, alg, await freePort());
    const result = await timedRun(command, args);
    if (result.code !== 0) {
      fail(`${side} (${alg}) exited with ${result.code ?? result.signal} (files left in ${dir}); its output:\n${result.output}`);
    }
    if (side === 'walkthrough') await expectComplete(dir, `${alg}, files left in ${dir}`);
    return result;
  } finally {
    await rm(dir, {recursive: true, force: true});
  }
}

/** Untimed: the walkthrough counts only if every step is done and all connection checks held. */
async function expectComplete(dir, alg) {
  const result = await timedRun(process.execPath, [cliPath, 'status', '--json', '--state-dir', dir]);
  let status;
  try {
    status = JSON.parse(result.output);
  } catch {
    fail(`status --json (${alg}) did not print JSON:\n${result.output}`);
  }
  const unfinished = status.steps.filter((step) => step.status !== 'done').map((step) => step.id);
  const checks = Object.values(status.checks ?? {}).flat();
  const failed = checks.filter((check) => !check.ok).map((check) => check.name);
  if (unfinished.length > 0 || failed.length > 0 || checks.length !== 5) {
    fail(`walkthrough (${alg}) incomplete: unfinished steps [${unfinished}], failed checks [${failed}], ${checks.length} checks`);
  }
}

/** Each algorithm's runs as soon as they are done, so a later failure does not lose them. */
function printRuns({times, cpu, cpuRatio}) {
  for (const [side, values] of Object.entries(times)) {
    process.stdout.write(`  ${side.padEnd(11)} wall ${values.map((ms) => Math.round(ms)).join(' ')} ms\n`);
    process.stdout.write(`  ${''.padEnd(11)} CPU  ${cpu[side].map((ms) => Math.round(ms)).join(' ')} ms (user+sys, children included)\n`);
  }
  if (!Number.isNaN(cpuRatio)) process.stdout.write(`  ratio of CPU-time medians: ${cpuRatio.toFixed(2)}\n`);
}

const summary = [];
for (const alg of algorithms) {
  process.stdout.write(`${alg}: ${options.warmup} warm-up + ${options.rounds} rounds `);
  const times = {walkthrough: [], openssl: []};
  const cpu = {walkthrough: [], openssl: []};
  for (let round = -options.warmup; round < options.rounds; round++) {
    // Swap who goes first each round, so neither side always runs right after the other's clean-up.
    const order = round % 2 === 0 ? ['walkthrough', 'openssl'] : ['openssl', 'walkthrough'];
    for (const side of order) {
      const {ms, cpuMs} = await runOnce(side, alg);
      if (round >= 0) times[side].push(ms), cpu[side].push(cpuMs);
    }
    process.stdout.write(round >= 0 ? '.' : 'w');
  }
  process.stdout.write('\n');
  const ours = median(times.walkthrough);
  const theirs = median(times.openssl);
  const cpuRatio = median(cpu.walkthrough) / median(cpu.openssl);
  summary.push({alg, ours, theirs, ratio: ours / theirs, target: targets[alg], times, cpu, cpuRatio});
  printRuns(summary.at(-1));
}

process.stdout.write('\nkey algorithm    walkthrough  openssl+curl  ratio  target  result\n');
for (const {alg, ours, theirs, ratio, target} of summary) {
  const verdict = ratio <= target ? 'met' : 'MISSED';
  process.stdout.write(
    `${alg.padEnd(16)} ${formatMs(ours).padStart(11)}  ${formatMs(theirs).padStart(12)}  ${ratio.toFixed(2).padStart(5)}  ≤ ${target.toFixed(1)}   ${verdict}\n`,
  );
}
process.stdout.write('(medians of wall time per run, spawn to exit)\n');
process.exitCode = summary.every(({ratio, target}) => ratio <= target) ? 0 : 1;
