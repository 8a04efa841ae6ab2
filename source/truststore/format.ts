import type {CertificateSummary, CheckReport, Finding, TrustCertificate} from './types.js';

/** The first 8 bytes of a fingerprint as "AB:CD:…", enough to tell certificates apart on screen. */
export function shortFingerprint(fp: string): string {
  const digits = (HEX_ONLY.test(fp) ? fp : fp.replace(/[^0-9a-fA-F]/g, '')).toUpperCase();
  const pairs = Math.floor(digits.length / 2);
  let short = '';
  for (let i = 0; i < Math.min(pairs, 8); i++) short += `${i === 0 ? '' : ':'}${digits.slice(2 * i, 2 * i + 2)}`;
  return `${short}${pairs > 8 ? ':…' : ''}`;
}

const HEX_ONLY = /^[0-9a-fA-F]*$/;

export function summarise(cert: TrustCertificate): CertificateSummary {
  return {
    subject: cert.subject,
    issuer: cert.issuer,
    fingerprint: cert.fingerprint,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    isCa: cert.isCa,
    selfSigned: cert.selfSigned,
    keyDescription: cert.keyDescription,
  };
}

/** A human-readable report: the certificates, then a few lines per finding, then the verdict. */
export function formatReport(report: CheckReport, file?: string): string {
  const lines: string[] = [];
  const name = file ?? 'truststore';
  const count = report.certificates.length;
  lines.push(`${name}: ${plural(count, 'certificate')}, ${plural(report.errors.length, 'error')}, ${plural(report.warnings.length, 'warning')}`);
  for (const cert of report.certificates) {
    const role = cert.selfSigned ? 'root' : cert.isCa ? `issued by ${cert.issuer}` : `not a CA, issued by ${cert.issuer}`;
    lines.push(`  ${cert.subject}  (${role}; ${cert.keyDescription}; valid until ${cert.notAfter.slice(0, 10)}; SHA-256 ${shortFingerprint(cert.fingerprint)})`);
  }
  for (const item of report.errors) lines.push(...formatFinding('error', item));
  for (const item of report.warnings) lines.push(...formatFinding('warning', item));
  lines.push(
    report.ok
      ? `Result: ready to upload${report.warnings.length > 0 ? ' (read the warnings above)' : ''}.`
      : 'Result: not ready to upload. Fix the errors above and run the check again.',
  );
  return `${lines.join('\n')}\n`;
}

function formatFinding(level: 'error' | 'warning', item: Finding): string[] {
  const lines = [`${level} [${item.code}] ${item.message}`];
  if (item.apiGateway) lines.push(`    API Gateway: ${item.apiGateway}`);
  if (item.client) lines.push(`    Clients: ${item.client}`);
  return lines;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
