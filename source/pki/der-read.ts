/**
 * Reading DER, just enough to walk PKCS#8 and PKCS#12 structures (tag, length,
 * value, children, OIDs, small integers). Throws on anything cut short, so damaged files fail loudly.
 */

export interface Tlv {
  readonly tag: number;
  /** The value bytes. */
  readonly value: Buffer;
  /** The whole element, header included. */
  readonly raw: Buffer;
}

export function readTlv(buf: Buffer, offset = 0): Tlv {
  if (offset + 2 > buf.length) throw new Error('DER element cut short');
  const tag = buf[offset]!;
  let length = buf[offset + 1]!;
  let header = 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4 || offset + 2 + count > buf.length) throw new Error('unsupported DER length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + buf[offset + 2 + i]!;
    header += count;
  }
  const end = offset + header + length;
  if (end > buf.length) throw new Error('DER element cut short');
  return {tag, value: buf.subarray(offset + header, end), raw: buf.subarray(offset, end)};
}

/** The elements inside a constructed element (SEQUENCE, SET, [n] EXPLICIT). */
export function children(tlv: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = 0; at < tlv.value.length; ) {
    const child = readTlv(tlv.value, at);
    out.push(child);
    at += child.raw.length;
  }
  return out;
}

export function oidOf(tlv: Tlv): string {
  if (tlv.tag !== 0x06) throw new Error('expected an OBJECT IDENTIFIER');
  const bytes = tlv.value;
  const parts: number[] = [];
  let value = 0;
  for (const byte of bytes) {
    value = value * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      if (parts.length === 0) parts.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

export function intOf(tlv: Tlv): number {
  if (tlv.tag !== 0x02) throw new Error('expected an INTEGER');
  let n = 0;
  for (const byte of tlv.value) n = n * 256 + byte;
  return n;
}

/** The first child, or an error naming what was expected. */
export function nth(tlv: Tlv, index: number): Tlv {
  const child = children(tlv)[index];
  if (!child) throw new Error('DER structure shorter than expected');
  return child;
}
