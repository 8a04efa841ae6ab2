/**
 * The few DER encodings a PKCS#12 file needs, written out rather than modelled: the structure is fixed,
 * so building bytes directly is shorter and easier to check against `openssl asn1parse` than a schema library.
 */

export type Der = Buffer;

function lengthBytes(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** One tag-length-value. */
export function tlv(tag: number, content: Uint8Array): Der {
  return Buffer.concat([Buffer.from([tag]), lengthBytes(content.length), content]);
}

export function sequence(...items: Der[]): Der {
  return tlv(0x30, Buffer.concat(items));
}

/** DER orders the members of a SET OF by their encodings (X.690 11.6). */
export function setOf(...items: Der[]): Der {
  return tlv(0x31, Buffer.concat([...items].sort(Buffer.compare)));
}

/** Non-negative integers only: all PKCS#12 needs (version, iteration counts). */
export function integer(value: number): Der {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`cannot encode ${value} as a DER INTEGER here`);
  const bytes: number[] = [];
  for (let rest = value; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  // A leading bit of 1 would read as negative: prefix a zero byte.
  if (bytes.length === 0 || (bytes[0] ?? 0) >= 0x80) bytes.unshift(0);
  return tlv(0x02, Buffer.from(bytes));
}

export function octetString(content: Uint8Array): Der {
  return tlv(0x04, content);
}

export function nullValue(): Der {
  return Buffer.from([0x05, 0x00]);
}

export function objectId(dotted: string): Der {
  const arcs = dotted.split('.').map(Number);
  const [first = 0, second = 0, ...rest] = arcs;
  const bytes: number[] = [];
  for (const arc of [first * 40 + second, ...rest]) {
    // Base 128, most significant group first, all but the last group flagged with the high bit.
    const groups = [arc & 0x7f];
    for (let value = Math.floor(arc / 128); value > 0; value = Math.floor(value / 128)) groups.unshift((value & 0x7f) | 0x80);
    bytes.push(...groups);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** BMPString: UTF-16 big-endian. Callers must have refused characters outside the BMP. */
export function bmpString(text: string): Der {
  return tlv(0x1e, Buffer.from(text, 'utf16le').swap16());
}

/** [n] EXPLICIT: a constructed context tag around a complete encoding. */
export function explicit(n: number, inner: Der): Der {
  return tlv(0xa0 | n, inner);
}

/** [n] IMPLICIT OCTET STRING (primitive context tag), as EncryptedContentInfo's encryptedContent. */
export function implicitOctets(n: number, content: Uint8Array): Der {
  return tlv(0x80 | n, content);
}

/** AlgorithmIdentifier; `parameters` omitted leaves the field out, pass nullValue() for an explicit NULL. */
export function algorithm(oid: string, parameters?: Der): Der {
  return parameters ? sequence(objectId(oid), parameters) : sequence(objectId(oid));
}
