// Small helpers shared by the benchmarks: argument parsing, timed child processes, statistics.
import {spawn} from 'node:child_process';
import {cpSync, existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {SourceMap} from 'node:module';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {dirname, join, relative, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const distDir = fileURLToPath(new URL('../dist', import.meta.url));

/**
 * The built CLI, as a private copy of dist/ made now and removed at exit: `npm run build` empties dist/
 * first, so a rebuild during a long run would otherwise break it halfway or mix two builds.
 * (dist/ is self-contained: esbuild bundles the dependencies.)
 */
export function builtCli() {
  if (!existsSync(join(distDir, 'cli.js'))) fail(`${distDir}/cli.js is missing: the benchmarks time the built CLI. Run \`npm run build\` first.`);
  const copy = mkdtempSync(join(tmpdir(), 'mtls-bench-dist-'));
  process.on('exit', () => rmSync(copy, {recursive: true, force: true}));
  cpSync(distDir, join(copy, 'dist'), {recursive: true});
  return join(copy, 'dist', 'cli.js');
}

export function fail(message) {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(1);
}

/**
 * Parses `--name value` flags against a table of defaults; values are coerced to the default's type.
 * Unknown flags and missing values stop the benchmark before it starts anything.
 */
export function parseFlags(argv, defaults, usage) {
  const options = {...defaults};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--help' || flag === '-h') {
      process.stdout.write(usage);
      process.exit(0);
    }
    const name = flag.startsWith('--') ? flag.slice(2).replace(/-(\w)/g, (_, c) => c.toUpperCase()) : '';
    if (!(name in defaults)) fail(`unknown flag ${flag}\n${usage}`);
    const value = argv[++i];
    if (value === undefined) fail(`${flag} needs a value\n${usage}`);
    if (typeof defaults[name] === 'number') {
      const number = Number(value);
      if (!Number.isInteger(number) || number < 0) fail(`${flag} must be a whole number, got "${value}"`);
      options[name] = number;
    } else {
      options[name] = value;
    }
  }
  return options;
}

/** Fails unless each named option is at least 1. */
export function requirePositive(options, names) {
  for (const name of names) if (options[name] < 1) fail(`--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} must be at least 1`);
}

// Children still running; killed if the benchmark exits early (fail(), a deadline), so none outlives it.
const running = new Set();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Runs a command to completion and returns its wall time in ms (spawn to exit) with its output,
 * which is kept only to explain a failure.
 */
export function timedRun(command, args, {env} = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, {stdio: ['ignore', 'pipe', 'pipe'], env: env ?? process.env});
    running.add(child);
    child.on('exit', () => running.delete(child));
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    const cpuBefore = childrenCpuMs();
    child.on('close', (code, signal) =>
      resolve({ms: performance.now() - started, cpuMs: childrenCpuMs() - cpuBefore, code, signal, output}),
    );
  });
}

/**
 * CPU time (user + system) of this process's finished, reaped children so far, grandchildren included
 * (Linux /proc; NaN elsewhere). Wall time on a busy machine says as much about the neighbours as about
 * the command; its CPU time does not.
 */
export function childrenCpuMs() {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100; // cutime + cstime, in USER_HZ (100)
  } catch {
    return NaN;
  }
}

export function median(values) {
  return percentile(values, 50);
}

/** Nearest-rank percentile: an observed value, never an interpolation. */
export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

export function formatMs(ms) {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 0)} ms`;
}

/** A port free on 127.0.0.1 right now (the OS picks it); the caller binds it soon after. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sourceMaps = new Map();
function sourceMapFor(path) {
  if (!sourceMaps.has(path)) sourceMaps.set(path, existsSync(`${path}.map`) ? new SourceMap(JSON.parse(readFileSync(`${path}.map`, 'utf8'))) : null);
  return sourceMaps.get(path);
}

/**
 * {file, name} of a V8 CPU-profile call frame, mapped back through dist's source maps: "source/pki/keys.ts" and
 * "fnName source/pki/keys.ts:42"; node: frames as they are; a native frame ("(idle)", "(garbage collector)") by name.
 */
export function locateFrame({url, functionName, lineNumber, columnNumber}) {
  const fn = functionName || '(anonymous)';
  if (!url) return {file: '(native)', name: fn};
  let path = url.startsWith('file://') ? fileURLToPath(url) : url;
  let line = lineNumber + 1;
  const entry = path.startsWith(repoRoot) ? sourceMapFor(path)?.findEntry(lineNumber, columnNumber) : undefined;
  if (entry?.originalSource) {
    const source = entry.originalSource;
    path = source.startsWith('file://') ? fileURLToPath(source) : resolve(dirname(path), source);
    line = entry.originalLine + 1;
  }
  const file = path.startsWith('/') ? relative(repoRoot, path.replace(/^.*?\/node_modules\//, `${repoRoot}node_modules/`)) : path;
  return {file, name: `${fn} ${file}:${line}`};
}
