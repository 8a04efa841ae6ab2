/**
 * Distinguished names, read from DER two ways:
 *  - `display`: the one-line form users have always seen in our reports ("C=JP, O=Example, CN=rootCA"):
 *    RDNs in encoded order, short names for the usual attributes, RFC 4514 escapes, as @peculiar/x509 wrote it;
 *  - `key`: the form two names are compared in, as OpenSSL compares them (X509_NAME_cmp on canonical
 *    encodings): text values trimmed, inner whitespace collapsed, ASCII lowercased, string types alike.
 */
import {contentString, expect, first, next, oid, TAG, type Node} from './der.js';

const SHORT_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.6': 'C',
  '0.9.2342.19200300.100.1.25': 'DC',
  '1.2.840.113549.1.9.1': 'E',
  '2.5.4.42': 'G',
  '2.5.4.43': 'I',
  '2.5.4.4': 'SN',
  '2.5.4.12': 'T',
};

const UTF8 = 0x0c;
const BMP = 0x1e;
const UNIVERSAL = 0x1c;
/** Single-byte string types (PrintableString, TeletexString, IA5String, VisibleString), read as Latin-1. */
const BYTE_STRINGS = new Set([0x13, 0x14, 0x16, 0x1a]);
/** The types shown as text; any other value is shown as "#" and the hex of its encoding. */
const SHOWN_AS_TEXT = new Set([UTF8, BMP, UNIVERSAL, 0x13, 0x14, 0x16]);

export interface ParsedName {
  readonly display: string;
  readonly key: string;
}

export function readName(node: Node): ParsedName {
  const name = expect(node, TAG.sequence, 'a name');
  let display = '';
  const keys: string[] = [];
  for (let rdn = first(name); rdn; rdn = next(rdn, name.end)) {
    expect(rdn, TAG.set, 'a name component');
    let shown = '';
    const rdnKeys: string[] = [];
    for (let atv = first(rdn); atv; atv = next(atv, rdn.end)) {
      expect(atv, TAG.sequence, 'a name attribute');
      const typeNode = first(atv);
      const value = typeNode && next(typeNode, atv.end);
      if (!value) throw new Error('a name attribute has no value');
      const type = oid(expect(typeNode, TAG.oid, 'a name attribute type'));
      shown += `${shown === '' ? '' : '+'}${SHORT_NAMES[type] ?? type}=${displayValue(value)}`;
      rdnKeys.push(`${type}=${canonicalValue(value)}`);
    }
    display += display === '' ? shown : `, ${shown}`;
    keys.push(rdnKeys.length === 1 ? (rdnKeys[0] as string) : rdnKeys.sort().join('+'));
  }
  return {display, key: JSON.stringify(keys)};
}

function text(value: Node): string | undefined {
  if (value.tag === UTF8) return contentString(value, 'utf8');
  if (BYTE_STRINGS.has(value.tag)) return contentString(value, 'latin1');
  if (value.tag === BMP || value.tag === UNIVERSAL) {
    const width = value.tag === BMP ? 2 : 4;
    const points: number[] = [];
    for (let i = value.contentStart; i + width <= value.end; i += width) points.push(width === 2 ? value.bytes.readUInt16BE(i) : value.bytes.readUInt32BE(i));
    return width === 2 ? String.fromCharCode(...points) : String.fromCodePoint(...points);
  }
  return undefined;
}

/** The whole encoding in hex, for values that are not text. */
function encodingHex(value: Node): string {
  return value.bytes.toString('hex', value.start, value.end);
}

function displayValue(value: Node): string {
  const shown = SHOWN_AS_TEXT.has(value.tag) ? text(value) : undefined;
  if (shown === undefined) return `#${encodingHex(value)}`;
  if (!NEEDS_ESCAPE.test(shown)) return shown;
  return shown
    .replace(/([,+"\\<>;])/g, '\\$1')
    .replace(/^([ #])/, '\\$1')
    .replace(/([ ]$)/, '\\$1')
    .replace(/([\r\n\t])/, (char) => `\\${Buffer.from(char).toString('hex').toUpperCase()}`);
}

const NEEDS_ESCAPE = /[,+"\\<>;\r\n\t]|^[ #]| $/;
const SPACES = /^[ \t\n\v\f\r]|[ \t\n\v\f\r]$|[ \t\n\v\f\r]{2}|[\t\n\v\f\r]/;
const ASCII = /^[\x00-\x7f]*$/;

function canonicalValue(value: Node): string {
  const raw = text(value);
  if (raw === undefined) return `#${encodingHex(value)}`;
  const spaced = SPACES.test(raw)
    ? raw.replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, '').replace(/[ \t\n\v\f\r]+/g, ' ')
    : raw;
  // OpenSSL lowercases ASCII letters only.
  return ASCII.test(spaced) ? spaced.toLowerCase() : spaced.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}
