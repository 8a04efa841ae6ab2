#!/usr/bin/env node
// Drives the local gateway (`mtls-wizard gateway`, built CLI) on 127.0.0.1 like a workshop room:
// trusted clients (client1, client2) and untrusted ones (the outsider CA's certificate, no certificate)
// all at once. Every trusted request must get 200 with its own subject, every untrusted one 403, and the
// gateway must still answer afterwards. Prints requests per second and latency percentiles.
// Bounded: it stops by itself after --timeout seconds at the latest; loopback only.
import {spawn} from 'node:child_process';
import {readFileSync, rmSync} from 'node:fs';
import {mkdtemp, readFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {createInterface} from 'node:readline';
import {loadIdentities, probe, runClient} from './load-clients.mjs';
import {builtCli, fail, formatMs, freePort, parseFlags, percentile, requirePositive, timedRun} from './lib.mjs';

const usage = `usage: node bench/gateway-load.mjs [--clients 30] [--requests 20] [--untrusted 10] [--mode both|fresh|keepalive] [--timeout 180] [--state-dir DIR]
  --clients    trusted clients in parallel (client1 and client2 in turn)
  --requests   requests per client, one after another
  --untrusted  untrusted clients alongside them (half the outsider's certificate, half none)
  --mode       fresh: a new TLS connection per request; keepalive: one per client; both (default)
  --timeout    seconds before it gives up and stops everything
  --state-dir  a finished walkthrough to use (default: a new one in a temp dir, removed afterwards)
  --gateway-node-args  node flags for the gateway process, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
`;
const options = parseFlags(process.argv.slice(2), {clients: 30, requests: 20, untrusted: 10, mode: 'both', timeout: 180, stateDir: '', gatewayNodeArgs: ''}, usage);
requirePositive(options, ['clients', 'requests', 'timeout']);
const modes = options.mode === 'both' ? ['fresh', 'keepalive'] : [options.mode];
if (!modes.every((mode) => mode === 'fresh' || mode === 'keepalive')) fail(`--mode must be both, fresh or keepalive, got "${options.mode}"`);
const REQUEST_TIMEOUT_MS = 15_000;
const cliPath = builtCli();

let gateway; // the child process
const dir = options.stateDir || (await mkdtemp(join(tmpdir(), 'mtls-bench-gateway-')));
// Every way out, fail() and the deadline included, stops the gateway and removes what this run made.
process.on('exit', () => {
  gateway?.kill('SIGKILL');
  if (!options.stateDir) rmSync(dir, {recursive: true, force: true});
});
const deadline = setTimeout(() => fail(`gave up after ${options.timeout} s (--timeout)`), options.timeout * 1000);

try {
  if (!options.stateDir) await prepare(dir);
  const status = await readStatus(dir);
  const identities = await loadIdentities(dir, status);
  const started = await startGateway(dir);
  gateway = started.child;
  const endpoint = new URL(status.endpoint.url);
  const target = {port: started.port, path: endpoint.pathname, domain: endpoint.hostname, ca: await readFile(status.endpoint.caCertificate, 'utf8')};

  process.stdout.write(`gateway on 127.0.0.1:${started.port}; ${options.clients} trusted clients × ${options.requests} requests, plus ${options.untrusted} untrusted clients × ${options.requests}\n`);
  let failures = 0;
  for (const mode of modes) {
    const before = {gateway: gatewayCpuMs(gateway.pid), clients: process.cpuUsage()};
    const outcome = await room(target, identities, mode);
    const clients = process.cpuUsage(before.clients);
    outcome.cpu = {gateway: gatewayCpuMs(gateway.pid) - before.gateway, clients: (clients.user + clients.system) / 1000};
    failures += report(mode, outcome);
  }

  // The gateway still up and still judging correctly after the load.
  const after = [await probe(target, identities.trusted[0], 200, REQUEST_TIMEOUT_MS), await probe(target, identities.none, 403, REQUEST_TIMEOUT_MS)];
  const alive = gateway.exitCode === null && after.every((r) => r.problem === null);
  process.stdout.write(`after the load: ${alive ? 'the gateway still answers (200 for client1, 403 without a certificate)' : `NOT healthy: ${after.map((r) => r.problem ?? 'ok').join(', ')}`}\n`);
  const logged = await stopGateway(started);
  // Its own log must tell the same story: one line per request, with the status the client saw.
  const perMode = options.requests * modes.length;
  const expected = {200: options.clients * perMode + 1, 403: options.untrusted * perMode + 1};
  const logOk = logged[200] === expected[200] && (logged[403] ?? 0) === expected[403];
  process.stdout.write(`gateway log: ${logged[200] ?? 0} × 200, ${logged[403] ?? 0} × 403 (${logOk ? 'as sent' : `expected ${expected[200]} and ${expected[403]}`}); stopped cleanly\n`);
  process.exitCode = failures === 0 && alive && logOk ? 0 : 1;
} finally {
  clearTimeout(deadline);
}

async function prepare(stateDir) {
  process.stdout.write(`preparing a walkthrough in ${stateDir} ... `);
  const result = await timedRun(process.execPath, [cliPath, 'run', '--yes', '--port', String(await freePort()), '--state-dir', stateDir]);
  if (result.code !== 0) fail(`the walkthrough failed (exit ${result.code ?? result.signal}):\n${result.output}`);
  process.stdout.write(`done in ${formatMs(result.ms)}\n`);
}

async function readStatus(stateDir) {
  const result = await timedRun(process.execPath, [cliPath, 'status', '--json', '--state-dir', stateDir]);
  try {
    const status = JSON.parse(result.output);
    if (status.steps.some((step) => step.status !== 'done')) fail(`the walkthrough in ${stateDir} is not finished: run \`mtls-wizard run --yes --state-dir ${stateDir}\``);
    return status;
  } catch (error) {
    return fail(`status --json did not print JSON (${error.message}):\n${result.output}`);
  }
}

/** Starts `mtls-wizard gateway` and resolves once it prints "Press Ctrl-C"; counts the statuses it logs. */
async function startGateway(stateDir) {
  const port = await freePort();
  const nodeArgs = options.gatewayNodeArgs.split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, cliPath, 'gateway', '--port', String(port), '--state-dir', stateDir], {stdio: ['ignore', 'pipe', 'pipe']});
  const logged = {};
  let output = '';
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  const ready = new Promise((resolve, reject) => {
    child.stderr.on('data', (chunk) => (output += chunk));
    createInterface({input: child.stdout}).on('line', (line) => {
      const status = /^\S+Z (\d{3}) /.exec(line)?.[1];
      if (status) logged[status] = (logged[status] ?? 0) + 1;
      else output += `${line}\n`;
      if (line.includes('Press Ctrl-C')) resolve();
    });
    exited.then((code) => reject(new Error(`the gateway exited (${code}) before it was ready:\n${output}`)));
  });
  await ready.catch((error) => fail(error.message));
  return {child, port, logged, exited};
}

/** Ctrl-C, as a person stops it; the gateway must exit 0 within 10 s. Returns its log's status counts. */
async function stopGateway({child, logged, exited}) {
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  const code = await exited;
  clearTimeout(timer);
  if (code !== 0) fail(`the gateway did not stop cleanly on Ctrl-C (exit ${code})`);
  return logged;
}

/** Every client of the room at once; resolves with each request's result and the wall time of it all. */
async function room(target, identities, mode) {
  const clients = [];
  for (let i = 0; i < options.clients; i++) clients.push([identities.trusted[i % identities.trusted.length], 200]);
  for (let i = 0; i < options.untrusted; i++) clients.push([i % 2 === 0 ? identities.outsider : identities.none, 403]);
  const started = performance.now();
  const results = await Promise.all(clients.map(([identity, expected]) => runClient(target, identity, expected, options.requests, mode, REQUEST_TIMEOUT_MS)));
  return {results: results.flat(), ms: performance.now() - started};
}

/**
 * CPU time the gateway process has used so far (Linux /proc; NaN elsewhere): with the clients on the same
 * machine, CPU per request says more about the gateway than requests per second do.
 */
function gatewayCpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in USER_HZ (100)
  } catch {
    return NaN;
  }
}

/** Prints one mode's figures; returns how many requests did not get what they should have. */
function report(mode, {results, ms, cpu}) {
  const failed = results.filter((r) => r.problem !== null);
  const line = (label, rs) => {
    if (rs.length === 0) return '';
    const latencies = rs.map((r) => r.ms);
    const pct = (p) => formatMs(percentile(latencies, p));
    return `  ${label.padEnd(9)} ${String(rs.length).padStart(4)} requests, latency p50 ${pct(50)}, p90 ${pct(90)}, p99 ${pct(99)}, max ${pct(100)}\n`;
  };
  const perSecond = results.length / (ms / 1000);
  const label = mode === 'fresh' ? 'fresh: a new TLS connection (full handshake) per request' : 'keepalive: one TLS connection per client';
  process.stdout.write(`\n${label}\n  ${results.length} requests in ${formatMs(ms)}: ${perSecond.toFixed(0)} requests/s; ${failed.length} wrong\n`);
  if (!Number.isNaN(cpu.gateway)) {
    const each = (total) => formatMs(total / results.length);
    process.stdout.write(`  CPU per request: gateway ${each(cpu.gateway)}, clients ${each(cpu.clients)} (all clients share this one process)\n`);
  }
  process.stdout.write(line('trusted', results.filter((r) => r.expected === 200)));
  process.stdout.write(line('untrusted', results.filter((r) => r.expected === 403)));
  const examples = new Map();
  for (const r of failed) examples.set(`${r.client}: expected ${r.expected}, got ${r.problem}`, (examples.get(`${r.client}: expected ${r.expected}, got ${r.problem}`) ?? 0) + 1);
  for (const [what, count] of [...examples].slice(0, 8)) process.stdout.write(`  WRONG ×${count}  ${what}\n`);
  return failed.length;
}
