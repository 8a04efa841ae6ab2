/** PEM <-> DER helpers. Labels are checked so that a key is never mistaken for a certificate. */
import {createHash} from 'node:crypto';
import {UserError} from '../errors.js';

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

export interface PemBlock {
  readonly label: string;
  readonly der: Buffer;
}

/** Every PEM block in the text, in order. Text outside the blocks (comments, blank lines) is ignored. */
export function pemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const match of text.matchAll(BLOCK)) {
    const body = (match[2] ?? '').replace(/\s+/g, '');
    blocks.push({label: match[1] ?? '', der: Buffer.from(body, 'base64')});
  }
  return blocks;
}

/** The DER of the single block with this label; `what` names the input in the error. */
export function pemToDer(text: string, label: string, what: string): Buffer {
  const blocks = pemBlocks(text);
  const block = blocks[0];
  if (blocks.length !== 1 || !block || block.label !== label) {
    const found = blocks.length === 0 ? 'no PEM block' : blocks.map((b) => `"${b.label}"`).join(', ');
    throw new UserError({
      what: `failed to read ${what}`,
      why: `expected exactly one "-----BEGIN ${label}-----" PEM block, found ${found}`,
      fix: 'pass the PEM text of one item, including its BEGIN and END lines',
    });
  }
  return block.der;
}

export function derToPem(der: ArrayBuffer | Uint8Array, label: string): string {
  const base64 = Buffer.from(der instanceof Uint8Array ? der : new Uint8Array(der)).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** SHA-256 of the DER, lowercase hex without colons (what API Gateway and the truststore compare). */
export function sha256Hex(der: ArrayBuffer | Uint8Array): string {
  return createHash('sha256').update(der instanceof Uint8Array ? der : new Uint8Array(der)).digest('hex');
}
