/**
 * A structural check of the Mermaid flowchart text. @mermaid-js/parser (2.0.1, the only parser on npm that runs
 * under Node without a browser) does not parse flowcharts (info, packet, pie, architecture, gitGraph, radar,
 * treemap and a few more), so the grammar subset we emit is checked here: every line is a header, a node,
 * an edge, a classDef or a class statement; nodes are defined once; edges and classes name defined nodes.
 */
import {expect} from 'vitest';

const NODE = /^ {2}([A-Za-z0-9_]+)(\["(.*)"\]|\(\["(.*)"\]\)|\{\{"(.*)"\}\})$/;
const EDGE = /^ {2}([A-Za-z0-9_]+) (-->|-\. [a-z ]+ \.->) ([A-Za-z0-9_]+)$/;
const CLASS_DEF = /^ {2}classDef [a-z]+ [a-z-]+:[0-9a-z ]+$/;
const CLASS = /^ {2}class ([A-Za-z0-9_,]+) ([a-z]+)$/;

export function checkMermaid(text: string): {nodes: string[]; labels: string[]; edges: [string, string][]} {
  const lines = text.trimEnd().split('\n');
  expect(lines[0]).toBe('flowchart TD');
  const nodes = new Map<string, string>();
  const edges: [string, string][] = [];
  const classed: string[] = [];
  for (const line of lines.slice(1)) {
    const node = NODE.exec(line);
    if (node) {
      expect(nodes.has(node[1]!), `node ${node[1]} defined twice`).toBe(false);
      const label = node[3] ?? node[4] ?? node[5] ?? '';
      expect(label, `a label may not hold a raw double quote: ${line}`).not.toContain('"');
      nodes.set(node[1]!, label);
      continue;
    }
    const edge = EDGE.exec(line);
    if (edge) {
      edges.push([edge[1]!, edge[3]!]);
      continue;
    }
    const cls = CLASS.exec(line);
    if (cls) {
      classed.push(...cls[1]!.split(','));
      continue;
    }
    expect(CLASS_DEF.test(line), `unexpected Mermaid line: ${line}`).toBe(true);
  }
  for (const [from, to] of edges) expect([nodes.has(from), nodes.has(to)], `edge ${from} --> ${to}`).toEqual([true, true]);
  for (const id of classed) expect(nodes.has(id), `class on ${id}`).toBe(true);
  return {nodes: [...nodes.keys()], labels: [...nodes.values()], edges};
}
