/**
 * The completion screen: what was built, the curl commands to copy, where the files are and what to do
 * next. It is printed as plain lines after the live panes are gone (Ink would hard-wrap long lines,
 * which breaks a copied curl command); --plain prints the same lines.
 */
import {commandLine} from '../../util/invocation.js';
import {day, shortFingerprint} from '../format.js';
import {type ResourcesView, caTree} from './resources.js';

export interface CurlExample {
  readonly label: string;
  readonly expect: string;
  readonly command: string;
}

export interface CompletionModel {
  readonly backend: string;
  readonly stateDir: string;
  readonly walkthroughId: string;
  readonly resources: ResourcesView;
  readonly endpoint?: {readonly url: string; readonly resolve?: string; readonly caCertificate?: string};
  readonly curl: readonly CurlExample[];
  readonly next: readonly {readonly command: string; readonly what: string}[];
}

export type Tone = 'heading' | 'ok' | 'muted' | 'warn' | 'accent';
/** Colours a piece of text (or returns it as is when colour is off). */
export type Paint = (text: string, tone: Tone) => string;
export const noPaint: Paint = (text) => text;

export function completionLines(m: CompletionModel, paint: Paint = noPaint): string[] {
  const out: string[] = [];
  const h = (title: string) => out.push('', paint(title, 'heading'));
  out.push(paint(`✓ Walkthrough complete (${m.backend} backend, ${m.walkthroughId})`, 'ok'));

  h('CA hierarchy');
  for (const {prefix, ca} of caTree(m.resources.cas)) {
    const facts = ca.created ? [ca.external ? 'partner CA' : '', ca.subject, shortFingerprint(ca.fingerprint) && `sha256 ${shortFingerprint(ca.fingerprint)}`, ca.notAfter && `until ${day(ca.notAfter)}`] : ['not created'];
    out.push(`  ${prefix}${paint(ca.name, 'accent')}  ${paint(facts.filter(Boolean).join(' · '), 'muted')}`);
  }

  const ts = m.resources.truststore;
  if (ts) {
    h(`Truststore ${ts.uri}`);
    out.push(`  pinned version ${ts.version ?? '(not pinned)'}${ts.versionCount > 1 ? ` (${ts.versionCount} versions stored)` : ''}`);
    for (const c of ts.certificates) out.push(`  ${c.subject}  ${paint(`sha256 ${shortFingerprint(c.fingerprint)}${c.notAfter ? ` · until ${day(c.notAfter)}` : ''}`, 'muted')}`);
    for (const w of ts.warnings) out.push(`  ${paint(`! ${w}`, 'warn')}`);
  }

  h('Clients');
  for (const c of m.resources.clients) {
    out.push(`  ${paint(c.name, 'accent')} ← ${c.issuer}${c.created ? '' : '  (not issued)'}${c.revokedAt ? paint(`  (revoked ${c.revokedAt.slice(0, 10)}; API Gateway still lets it in)`, 'warn') : ''}`);
    if (c.certificate) out.push(`    certificate  ${c.certificate}`);
    if (c.key) out.push(`    key          ${c.key} (encrypted, mode 0600)`);
    if (c.passphraseFile) out.push(`    passphrase   ${c.passphraseFile} (mode 0600)`);
    for (const [kind, file] of Object.entries(c.p12)) out.push(`    PKCS#12      ${file} (${kind})`);
  }

  if (m.curl.length > 0) {
    h(m.backend === 'local' ? `Try it (start the gateway first: ${commandLine('gateway')})` : 'Try it');
    for (const c of m.curl) out.push(`  ${paint(`# ${c.label}: expect ${c.expect}`, 'muted')}`, `  ${c.command}`);
  }

  h('Files');
  out.push(`  everything lives in ${m.stateDir} (state.json holds no key and no passphrase)`);
  if (ts?.file) out.push(`  truststore bundle   ${ts.file}`);
  const root = m.resources.cas.find((c) => c.parent === null);
  if (root?.certificate) out.push(`  CA certificates     ${root.certificate.replace(/[^/]+\/[^/]+$/, '')}`);

  h('Next');
  const width = Math.max(...m.next.map((n) => n.command.length));
  for (const n of m.next) out.push(`  ${n.command.padEnd(width)}  ${paint(n.what, 'muted')}`);
  return out;
}
