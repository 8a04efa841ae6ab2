/**
 * A DER reader for the few certificate fields the truststore rules need: it walks tag-length-value triples
 * over the certificate's own bytes and decodes nothing it is not asked for. A schema library (asn1js behind
 * @peculiar/x509) builds an object for every node of every certificate, which took most of the time of a
 * 1,000-certificate check; node:crypto's X509Certificate parses natively but costs about as much per
 * certificate (OpenSSL 3.0 decodes each public key) and does not expose the signature algorithm, pathLen or
 * key identifiers. Signatures are still verified by node:crypto (signature.ts).
 */

/** One element: its tag, and where its whole encoding and its contents lie in `bytes`. */
export interface Node {
  readonly tag: number;
  readonly bytes: Buffer;
  readonly start: number;
  readonly contentStart: number;
  readonly end: number;
}

export const TAG = {boolean: 0x01, integer: 0x02, bitString: 0x03, octetString: 0x04, null: 0x05, oid: 0x06, sequence: 0x30, set: 0x31} as const;

/** Reads the element at `offset`, which must end by `limit`. Throws on anything that is not DER. */
export function readNode(bytes: Buffer, offset = 0, limit = bytes.length): Node {
  if (offset + 2 > limit) throw new Error('the DER ends in the middle of an element');
  const tag = bytes[offset] as number;
  if ((tag & 0x1f) === 0x1f) throw new Error('the DER uses a multi-byte tag');
  let length = bytes[offset + 1] as number;
  let contentStart = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw new Error('the DER has an indefinite or oversized length');
    if (contentStart + count > limit) throw new Error('the DER ends in the middle of a length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (bytes[contentStart + i] as number);
    if (length < 0x80 || (bytes[contentStart] as number) === 0) throw new Error('the DER has a non-minimal length');
    contentStart += count;
  }
  const end = contentStart + length;
  if (end > limit) throw new Error('an element is longer than the data around it');
  return {tag, bytes, start: offset, contentStart, end};
}

/** The elements inside a constructed element, in order. */
export function children(node: Node): Node[] {
  const list: Node[] = [];
  for (let at = node.contentStart; at < node.end; ) {
    const child = readNode(node.bytes, at, node.end);
    list.push(child);
    at = child.end;
  }
  return list;
}

/** The first element inside `node`, or undefined when it is empty. */
export function first(node: Node): Node | undefined {
  return node.contentStart < node.end ? readNode(node.bytes, node.contentStart, node.end) : undefined;
}

/** The element after `node` inside a parent that ends at `parentEnd`, or undefined at its end. */
export function next(node: Node, parentEnd: number): Node | undefined {
  return node.end < parentEnd ? readNode(node.bytes, node.end, parentEnd) : undefined;
}

/** The element with `tag`, or a short error naming `what`. */
export function expect(node: Node | undefined, tag: number, what: string): Node {
  if (node?.tag !== tag) throw new Error(`${what} is missing or malformed`);
  return node;
}

export function content(node: Node): Buffer {
  return node.bytes.subarray(node.contentStart, node.end);
}

export function encoding(node: Node): Buffer {
  return node.bytes.subarray(node.start, node.end);
}

/** The contents as text or hex, read in place. */
export function contentString(node: Node, as: 'latin1' | 'utf8' | 'hex'): string {
  return node.bytes.toString(as, node.contentStart, node.end);
}

/** An OBJECT IDENTIFIER in dotted form; a certificate repeats a few OIDs many times, so each is decoded once. */
export function oid(node: Node): string {
  const {bytes, contentStart, end} = expect(node, TAG.oid, 'an object identifier');
  const raw = bytes.toString('latin1', contentStart, end);
  let dotted = dottedOids.get(raw);
  if (dotted === undefined) {
    dotted = decodeOid(bytes, contentStart, end);
    if (dottedOids.size < 1024) dottedOids.set(raw, dotted);
  }
  return dotted;
}

const dottedOids = new Map<string, string>();

function decodeOid(bytes: Buffer, contentStart: number, end: number): string {
  if (end === contentStart || ((bytes[end - 1] as number) & 0x80) !== 0) throw new Error('an object identifier is malformed');
  let dotted = '';
  let value = 0;
  for (let i = contentStart; i < end; i++) {
    const byte = bytes[i] as number;
    value = value * 128 + (byte & 0x7f);
    if (byte & 0x80) continue;
    if (dotted === '') dotted = value < 80 ? `${Math.floor(value / 40)}.${value % 40}` : `2.${value - 80}`;
    else dotted += `.${value}`;
    value = 0;
  }
  return dotted;
}

/** A small non-negative INTEGER (pathLen, versions); larger values would not fit a number exactly. */
export function smallInteger(node: Node): number {
  const bytes = content(expect(node, TAG.integer, 'an integer'));
  if (bytes.length === 0 || bytes.length > 6 || ((bytes[0] as number) & 0x80) !== 0) throw new Error('an integer is out of range');
  return bytes.reduce((value, byte) => value * 256 + byte, 0);
}

/** The bits of a BIT STRING with no unused bits (keys and signatures), without the leading count byte. */
export function bitStringBytes(node: Node): Buffer {
  const bytes = content(expect(node, TAG.bitString, 'a bit string'));
  if (bytes.length === 0) throw new Error('a bit string is empty');
  return bytes.subarray(1);
}
