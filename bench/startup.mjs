#!/usr/bin/env node
// Start-up benchmark (issue 3, item 8). In one run, alternating rounds, medians:
//  - in a real pseudo-terminal (tmux), against a bare `node -e 0` measured the same way (launch, then poll
//    the screen for a marker): the first frame (the steps on screen, written as plain text before Ink
//    loads), Ink's own frame (it hides the cursor: keys work from here), and the step titles (the engine
//    loaded behind the first frame);
//  - `mtls-wizard --version`, against a bare `node -e 0`, as plain child processes.
// Targets: first frame ≤ 3× bare node, --version ≤ 1.5×. Usage: node bench/startup.mjs [--rounds N] [--strict]
import {execFileSync, spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, rmSync} from 'node:fs';
import os, {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'dist', 'cli.js');
const args = process.argv.slice(2);
const rounds = Number(args[args.indexOf('--rounds') + 1]) || 15;
const strict = args.includes('--strict');

if (!existsSync(cli)) {
  console.error(`no ${cli}: run \`npm run build\` first`);
  process.exit(2);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const ms = (x) => `${x.toFixed(0).padStart(5)} ms`;

// ---- pseudo-terminal: one tmux server, one pane respawned per measurement -------------------------------
const socket = `mtls-bench-${process.pid}`;
const tmux = (...a) => execFileSync('tmux', ['-L', socket, ...a], {encoding: 'utf8'});
const scratch = mkdtempSync(path.join(tmpdir(), 'mtls-bench-'));
// A shell command run in the pane, interactive (no CI), in colour as a person sees it (capture-pane strips it).
const shell = (command) => `env -u CI ${command}`;

const pause = new Int32Array(new SharedArrayBuffer(4));
const nap = (ms) => Atomics.wait(pause, 0, 0, ms);

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Stops what the pane runs and waits until it is gone, so it takes no CPU from the next measurement. */
function quiet() {
  const pid = Number(tmux('display-message', '-p', '-t', 'bench', '#{pane_pid}').trim());
  tmux('respawn-pane', '-k', '-t', 'bench', 'sleep 600');
  const deadline = performance.now() + 5000;
  while (pid && alive(pid)) {
    if (performance.now() > deadline) process.kill(pid, 'SIGKILL');
    nap(2);
  }
}

function timeToScreen(command, isReady, timeoutMs = 10_000) {
  quiet();
  tmux('respawn-pane', '-k', '-t', 'bench', shell(command));
  const started = performance.now();
  for (;;) {
    // One tmux call: whether the cursor shows (Ink hides it when it draws), then the screen.
    const [cursor, ...rest] = tmux('display-message', '-p', '-t', 'bench', '#{cursor_flag}', ';', 'capture-pane', '-p', '-t', 'bench').split('\n');
    const screen = rest.join('\n');
    const elapsed = performance.now() - started;
    if (isReady(screen, {cursorHidden: cursor === '0', elapsed})) return elapsed;
    if (elapsed > timeoutMs) throw new Error(`timed out waiting for the screen; last screen:\n${screen}`);
    // Polling without a pause would take a CPU from the process being measured (2 ms resolution is plenty).
    nap(2);
  }
}

function measurePty() {
  const harness = [];
  const bare = [];
  const frame = [];
  const ink = [];
  const titled = [];
  tmux('new-session', '-d', '-x', '120', '-y', '40', '-s', 'bench', 'sleep 1');
  tmux('set-option', '-t', 'bench', 'remain-on-exit', 'on');
  try {
    for (let i = 0; i < rounds; i++) {
      // What launching and polling alone cost: subtracted for the net figures.
      harness.push(timeToScreen(`sh -c 'echo SHELL-READY; sleep 60'`, (s) => s.includes('SHELL-READY')));
      // (The pane stays alive after the marker: tmux may drop the last output of a pane that exits at once.)
      bare.push(timeToScreen(`sh -c 'node -e 0; echo BARE-NODE-READY; sleep 60'`, (s) => s.includes('BARE-NODE-READY')));
      const dir = path.join(scratch, `state-${i}`);
      // First frame: the steps are on screen. Then Ink has drawn (it hides the cursor), then the engine
      // has loaded (the steps have their titles).
      const marks = {};
      timeToScreen(`node ${cli} --state-dir ${dir}`, (s, {cursorHidden, elapsed}) => {
        const steps = s.includes('Steps') && /root-ca|Create the root CA/.test(s);
        if (steps) marks.frame ??= elapsed;
        if (steps && cursorHidden) marks.ink ??= elapsed;
        if (s.includes('Create the root CA')) marks.titled ??= elapsed;
        return marks.titled !== undefined && marks.ink !== undefined;
      });
      frame.push(marks.frame);
      ink.push(marks.ink);
      titled.push(marks.titled);
    }
  } finally {
    const socketPath = tmux('display-message', '-p', '#{socket_path}').trim();
    tmux('kill-server');
    rmSync(socketPath, {force: true});
  }
  return {harness: median(harness), bare: median(bare), frame: median(frame), ink: median(ink), titled: median(titled)};
}

// ---- --version: plain child processes --------------------------------------------------------------------
function wall(argv) {
  const started = performance.now();
  const result = spawnSync(process.execPath, argv, {stdio: ['ignore', 'pipe', 'inherit']});
  if (result.status !== 0) throw new Error(`node ${argv.join(' ')} exited with ${result.status}`);
  return performance.now() - started;
}

function measureVersion() {
  const bare = [];
  const version = [];
  wall(['-e', '0']);
  wall([cli, '--version']); // warm the file cache once
  for (let i = 0; i < rounds * 2; i++) {
    bare.push(wall(['-e', '0']));
    version.push(wall([cli, '--version']));
  }
  return {bare: median(bare), version: median(version)};
}

try {
  const pty = measurePty();
  const version = measureVersion();
  // The net ratio takes out what tmux, the shell and the polling add to every figure alike.
  const net = (x) => Math.max(1, x - pty.harness);
  const frameRatio = pty.frame / pty.bare;
  const frameNet = net(pty.frame) / net(pty.bare);
  const versionRatio = version.version / version.bare;
  const verdict = (ratio, target) => (ratio <= target ? `ok (target ≤ ${target}×)` : `OVER the target of ${target}×`);
  console.log(`start-up, ${rounds} alternating rounds in one run, medians (node ${process.version}, ${process.platform}, load ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs)`);
  console.log(`  pseudo-terminal (tmux 120×40), from launch to the text on screen:`);
  console.log(`    launch + poll only (sh echo)  ${ms(pty.harness)}`);
  console.log(`    bare node -e 0                ${ms(pty.bare)}`);
  console.log(`    first frame (steps on screen) ${ms(pty.frame)}  ${frameRatio.toFixed(2)}×, net of launch+poll ${frameNet.toFixed(2)}×  ${verdict(frameNet, 3)}`);
  console.log(`    Ink drawn, keys live          ${ms(pty.ink)}  ${(pty.ink / pty.bare).toFixed(2)}×, net ${(net(pty.ink) / net(pty.bare)).toFixed(2)}×  (Ink replaces the plain-text first frame in place)`);
  console.log(`    step titles shown             ${ms(pty.titled)}  ${(pty.titled / pty.bare).toFixed(2)}×, net ${(net(pty.titled) / net(pty.bare)).toFixed(2)}×  (the engine loads behind the first frame)`);
  console.log(`  child process, wall time:`);
  console.log(`    bare node -e 0                ${ms(version.bare)}`);
  console.log(`    mtls-wizard --version         ${ms(version.version)}  ${versionRatio.toFixed(2)}×  ${verdict(versionRatio, 1.5)}`);
  if (strict && (frameNet > 3 || versionRatio > 1.5)) process.exitCode = 1;
} finally {
  rmSync(scratch, {recursive: true, force: true});
}
