/**
 * `mtls-wizard inspect FILE [--json] [--passphrase-file F] [--certificate CERT] [--at DATE]`: what a certificate,
 * bundle, key or PKCS#12 file holds. Bad input (missing, unreadable, not one of those, truncated, wrong
 * passphrase): one line, exit 1. Thin: the engine is source/explain/inspect-file.ts.
 */
import {readFile} from 'node:fs/promises';
import {UsageError, UserError} from '../errors.js';
import {parseAt} from '../explain/at.js';
import {formatInspect} from '../explain/inspect-format.js';
import {inspectBytes} from '../explain/inspect-file.js';
import {readInput, requireCertificates} from '../explain/read.js';
import type {IO} from './io.js';
import type {Options} from './options.js';

export async function inspectCommand(o: Options, io: IO): Promise<number> {
  const [file, ...extra] = o.positionals;
  if (!file || extra.length > 0) {
    throw new UsageError({what: 'bad inspect command', why: 'the form is `mtls-wizard inspect FILE [--json] [--passphrase-file F] [--certificate CERT]`', fix: 'e.g. `mtls-wizard inspect mtls-wizard/cas/rootCA/certificate.pem`'});
  }
  const now = parseAt(o.explain?.at);
  const bytes = await readInput(file, 'the file', 1);
  const passphrase = o.passphraseFile ? await readPassphrase(o.passphraseFile) : undefined;
  const certificateFile = o.explain?.certificate;
  const certificatePem = certificateFile ? requireCertificates(await readInput(certificateFile, 'the certificate', 1), certificateFile, 'the certificate', 1)[0]!.pem : undefined;
  const report = inspectBytes(bytes, file, {now, passphrase, certificatePem});
  io.stdout(o.json ? JSON.stringify({file, ...report}, null, 2) : formatInspect(report, file));
  return 0;
}

/** The first line of the file, as `openssl -passin file:` reads it; never echoed. */
async function readPassphrase(file: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UserError({what: `failed to read the passphrase file ${file}`, why: (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'it cannot be read', fix: 'check the --passphrase-file path', field: 'passphrase-file'});
  }
  return text.split(/\r?\n/)[0] ?? '';
}
