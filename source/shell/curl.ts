/**
 * The real curl, as the article uses it: `curl -v --key … --cert … --pass … URL`.
 * It honours the user's own ~/.curlrc (no `-q`), and the passphrase reaches curl through a config file
 * on stdin (`--config -`), so it never shows in the process list, in results or in errors.
 */
import {spawn} from 'node:child_process';
import {constants} from 'node:fs';
import {access, stat} from 'node:fs/promises';
import path from 'node:path';
import {CancelledError, ExternalError, UserError} from '../errors.js';
import {curlErrorLine, explainFailure, keyLines, parseCurlVersion} from './curl-parse.js';
import {curlConfigQuote, shellQuote} from './quote.js';

export interface CurlInfo {
  path: string;
  version: string;
  /** "OpenSSL/3.0.19", "GnuTLS/…", "SecureTransport", "Schannel"…; "" when curl has no TLS. */
  tlsLibrary: string;
  supportsKeyPassphrase: boolean;
}

export interface CurlRequest {
  url: string;
  resolve?: string;
  cacert?: string;
  key?: string;
  cert?: string;
  passphrase?: string;
  /** What the printed command shows for --pass, e.g. '"$(cat /path/passphrase.txt)"' or '"$MTLS_WIZARD_PASSPHRASE"'; the secret itself is never printed. */
  passDisplay?: string;
  /**
   * A PKCS#12 file to present instead of key + cert (`--cert file.p12:pass --cert-type P12`), for curl builds
   * whose TLS library ignores --pass for PEM keys. Protected by `passphrase`.
   */
  p12?: string;
}

export interface CurlResult {
  /** 0 when no HTTP response came back. */
  httpStatus: number;
  exitCode: number;
  body: string;
  /** curl's error line or the TLS failure, one line. */
  reason?: string;
  /** curl -v lines a person cares about: TLS version, "SSL certificate verify ok", "Server certificate", "> GET", "< HTTP/", error. */
  keyLines: string[];
}

export interface CurlRunOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  curlPath?: string;
  /** Extra environment for curl (e.g. NO_PROXY for the local gateway). */
  env?: NodeJS.ProcessEnv;
}

/**
 * Which PKCS#12 file a curl needs instead of PEM + --pass: none when its TLS library opens encrypted PEM keys,
 * `compatible` (3DES) for macOS's SecureTransport, `modern` otherwise.
 */
export function pkcs12ProfileFor(info: CurlInfo): 'modern' | 'compatible' | undefined {
  if (info.supportsKeyPassphrase) return undefined;
  return /SecureTransport/i.test(info.tlsLibrary) ? 'compatible' : 'modern';
}

const DEFAULT_TIMEOUT_MS = 20_000;
const DEFAULT_PASS_DISPLAY = '"$MTLS_WIZARD_PASSPHRASE"';
const STATUS_MARK = '\n@@mtls-wizard-http-status:';
const detected = new Map<string, Promise<CurlInfo>>();

export async function detectCurl(o: {curlPath?: string; env?: NodeJS.ProcessEnv} = {}): Promise<CurlInfo> {
  const file = o.curlPath ?? (await findOnPath('curl', (o.env ?? process.env).PATH ?? ''));
  if (!file) throw curlNotFound();
  // The promise is cached, so callers that ask at the same time share one `curl -V`.
  let info = detected.get(file);
  if (!info) {
    info = probeCurl(file);
    detected.set(file, info);
    info.catch(() => detected.delete(file));
  }
  return info;
}

async function probeCurl(file: string): Promise<CurlInfo> {
  const result = await runFile(file, ['-V'], {timeoutMs: 10_000});
  if (result.spawnError === 'ENOENT' || result.spawnError === 'EACCES') throw curlNotFound(file);
  if (result.exitCode !== 0) {
    const why = result.stderr || (result.timedOut ? 'it did not finish within 10s' : result.spawnError ? `it could not start (${result.spawnError})` : `it exited with ${result.exitCode ?? 'a signal'}`);
    throw new ExternalError({what: `failed to run ${file} -V`, why: why.split('\n')[0]!, command: `${file} -V`});
  }
  return {path: file, ...parseCurlVersion(result.stdout)};
}

/** The command a person would paste, in the article's order; it never contains the passphrase. */
export function curlCommand(req: CurlRequest): string {
  const words = ['curl', '-v'];
  if (req.p12) {
    // "file.p12:pass" must stay one word while $(…) or $VAR still expands: put it in double quotes.
    const pass = (req.passDisplay ?? DEFAULT_PASS_DISPLAY).replace(/^"(.*)"$/, '$1');
    words.push('--cert', `"${req.p12.replace(/(["\\$`:])/g, '\\$1')}:${pass}"`, '--cert-type', 'P12');
    if (req.resolve) words.push('--resolve', shellQuote(req.resolve));
    if (req.cacert) words.push('--cacert', shellQuote(req.cacert));
    words.push(shellQuote(req.url));
    return words.join(' ');
  }
  if (req.key) words.push('--key', shellQuote(req.key));
  if (req.cert) words.push('--cert', shellQuote(req.cert));
  if (req.passphrase !== undefined || req.passDisplay) words.push('--pass', req.passDisplay ?? DEFAULT_PASS_DISPLAY);
  if (req.resolve) words.push('--resolve', shellQuote(req.resolve));
  if (req.cacert) words.push('--cacert', shellQuote(req.cacert));
  words.push(shellQuote(req.url));
  return words.join(' ');
}

export async function runCurl(req: CurlRequest, opts: CurlRunOptions = {}): Promise<CurlResult> {
  const info = await detectCurl({curlPath: opts.curlPath});
  requireCapabilities(info, req);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const args = ['-sS', '-v', '-o', '-', '-w', `${STATUS_MARK}%{http_code}`, '--max-time', String(Math.max(1, Math.ceil(timeoutMs / 1000)))];
  if (req.key && !req.p12) args.push('--key', req.key);
  if (req.cert && !req.p12) args.push('--cert', req.cert);
  if (req.resolve) args.push('--resolve', req.resolve);
  if (req.cacert) args.push('--cacert', req.cacert);
  // With a key, always give curl a passphrase (empty for a plain key): otherwise OpenSSL would prompt on the terminal.
  // A PKCS#12 file goes in the same stdin config, so its passphrase does not show in the process list either.
  const config = secretConfig(req);
  if (config) args.push('--config', '-');
  args.push('--url', req.url);

  const result = await runFile(info.path, args, {
    input: config,
    // curl stops itself at --max-time; this is the backstop for a curl that hangs anyway.
    timeoutMs: timeoutMs + 5_000,
    signal: opts.signal,
    env: opts.env,
  });
  if (result.canceled) throw new CancelledError('the curl check was cancelled');
  if (result.spawnError === 'ENOENT') throw curlNotFound(info.path);
  const mark = result.stdout.lastIndexOf(STATUS_MARK);
  const httpStatus = mark >= 0 ? Number.parseInt(result.stdout.slice(mark + STATUS_MARK.length), 10) || 0 : 0;
  const body = mark >= 0 ? result.stdout.slice(0, mark) : result.stdout;
  return curlResult(req, {body, httpStatus, stderr: result.stderr, exitCode: result.timedOut ? 28 : (result.exitCode ?? 1), timedOut: result.timedOut, timeoutMs});
}

/** The stdin config lines that carry a request's secrets: the key passphrase, or the PKCS#12 file with its passphrase. */
function secretConfig(req: CurlRequest): string {
  if (req.p12) return `cert = ${curlConfigQuote(`${req.p12.replace(/:/g, '\\:')}:${req.passphrase ?? ''}`)}\ncert-type = "P12"\n`;
  return req.key ? `pass = ${curlConfigQuote(req.passphrase ?? '')}\n` : '';
}

/** One request's outcome from what curl printed for it; nothing secret survives the scrubber. */
function curlResult(req: CurlRequest, o: {body: string; httpStatus: number; stderr: string; exitCode: number; timedOut: boolean; timeoutMs: number}): CurlResult {
  const scrub = secretScrubber(req.passphrase);
  const stderr = scrub(o.stderr);
  const out: CurlResult = {httpStatus: o.httpStatus, exitCode: o.exitCode, body: scrub(o.body), keyLines: keyLines(stderr)};
  if (o.timedOut) {
    out.reason = `curl did not finish within ${Math.round(o.timeoutMs / 1000)}s and was stopped`;
  } else if (o.exitCode !== 0) {
    out.reason = scrub(explainFailure(o.exitCode, curlErrorLine(stderr), {key: req.key, timeoutMs: o.timeoutMs}));
  }
  return out;
}

// Markers that cut one curl's output into its transfers (stdout: body then status; stderr: -v lines then exit code).
const BATCH_STATUS = '\n@@mtls-wizard-status:';
const BATCH_END = '\n@@mtls-wizard-end:';
const BATCH_STATUS_RE = /\n@@mtls-wizard-status:(\d*)\n/g;
const BATCH_END_RE = /\n@@mtls-wizard-end:(\d*)\n/g;

/** curl's per-transfer %{exitcode} in --write-out (and %{stderr}, 7.63) came in 7.75.0. */
function canBatch(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map((n) => Number.parseInt(n, 10));
  return major > 7 || (major === 7 && minor >= 75);
}

/** The curl config files curl reads on its own; they apply to the first transfer of a process only. */
async function hasCurlrc(env: NodeJS.ProcessEnv): Promise<boolean> {
  const names = process.platform === 'win32' ? ['.curlrc', '_curlrc'] : ['.curlrc'];
  const dirs = [env['CURL_HOME'], env['XDG_CONFIG_HOME'], env['HOME'], env['HOME'] && path.join(env['HOME'], '.config'), env['APPDATA'], env['USERPROFILE']].filter((d): d is string => Boolean(d));
  const files = [...dirs.flatMap((dir) => names.map((name) => path.join(dir, name))), ...[env['XDG_CONFIG_HOME'], env['HOME'] && path.join(env['HOME'], '.config')].filter((d): d is string => Boolean(d)).map((dir) => path.join(dir, 'curlrc'))];
  const found = await Promise.all(files.map((file) => access(file).then(() => true, () => false)));
  return found.includes(true);
}

/**
 * Several requests, each as its own transfer with its own key or none, run one after another by one curl
 * process (`--next` in a config on stdin), so the checks cost one process start instead of one each. Each
 * transfer's body, status, -v lines and exit code are told apart by markers that --write-out prints after it.
 * curl reuses a connection (and a TLS session) only for the same client certificate file, so a transfer never
 * rides on another's credentials: requests that name the same certificate with a different key or passphrase
 * are not batched; no TLS session ids are kept either. Falls back to one curl per request (side by side) then,
 * when the curl is older than 7.75, when a request goes to a remote host (see toLoopback), or when a ~/.curlrc
 * exists (curl applies it to a process's first transfer only, and a person's separate curls would each get it).
 * Results come back in the order of the requests.
 */
export async function runCurlBatch(reqs: readonly CurlRequest[], opts: CurlRunOptions = {}): Promise<CurlResult[]> {
  const info = await detectCurl({curlPath: opts.curlPath});
  for (const req of reqs) requireCapabilities(info, req);
  if (reqs.length < 2 || !reqs.every(toLoopback) || !canBatch(info.version) || !credentialsApart(reqs) || (await hasCurlrc({...process.env, ...opts.env}))) {
    return Promise.all(reqs.map((req) => runCurl(req, opts)));
  }
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const seconds = String(Math.max(1, Math.ceil(timeoutMs / 1000)));
  const q = curlConfigQuote;
  const config = reqs
    .map((req) => {
      const lines = ['silent', 'show-error', 'verbose', 'output = "-"', `write-out = ${q(`${BATCH_STATUS}%{http_code}\n%{stderr}${BATCH_END}%{exitcode}\n`)}`, `max-time = ${seconds}`, 'no-sessionid'];
      if (req.key && !req.p12) lines.push(`key = ${q(req.key)}`);
      if (req.cert && !req.p12) lines.push(`cert = ${q(req.cert)}`);
      if (req.resolve) lines.push(`resolve = ${q(req.resolve)}`);
      if (req.cacert) lines.push(`cacert = ${q(req.cacert)}`);
      return `${lines.join('\n')}\n${secretConfig(req)}url = ${q(req.url)}\n`;
    })
    .join('next\n');
  const result = await runFile(info.path, ['--config', '-'], {input: config, timeoutMs: reqs.length * timeoutMs + 5_000, signal: opts.signal, env: opts.env});
  if (result.canceled) throw new CancelledError('the curl check was cancelled');
  if (result.spawnError === 'ENOENT') throw curlNotFound(info.path);
  const bodies = cut(result.stdout, BATCH_STATUS_RE);
  const errors = cut(result.stderr, BATCH_END_RE);
  return reqs.map((req, i) => {
    const body = bodies[i];
    const err = errors[i];
    // A transfer with no end marker did not finish: curl was stopped (the backstop timeout) or died.
    if (!body || !err) {
      const timedOut = result.timedOut;
      return curlResult(req, {body: body?.text ?? '', httpStatus: 0, stderr: err?.text ?? '', exitCode: timedOut ? 28 : (result.exitCode ?? 1) || 1, timedOut, timeoutMs});
    }
    return curlResult(req, {body: body.text, httpStatus: Number.parseInt(body.value, 10) || 0, stderr: err.text, exitCode: Number.parseInt(err.value, 10) || 0, timedOut: false, timeoutMs});
  });
}

/**
 * Reached through --resolve on a loopback address (the local gateway): an answer comes at once or the connection
 * is refused. Requests to a remote host stay in separate processes, side by side, so that if several hang their
 * timeouts run at the same time rather than one after another.
 */
function toLoopback(req: CurlRequest): boolean {
  const address = req.resolve?.split(':').slice(2).join(':') ?? '';
  return address.startsWith('127.') || address === '::1' || address === '[::1]';
}

/** True unless two requests present the same certificate file with a different key or passphrase (curl could reuse the connection). */
function credentialsApart(reqs: readonly CurlRequest[]): boolean {
  const seen = new Map<string, string>();
  for (const req of reqs) {
    const certificate = req.p12 ?? req.cert;
    if (!certificate) continue;
    const rest = JSON.stringify([req.key ?? '', req.passphrase ?? '']);
    if ((seen.get(certificate) ?? rest) !== rest) return false;
    seen.set(certificate, rest);
  }
  return true;
}

/** Splits output at each marker: the text before each marker and the value the marker carries. */
function cut(text: string, marker: RegExp): {text: string; value: string}[] {
  const parts: {text: string; value: string}[] = [];
  let from = 0;
  for (const match of text.matchAll(marker)) {
    parts.push({text: text.slice(from, match.index), value: match[1] ?? ''});
    from = match.index! + match[0].length;
  }
  return parts;
}

interface FileRun {
  stdout: string;
  stderr: string;
  /** null when the process did not exit by itself (killed, or never started). */
  exitCode: number | null;
  /** The error code when the file could not be started (ENOENT, EACCES…). */
  spawnError?: string;
  timedOut: boolean;
  canceled: boolean;
}

/**
 * Runs a file (no shell) to completion with `input` on stdin; killed after timeoutMs or when the signal aborts.
 * Plain node:child_process: curl runs up to six times per walkthrough, and a process runner library costs
 * more to load than these few lines.
 */
function runFile(file: string, args: string[], o: {input?: string; timeoutMs: number; signal?: AbortSignal; env?: NodeJS.ProcessEnv}): Promise<FileRun> {
  return new Promise((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    let canceled = false;
    let spawnError: string | undefined;
    const child = spawn(file, args, {stdio: [o.input ? 'pipe' : 'ignore', 'pipe', 'pipe'], env: o.env ? {...process.env, ...o.env} : process.env});
    const stop = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, o.timeoutMs);
    const onAbort = () => {
      canceled = true;
      stop();
    };
    if (o.signal?.aborted) onAbort();
    else o.signal?.addEventListener('abort', onAbort, {once: true});
    child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
    // curl may exit before reading its config (a bad option): a closed stdin is not our failure.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(o.input);
    child.on('error', (error: NodeJS.ErrnoException) => {
      spawnError = error.code ?? error.message;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      resolve({stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), exitCode: code, spawnError, timedOut, canceled});
    });
  });
}

function requireCapabilities(info: CurlInfo, req: CurlRequest): void {
  if (!info.tlsLibrary && req.url.startsWith('https:')) {
    throw new UserError({what: `curl at ${info.path} cannot make HTTPS requests`, why: 'it was built without a TLS library', fix: 'install a curl with TLS support (e.g. apt-get install curl) and put it first on PATH'});
  }
  if (req.passphrase !== undefined && !req.p12 && !info.supportsKeyPassphrase) {
    throw new UserError({
      what: `curl at ${info.path} cannot open the encrypted client key`,
      why: `it uses ${info.tlsLibrary || 'an unknown TLS library'}, which ignores --pass for PEM keys (only OpenSSL, wolfSSL, mbedTLS and Schannel builds support it)`,
      fix: 'install a curl built with OpenSSL (e.g. `brew install curl` on macOS) and put it first on PATH, or decrypt a copy of the key with `openssl pkey -in <key> -out <plain-key>` and keep it private',
    });
  }
}

function curlNotFound(file?: string): UserError {
  return new UserError({
    what: file ? `curl was not found at ${file}` : 'curl was not found on PATH',
    why: 'the connection checks run the real curl, as the article does',
    fix: 'install curl (e.g. apt-get install curl, brew install curl) and make sure it is on PATH',
  });
}

const found = new Map<string, string | undefined>();

async function findOnPath(name: string, searchPath: string): Promise<string | undefined> {
  const key = `${name}\0${searchPath}`;
  if (found.has(key)) return found.get(key);
  const file = await searchPath_(name, searchPath);
  if (file) found.set(key, file);
  return file;
}

async function searchPath_(name: string, searchPath: string): Promise<string | undefined> {
  const names = process.platform === 'win32' ? [`${name}.exe`, name] : [name];
  for (const dir of searchPath.split(path.delimiter).filter(Boolean)) {
    for (const candidate of names) {
      const file = path.join(dir, candidate);
      const isFile = await stat(file).then((s) => s.isFile(), () => false);
      if (isFile && (await access(file, constants.X_OK).then(() => true, () => false))) return file;
    }
  }
  return undefined;
}

/** Belt and braces: curl never echoes the passphrase, but nothing we return may ever contain it. */
function secretScrubber(secret: string | undefined): (text: string) => string {
  if (!secret || secret.length < 4) return (text) => text;
  return (text) => text.split(secret).join('***');
}
