/**
 * Certificates from a file's bytes, PEM or DER (told apart by content, not by name), through the truststore
 * parser: one parser for the whole tool. A file that holds no readable certificate is a UserError naming why.
 */
import {X509Certificate} from 'node:crypto';
import {readFile} from 'node:fs/promises';
import {UserError} from '../errors.js';
import {decodeCertificate} from '../truststore/certificate.js';
import {parsePemBundle} from '../truststore/parse.js';
import type {Finding, TrustCertificate} from '../truststore/types.js';

/** True when the bytes look binary (DER, PKCS#12) rather than PEM text: the same test the truststore parser uses. */
export function isBinary(bytes: Uint8Array): boolean {
  return bytes.subarray(0, 512).some((byte) => byte < 0x09 || (byte > 0x0d && byte < 0x20));
}

/** Every certificate in PEM or DER bytes, with the problems of blocks that are not certificates. */
export function certificatesIn(bytes: Uint8Array): {certificates: TrustCertificate[]; errors: Finding[]} {
  if (!isBinary(bytes)) return parsePemBundle(bytes);
  try {
    // A DER file holds one certificate; decodeCertificate refuses trailing bytes (a damaged or spliced file).
    new X509Certificate(bytes);
    return {certificates: [decodeCertificate(bytes)], errors: []};
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return {certificates: [], errors: [{code: 'not-a-certificate', message: `the binary content is not a DER X.509 certificate (${why})`}]};
  }
}

/** Reads a file; a missing or unreadable file is a UserError with the exit code the caller asks for. */
export async function readInput(file: string, role: string, exitCode: number): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (code ?? String(error));
    throw new UserError({what: `failed to read ${role} ${file}`, why, fix: 'check the path', field: role}, exitCode);
  }
}

/** The certificates of a file that must hold at least one; anything unreadable in it is refused. */
export function requireCertificates(bytes: Uint8Array, file: string, role: string, exitCode: number): TrustCertificate[] {
  const {certificates, errors} = certificatesIn(bytes);
  const first = errors[0];
  if (first || certificates.length === 0) {
    throw new UserError(
      {what: `failed to read ${role} ${file}`, why: first ? first.message.split('. Fix: ')[0]! : 'it holds no certificate', fix: 'pass a PEM or DER X.509 certificate, e.g. the output of `openssl x509 -in cert.pem`'},
      exitCode,
    );
  }
  return certificates;
}
