/** Reading what curl prints: `curl -V` (which TLS library it uses) and `curl -v` (what a person cares about). */

export interface CurlVersion {
  readonly version: string;
  /** The TLS library curl uses, as it names it: "OpenSSL/3.0.19", "GnuTLS/3.7.9", "SecureTransport", "Schannel"; "" when none. */
  readonly tlsLibrary: string;
  readonly supportsKeyPassphrase: boolean;
}

const TLS_LIBRARY = /^(OpenSSL|LibreSSL|BoringSSL|quictls|AWS-LC|wolfSSL|mbedTLS|GnuTLS|NSS|Schannel|SecureTransport|BearSSL|rustls\S*)(\/\S*)?$/i;
// libcurl's key passphrase (CURLOPT_KEYPASSWD) works with the OpenSSL family, wolfSSL, mbedTLS and Schannel only.
// https://curl.se/libcurl/c/CURLOPT_KEYPASSWD.html
const KEY_PASSPHRASE = /^(OpenSSL|LibreSSL|BoringSSL|quictls|AWS-LC|wolfSSL|mbedTLS|Schannel)\b/i;

export function parseCurlVersion(text: string): CurlVersion {
  const first = text.split('\n')[0] ?? '';
  const version = /^curl (\S+)/.exec(first)?.[1] ?? 'unknown';
  // A multi-SSL build lists the backends it is not using in parentheses: "(SecureTransport) LibreSSL/3.3.6".
  const tokens = first.split(/\s+/).slice(2);
  const tlsLibrary = tokens.find((t) => TLS_LIBRARY.test(t)) ?? '';
  return {version, tlsLibrary, supportsKeyPassphrase: KEY_PASSPHRASE.test(tlsLibrary)};
}

const KEY_LINE = [
  /^SSL connection using /,
  /^Server certificate:/,
  /^subject: /,
  /^issuer: /,
  /^subjectAltName: /,
  /^SSL certificate verify /,
  /^SSL certificate problem/,
  /TLS alert/,
  /^(OpenSSL|SSL|TLS)\b.*\b(error|fail)/i,
];

/** The lines of `curl -v` output a person reads: TLS version, server certificate, request, status, error. */
export function keyLines(stderr: string): string[] {
  const lines: string[] = [];
  for (const raw of stderr.split(/\r?\n/)) {
    if (/^[<>] /.test(raw)) {
      if (/^> [A-Z]+ \S+ HTTP\//.test(raw) || /^< HTTP\//.test(raw)) lines.push(raw.trimEnd());
      continue;
    }
    if (raw.startsWith('curl: (')) {
      lines.push(raw.trim());
      continue;
    }
    if (!raw.startsWith('*')) continue;
    const text = raw.replace(/^\*\s*/, '').trimEnd();
    if (KEY_LINE.some((re) => re.test(text)) && !lines.includes(text)) lines.push(text);
  }
  return lines;
}

/** curl's own error line ("curl: (58) …"), when it printed one. */
export function curlErrorLine(stderr: string): string | undefined {
  return stderr.split(/\r?\n/).filter((l) => l.startsWith('curl: (')).pop()?.trim();
}

/** One line that says why curl got no HTTP answer, in words a person can act on. */
export function explainFailure(exitCode: number, errorLine: string | undefined, o: {key?: string; timeoutMs: number}): string {
  const line = errorLine ?? `curl exited with code ${exitCode}`;
  switch (exitCode) {
    case 6:
      return `curl could not resolve the host name (${line})`;
    case 7:
      return `nothing accepted the connection; is the gateway running? (${line})`;
    case 28:
      return `curl timed out after ${Math.round(o.timeoutMs / 1000)}s without an answer (${line})`;
    case 35:
      return `the TLS handshake failed (${line})`;
    case 58:
      if (o.key && /private key|pass ?phrase|key file/i.test(line)) {
        return `curl could not use the client key ${o.key}: the passphrase is wrong, or the file is not a PEM private key (${line})`;
      }
      return `curl could not use the client certificate or key (${line})`;
    case 60:
    case 77:
      return `curl does not trust the server certificate; pass the CA that issued it with --cacert (${line})`;
    default:
      return line;
  }
}
