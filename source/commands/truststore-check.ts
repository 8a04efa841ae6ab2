import {readFile} from 'node:fs/promises';
import {formatParts} from '../errors.js';
import {checkTruststoreAsync, formatReport, type CheckReport, type Finding} from '../truststore/index.js';

export interface CommandOutput {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
}

/**
 * `mtls-wizard truststore check FILE [--json]`: checks a bundle against API Gateway's rules.
 * Exit code 1 when there is any error (the file included: missing, unreadable, not PEM), 0 otherwise.
 * The report never echoes file content, so a private key given by mistake is named but not printed.
 */
export async function truststoreCheck(file: string, opts: {json: boolean; now?: Date}, out: CommandOutput): Promise<number> {
  let report: CheckReport;
  try {
    const bytes = await readFile(file);
    report = await checkTruststoreAsync(new Uint8Array(bytes), {now: opts.now});
  } catch (error) {
    const problem = fileFinding(file, error);
    if (opts.json) out.stdout(`${JSON.stringify({ok: false, certificates: [], errors: [problem], warnings: []}, null, 2)}\n`);
    else out.stderr(`error [${problem.code}] ${problem.message}\n`);
    return 1;
  }
  if (opts.json) {
    const {ok, certificates, errors, warnings} = report;
    out.stdout(`${JSON.stringify({ok, certificates, errors, warnings}, null, 2)}\n`);
  } else {
    out.stdout(formatReport(report, file));
  }
  return report.ok ? 0 : 1;
}

function fileFinding(file: string, error: unknown): Finding {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') {
    return {code: 'file-not-found', message: formatParts({what: `failed to read the truststore file ${file}`, why: 'no such file', fix: 'check the path (a truststore is a .pem file of CA certificates)'})};
  }
  if (code === 'EISDIR') {
    return {code: 'file-unreadable', message: formatParts({what: `failed to read the truststore file ${file}`, why: 'it is a directory', fix: 'give the path of the .pem file inside it'})};
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return {code: 'file-unreadable', message: formatParts({what: `failed to read the truststore file ${file}`, why: 'permission denied', fix: 'run as a user who can read it, or copy it somewhere readable'})};
  }
  if (code !== undefined) {
    return {code: 'file-unreadable', message: formatParts({what: `failed to read the truststore file ${file}`, why: code})};
  }
  throw error; // not an I/O failure: a bug, for the top-level handler
}
