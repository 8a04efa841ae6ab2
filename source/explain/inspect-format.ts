/** inspect's report as text: one block per certificate, the bundle's tree and findings, keys without material. */
import {shortFingerprint} from '../truststore/format.js';
import type {CertificateDetails, InspectReport, KeyDetails} from './inspect-file.js';

export function formatInspect(report: InspectReport, file: string): string {
  const lines: string[] = [];
  const what = {certificate: 'a certificate', bundle: `a bundle of ${report.certificates.length} certificates`, 'private-key': 'a private key', pkcs12: 'a PKCS#12 file'}[report.kind];
  lines.push(`${file}: ${what} (${report.encoding})`);
  if (report.pkcs12) lines.push(`  integrity ${report.pkcs12.mac ?? 'no MAC'}; certificates ${report.pkcs12.certificateEncryption}`);
  report.certificates.forEach((cert, i) => lines.push('', ...certificateLines(cert, report.certificates.length > 1 ? `certificate ${i + 1}` : 'certificate')));
  for (const key of report.keys) lines.push('', ...keyLines(key));
  if (report.tree) lines.push('', 'chains in this file:', ...report.tree.map((l) => `  ${l}`));
  if (report.findings) {
    const {errors, warnings} = report.findings;
    lines.push('', `truststore rules: ${errors.length} error(s), ${warnings.length} warning(s)`);
    for (const e of errors) lines.push(`  error [${e.code}] ${e.message}`);
    for (const w of warnings) lines.push(`  warning [${w.code}] ${w.message}`);
  }
  return `${lines.join('\n')}\n`;
}

function certificateLines(c: CertificateDetails, title: string): string[] {
  const bc = c.basicConstraints;
  const basic = !bc ? '(absent)' : bc.ca ? `CA:TRUE, pathLen ${bc.pathLen === null ? 'none (no limit)' : bc.pathLen}` : 'CA:FALSE';
  const left = c.validity === 'expired' ? `expired ${-c.daysLeft} days ago` : c.validity === 'not yet valid' ? 'not yet valid' : `${c.daysLeft} days left`;
  const row = (name: string, value: string) => `  ${name.padEnd(18)}${value}`;
  return [
    `${title}: ${c.subject}${c.selfSigned ? ' (self-signed)' : ''}`,
    row('issuer', c.issuer),
    row('serial', c.serial),
    row('valid', `${c.notBefore} → ${c.notAfter} (${left})`),
    row('key', c.key.description),
    row('signature', c.signatureAlgorithm),
    row('basicConstraints', basic),
    row('key usage', c.keyUsage ? c.keyUsage.join(', ') : '(absent)'),
    row('extended usage', c.extendedKeyUsage ? c.extendedKeyUsage.join(', ') : '(absent: any purpose)'),
    row('SANs', c.subjectAltNames.length ? c.subjectAltNames.join(', ') : '(none)'),
    row('SKI', c.subjectKeyId ?? '(absent)'),
    row('AKI', c.authorityKeyId ?? '(absent)'),
    row('SHA-256', `${shortFingerprint(c.sha256).replace(':…', '')} (${c.sha256})`),
  ];
}

function keyLines(k: KeyDetails): string[] {
  const lines = [`private key (${k.format}); the key itself is never shown`];
  lines.push(`  ${'type'.padEnd(18)}${k.type ?? 'unknown until decrypted: pass --passphrase-file'}`);
  lines.push(`  ${'encrypted'.padEnd(18)}${k.encrypted ? `yes, ${k.encryption}` : 'no (keep the file private: mode 0600)'}`);
  if (k.matchesCertificate !== undefined) lines.push(`  ${'--certificate'.padEnd(18)}${k.matchesCertificate ? 'matches: this key belongs to that certificate' : 'does NOT match: this key is not the certificate\'s'}`);
  return lines;
}
