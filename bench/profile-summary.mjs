#!/usr/bin/env node
// Summarises V8 CPU profiles of the built CLI (`node --cpu-prof --cpu-prof-dir DIR dist/cli.js ...`):
// self time per file and function, and inclusive time per function of source/, mapped back through
// dist's source maps, so that a slow step can be pinned on the import or call that costs the time.
// Several profiles of the same command are averaged: one run on a busy machine is noisy.
// Profile the dist you summarise with: a rebuild renames the chunks and the maps no longer match.
//
// usage: node bench/profile-summary.mjs FILE.cpuprofile... [--top N]
import {readFileSync} from 'node:fs';
import {locateFrame as locate} from './lib.mjs';

const args = process.argv.slice(2);
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 25;
if (args.length === 0 || !Number.isInteger(top)) {
  process.stderr.write('usage: node bench/profile-summary.mjs FILE.cpuprofile... [--top N]\n');
  process.exit(1);
}

const selfByName = new Map();
const selfByFile = new Map();
const totalByName = new Map();
const add = (map, key, ms) => map.set(key, (map.get(key) ?? 0) + ms / args.length);
let wall = 0;

for (const file of args) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((node) => [node.id, {...node, self: 0}]));
  const parent = new Map();
  for (const node of nodes.values()) for (const child of node.children ?? []) parent.set(child, node.id);
  // timeDeltas[i] is the time before sample i; attributing it to sample i is what DevTools does.
  profile.samples.forEach((id, i) => (nodes.get(id).self += (profile.timeDeltas[i] ?? 0) / 1000));
  wall += (profile.endTime - profile.startTime) / 1000 / args.length;
  for (const node of nodes.values()) {
    if (node.self === 0) continue;
    const here = locate(node.callFrame);
    add(selfByName, here.name, node.self);
    add(selfByFile, here.file, node.self);
    // Inclusive time: each function on the stack counted once, however often it recurses.
    const seen = new Set();
    for (let id = node.id; id !== undefined; id = parent.get(id)) {
      const {name} = locate(nodes.get(id).callFrame);
      if (!seen.has(name)) add(totalByName, name, node.self), seen.add(name);
    }
  }
}

function print(title, map) {
  process.stdout.write(`\n${title}\n`);
  for (const [key, ms] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    process.stdout.write(`${ms.toFixed(1).padStart(8)} ms  ${key}\n`);
  }
}
const runs = args.length === 1 ? '1 profile' : `mean of ${args.length} profiles`;
process.stdout.write(`${runs}: ${wall.toFixed(0)} ms from start to end of profiling ((idle) = waiting)\n`);
print('self time by file', selfByFile);
print('self time by function', selfByName);
print('inclusive time of functions in source/ (what each of our calls costs)',
  new Map([...totalByName].filter(([name]) => / source\//.test(name))));
