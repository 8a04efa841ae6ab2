import {formatParts} from '../errors.js';
import {finding} from './consequences.js';
import type {Finding} from './types.js';

/** One BEGIN/END block found in the input, before its content is decoded. */
export interface PemBlock {
  readonly label: string;
  /** The text between the BEGIN and END lines, whitespace included. */
  readonly body: string;
  /** 1-based position among all blocks, and the line of its BEGIN, for messages. */
  readonly index: number;
  readonly line: number;
}

// Tokens rather than lines, so that a bundle pasted onto one line (as in an environment variable) still parses.
const BOUNDARY = /-----(BEGIN|END) ([A-Z0-9 ]+)-----/g;

const KEY_LABELS = new Set(['PRIVATE KEY', 'ENCRYPTED PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY', 'DSA PRIVATE KEY', 'OPENSSH PRIVATE KEY']);

const CONVERT_HINT: Readonly<Record<string, string>> = {
  PKCS7: 'extract the certificates with `openssl pkcs7 -print_certs -in FILE -out bundle.pem`',
  'TRUSTED CERTIFICATE': 'convert it with `openssl x509 -in FILE -out cert.pem` (drops the OpenSSL trust settings)',
  'CERTIFICATE REQUEST': 'a CSR is not a certificate: put the certificate the CA issued from it in the bundle',
};

/** Splits PEM text into blocks and reports anything that is not a well-formed sequence of blocks. */
export function splitPem(text: string): {blocks: PemBlock[]; errors: Finding[]} {
  const blocks: PemBlock[] = [];
  const errors: Finding[] = [];
  let open: {label: string; start: number; line: number; index: number} | undefined;
  let count = 0;
  const lineOf = lineCounter(text);
  for (const match of text.matchAll(BOUNDARY)) {
    const [token, kind, label = ''] = match;
    const at = match.index ?? 0;
    const line = lineOf(at);
    if (kind === 'BEGIN') {
      if (open) errors.push(unterminated(open));
      count += 1;
      open = {label, start: at + token.length, line, index: count};
      continue;
    }
    if (!open || open.label !== label) {
      if (open) errors.push(unterminated(open));
      open = undefined;
      errors.push(
        finding('truncated-pem', formatParts({what: `line ${line}: "-----END ${label}-----" has no matching BEGIN line`, why: 'the PEM text is cut or two files were spliced', fix: 'copy the whole certificate again, from its BEGIN line to its END line'})),
      );
      continue;
    }
    blocks.push({label, body: text.slice(open.start, at), index: open.index, line: open.line});
    open = undefined;
  }
  if (open) errors.push(unterminated(open));
  return {blocks, errors};
}

function unterminated(open: {label: string; line: number; index: number}): Finding {
  const what = `block ${open.index} (line ${open.line}, "${open.label}") is truncated`;
  return finding('truncated-pem', formatParts({what, why: `its BEGIN line has no matching "-----END ${open.label}-----" line`, fix: 'copy the whole certificate again, from its BEGIN line to its END line'}));
}

/** The finding for a block that is not a certificate; never echoes the block's content. */
export function nonCertificateBlock(block: PemBlock): Finding {
  const where = `block ${block.index} (line ${block.line})`;
  if (KEY_LABELS.has(block.label)) {
    return finding(
      'private-key',
      formatParts({what: `${where} is a private key ("${block.label}"), not a certificate`, why: 'a truststore holds only CA certificates, and a private key must never be uploaded', fix: 'remove the key from the file and keep only the BEGIN/END CERTIFICATE blocks'}),
    );
  }
  const fix = CONVERT_HINT[block.label] ?? 'keep only the BEGIN/END CERTIFICATE blocks';
  return finding('not-a-certificate', formatParts({what: `${where} is "${block.label}", not a certificate`, why: 'a truststore holds PEM certificates only', fix}));
}

/** Findings for input with no PEM block at all. */
export function noBlocks(text: string, binary: boolean): Finding {
  if (binary) {
    return finding('not-pem', formatParts({what: 'the input is binary (DER or PKCS#12), not PEM text', why: 'a truststore is a text file of BEGIN/END CERTIFICATE blocks', fix: 'convert a DER certificate with `openssl x509 -inform DER -in FILE -out cert.pem`'}));
  }
  if (text.trim() === '') {
    return finding('empty', formatParts({what: 'the truststore is empty', why: 'it holds no certificate', fix: 'put the CA chain of your client certificates in it, from the issuing CA up to the root'}));
  }
  return finding('not-pem', formatParts({what: 'the input is not PEM', why: 'no "-----BEGIN CERTIFICATE-----" line was found', fix: 'use a file of BEGIN/END CERTIFICATE blocks (e.g. `openssl x509 -in cert.der -inform DER -out cert.pem`)'}));
}

/** Line numbers for increasing offsets, counted incrementally so a 1,000-block bundle stays linear. */
function lineCounter(text: string): (offset: number) => number {
  let position = 0;
  let line = 1;
  return (offset) => {
    for (let i = text.indexOf('\n', position); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line += 1;
    position = offset;
    return line;
  };
}
