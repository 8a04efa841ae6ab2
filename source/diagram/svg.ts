/**
 * The setup as a self-contained SVG for slides: no external font, image or script; every name is real <text>
 * (readable, searchable); large type and dark-on-light contrast for a projector; membership is said in words and
 * by border style (solid thick: in the pinned truststore; dashed: not), never by colour alone.
 */
import type {CaNode, ClientNode, DiagramModel} from './model.js';
import {forest, type TreeNode} from './tree.js';

const BOX_W = 380;
const GAP = 40;
const ROW = 250;
const TOP = 200;
const LINE = 30;
const FONT = "'DejaVu Sans', 'Liberation Sans', Arial, Helvetica, sans-serif";

interface Placed {
  readonly node: TreeNode;
  readonly x: number; // centre
  readonly y: number; // top
  readonly lines: readonly Line[];
}
interface Line {
  readonly text: string;
  readonly bold?: boolean;
}

export function diagramSvg(model: DiagramModel): string {
  const placed: Placed[] = [];
  const edges: [Placed, Placed][] = [];
  let slot = 0;
  const place = (node: TreeNode, depth: number): Placed => {
    const kids = node.children.map((child) => place(child, depth + 1));
    const x = kids.length > 0 ? (kids[0]!.x + kids.at(-1)!.x) / 2 : GAP + BOX_W / 2 + slot++ * (BOX_W + GAP);
    const p: Placed = {node, x, y: TOP + depth * ROW, lines: node.kind === 'ca' ? caLines(node.ca, model.version) : clientLines(node.client)};
    placed.push(p);
    for (const kid of kids) edges.push([p, kid]);
    return p;
  };
  for (const root of forest(model)) place(root, 0);

  const width = Math.max(1400, slot * (BOX_W + GAP) + GAP);
  const height = Math.max(...placed.map((p) => p.y + boxHeight(p)), TOP) + 60;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="title">`,
    `<title id="title">${esc(model.title)}</title>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    `<g font-family="${FONT}" fill="#111111">`,
    `<text x="${GAP}" y="56" font-size="32" font-weight="bold">${esc(model.title)}</text>`,
  ];
  const domain = model.domain ? `Domain ${model.domain.name} → truststore version ${model.domain.version ?? '(none pinned)'}` : 'No custom domain yet';
  out.push(`<rect x="${GAP}" y="80" width="${width - 2 * GAP}" height="50" rx="8" fill="#e8eefc" stroke="#0d2c6b" stroke-width="3"/>`);
  out.push(`<text x="${GAP + 20}" y="115" font-size="26" font-weight="bold">${esc(domain)}</text>`);
  out.push(`<text x="${GAP}" y="170" font-size="20">Square boxes: CAs (thick solid border: in the pinned truststore; dashed: not in it) · rounded boxes: clients, under their issuer</text>`);
  for (const [parent, child] of edges) {
    out.push(`<line x1="${parent.x}" y1="${parent.y + boxHeight(parent)}" x2="${child.x}" y2="${child.y}" stroke="#333333" stroke-width="3"/>`);
  }
  for (const p of placed) out.push(...box(p));
  out.push('</g>', '</svg>');
  return `${out.join('\n')}\n`;
}

function caLines(ca: CaNode, version: string | null): Line[] {
  const lines: Line[] = [
    {text: ca.name, bold: true},
    {text: `pathLen ${ca.pathLen ?? 'none'} · ${ca.key}`},
    {text: ca.created ? `expires ${ca.expires ?? '?'}` : 'not created yet'},
    {text: ca.inTruststore ? `✓ in truststore ${version ?? ''}`.trim() : '✗ not in the truststore'},
  ];
  if (ca.external) lines.push({text: 'external partner CA'});
  return lines;
}

function clientLines(client: ClientNode): Line[] {
  return [
    {text: client.name, bold: true},
    {text: `client · expires ${client.expires ?? '(not issued)'}`},
    {text: client.revoked ? `REVOKED ${client.revoked}` : 'not revoked'},
  ];
}

function boxHeight(p: Placed): number {
  return 24 + p.lines.length * LINE;
}

function box(p: Placed): string[] {
  const left = p.x - BOX_W / 2;
  const h = boxHeight(p);
  const trusted = p.node.kind === 'ca' && p.node.ca.inTruststore;
  const revoked = p.node.kind === 'client' && p.node.client.revoked !== null;
  const fill = revoked ? '#fde8e8' : trusted ? '#e3f2e6' : p.node.kind === 'client' ? '#f4f4f4' : '#ffffff';
  const stroke = revoked ? '#8b0000' : trusted ? '#14501f' : '#444444';
  const dashed = p.node.kind === 'ca' ? !trusted : revoked;
  const style = trusted ? 'stroke-width="6"' : dashed ? 'stroke-width="3" stroke-dasharray="12 8"' : 'stroke-width="2"';
  const rx = p.node.kind === 'client' ? 30 : 6;
  const out = [`<rect x="${left}" y="${p.y}" width="${BOX_W}" height="${h}" rx="${rx}" fill="${fill}" stroke="${stroke}" ${style}/>`];
  p.lines.forEach((line, i) => {
    const size = line.bold ? 26 : 20;
    out.push(`<text x="${left + 18}" y="${p.y + 34 + i * LINE}" font-size="${size}"${line.bold ? ' font-weight="bold"' : ''}>${esc(line.text)}</text>`);
  });
  return out;
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
