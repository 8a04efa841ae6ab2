#!/usr/bin/env node
// One CPU profile of the built CLI (`node --cpu-prof --cpu-prof-dir DIR dist/cli.js run ...`) as a timeline:
// for each slice of wall time, how much of it the main thread sat idle (waiting on children such as curl,
// on fsync, on the thread pool) and which of our functions (source/, through dist's source maps) the busy
// samples were in. profile-summary.mjs says what costs CPU; this says when the process waits, and for what.
// Profile the dist you read it with: a rebuild renames the chunks and the maps no longer match.
//
// usage: node bench/profile-timeline.mjs FILE.cpuprofile [--slice MS] [--top N]
import {readFileSync} from 'node:fs';
import {locateFrame as locate} from './lib.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args.splice(at, 2)[1]) : fallback;
};
const slice = option('--slice', 20);
const top = option('--top', 2);
if (args.length !== 1 || !(slice > 0) || !Number.isInteger(top)) {
  process.stderr.write('usage: node bench/profile-timeline.mjs FILE.cpuprofile [--slice MS] [--top N]\n');
  process.exit(1);
}

const profile = JSON.parse(readFileSync(args[0], 'utf8'));
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map();
for (const node of nodes.values()) for (const child of node.children ?? []) parent.set(child, node.id);

// A sample's label: the innermost frame of ours on its stack (else the frame itself), with what it was doing.
const labels = new Map();
function label(id) {
  if (labels.has(id)) return labels.get(id);
  const here = locate(nodes.get(id).callFrame).name;
  let ours;
  for (let at = id; at !== undefined && !ours; at = parent.get(at)) {
    const frame = locate(nodes.get(at).callFrame).name;
    if (frame.includes(' source/')) ours = frame;
  }
  const text = here === '(idle)' ? here : ours && ours !== here ? `${ours} > ${here.split(' ')[0]}` : here;
  labels.set(id, text);
  return text;
}

const slices = [];
let t = 0;
profile.samples.forEach((id, i) => {
  const ms = (profile.timeDeltas[i] ?? 0) / 1000;
  t += ms;
  const bucket = (slices[Math.floor(t / slice)] ??= new Map());
  bucket.set(label(id), (bucket.get(label(id)) ?? 0) + ms);
});

process.stdout.write(`${((profile.endTime - profile.startTime) / 1000).toFixed(0)} ms profiled, slices of ${slice} ms: start, idle ms, then the busiest labels (ms)\n`);
slices.forEach((bucket, i) => {
  if (!bucket) return;
  const idle = bucket.get('(idle)') ?? 0;
  const busy = [...bucket].filter(([key]) => key !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, top);
  const text = busy.map(([key, ms]) => `${ms.toFixed(0)} ${key}`).join('; ');
  process.stdout.write(`${String(i * slice).padStart(6)} ${idle.toFixed(0).padStart(4)}  ${text}\n`);
});
