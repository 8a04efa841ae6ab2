import {formatParts} from '../errors.js';
import {decodeCertificate} from './certificate.js';
import {finding} from './consequences.js';
import {noBlocks, nonCertificateBlock, splitPem, type PemBlock} from './pem.js';
import type {Finding, TrustCertificate} from './types.js';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Parses a PEM bundle into certificates, in input order, duplicates included.
 * Every block that is not a readable certificate becomes an error; text outside blocks is ignored, as OpenSSL does.
 */
export function parsePemBundle(input: string | Uint8Array): {certificates: TrustCertificate[]; errors: Finding[]} {
  const {blocks, errors} = blocksOf(input);
  const certificates: TrustCertificate[] = [];
  for (const block of blocks) collect(readBlock(block), certificates, errors);
  return {certificates, errors};
}

/**
 * parsePemBundle, handing each certificate to `onCertificate` as it is read and letting other work run every few
 * certificates: signature checks start on the thread pool while the rest of the bundle is still being read.
 */
export async function parsePemBundleAsync(input: string | Uint8Array, onCertificate: (cert: TrustCertificate) => void): Promise<{certificates: TrustCertificate[]; errors: Finding[]}> {
  const {blocks, errors} = blocksOf(input);
  const certificates: TrustCertificate[] = [];
  for (const [i, block] of blocks.entries()) {
    const cert = collect(readBlock(block), certificates, errors);
    if (cert) onCertificate(cert);
    if (i % YIELD_EVERY === YIELD_EVERY - 1) await new Promise((resolve) => setImmediate(resolve));
  }
  return {certificates, errors};
}

const YIELD_EVERY = 32;

function blocksOf(input: string | Uint8Array): {blocks: PemBlock[]; errors: Finding[]} {
  const {text, binary} = decodeInput(input);
  const {blocks, errors} = binary ? {blocks: [], errors: []} : splitPem(text);
  if (blocks.length === 0 && errors.length === 0) return {blocks, errors: [noBlocks(text, binary)]};
  return {blocks, errors};
}

function collect(result: TrustCertificate | Finding, certificates: TrustCertificate[], errors: Finding[]): TrustCertificate | undefined {
  if ('code' in result) {
    errors.push(result);
    return undefined;
  }
  certificates.push(result);
  return result;
}

function readBlock(block: PemBlock): TrustCertificate | Finding {
  if (block.label !== 'CERTIFICATE') return nonCertificateBlock(block);
  const where = `block ${block.index} (line ${block.line})`;
  const base64 = block.body.replace(/\s+/g, '');
  if (base64 === '' || base64.length % 4 !== 0 || !BASE64.test(base64)) {
    const why = base64.length % 4 === 0 ? 'it holds characters that are not base64' : 'its base64 text is cut short';
    return finding('invalid-base64', formatParts({what: `${where} cannot be decoded`, why, fix: 'copy the certificate again, from its BEGIN line to its END line'}));
  }
  const der = Buffer.from(base64, 'base64');
  try {
    return decodeCertificate(der);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return finding('invalid-certificate', formatParts({what: `${where} is not a valid X.509 certificate`, why: `the DER inside does not parse (${why})`, fix: 'export the certificate again from its CA'}));
  }
}

/** Text from a string or bytes; bytes that are clearly binary (DER, PKCS#12) are not decoded as text. */
function decodeInput(input: string | Uint8Array): {text: string; binary: boolean} {
  if (typeof input === 'string') return {text: stripBom(input), binary: false};
  // A DER certificate or PKCS#12 starts with a SEQUENCE tag (0x30) and holds control bytes; PEM text holds none.
  const sample = input.subarray(0, 512);
  const binary = sample.some((byte) => byte < 0x09 || (byte > 0x0d && byte < 0x20));
  return {text: binary ? '' : stripBom(new TextDecoder().decode(input)), binary};
}

function stripBom(text: string): string {
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}
