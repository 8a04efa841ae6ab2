import {formatParts} from '../errors.js';
import {partsOf, pemLength} from './certificate.js';
import {checkCaPath, IssuerIndex, selfIssued, walkToRoot, type PathProblem} from './chain.js';
import {finding} from './consequences.js';
import {shortFingerprint, summarise} from './format.js';
import {parsePemBundle, parsePemBundleAsync} from './parse.js';
import {SignatureScheduler} from './signature.js';
import {algorithmFindings, caFinding, MAX_BUNDLE_BYTES, MAX_CA_CERTIFICATES, MAX_CERTIFICATES, validityFinding} from './rules.js';
import type {CheckOptions, CheckReport, Finding, TrustCertificate} from './types.js';

/**
 * Checks a truststore bundle against API Gateway's rules (design.md §4). Errors make `ok` false: the bundle
 * should not be uploaded. Warnings are time-dependent or harmless; the bundle works for the other certificates.
 */
export function checkTruststore(input: string | Uint8Array, opts: CheckOptions = {}): CheckReport {
  return judge(parsePemBundle(input), opts);
}

/** checkTruststore, with the signatures checked on a second core first: the same report, sooner, for big bundles. */
export async function checkTruststoreAsync(input: string | Uint8Array, opts: CheckOptions = {}): Promise<CheckReport> {
  const signatures = new SignatureScheduler();
  const parsed = await parsePemBundleAsync(input, (cert) => signatures.add(partsOf(cert)));
  await signatures.settled();
  return judge(parsed, opts);
}

function judge(parsed: ReturnType<typeof parsePemBundle>, opts: CheckOptions): CheckReport {
  const now = opts.now ?? new Date();
  const errors: Finding[] = [...parsed.errors];
  const warnings: Finding[] = [];
  const unique = dropDuplicates(parsed.certificates, warnings);

  // Limits apply to what is uploaded: the normalised bundle without duplicates.
  if (unique.length > MAX_CERTIFICATES) {
    errors.push(finding('too-many-certificates', formatParts({what: `the bundle holds ${unique.length} certificates`, why: `API Gateway allows at most ${MAX_CERTIFICATES}`, fix: 'split the CAs across several custom domains or remove CAs no client uses'})));
  }
  const bytes = unique.reduce((total, cert) => total + pemLength(cert.der.length), 0);
  if (bytes > MAX_BUNDLE_BYTES) {
    errors.push(finding('too-large', formatParts({what: `the bundle is ${bytes.toLocaleString('en-US')} bytes`, why: `API Gateway allows at most 1 MB (checked as ${MAX_BUNDLE_BYTES.toLocaleString('en-US')} bytes)`, fix: 'remove CAs no client uses'})));
  }
  errors.push(...duplicateSubjects(unique));

  const index = new IssuerIndex(unique);
  for (const cert of unique) {
    errors.push(...algorithmFindings(cert), ...chainFindings(cert, index));
    const validity = validityFinding(cert, now);
    if (validity) warnings.push(validity);
    const ca = caFinding(cert);
    if (ca) warnings.push(ca);
  }
  let bundle: string | undefined;
  return {
    ok: errors.length === 0,
    certificates: unique.map(summarise),
    errors,
    warnings,
    // Joined when first read, like each certificate's PEM: `truststore check` reports without it.
    get bundle() {
      return (bundle ??= unique.map((cert) => cert.pem).join(''));
    },
  };
}

function dropDuplicates(certificates: readonly TrustCertificate[], warnings: Finding[]): TrustCertificate[] {
  const counts = new Map<string, number>();
  const unique: TrustCertificate[] = [];
  for (const cert of certificates) {
    const seen = counts.get(cert.fingerprint) ?? 0;
    counts.set(cert.fingerprint, seen + 1);
    if (seen === 0) unique.push(cert);
  }
  for (const cert of unique) {
    const count = counts.get(cert.fingerprint) ?? 1;
    if (count === 1) continue;
    const message = `${cert.subject} (SHA-256 ${shortFingerprint(cert.fingerprint)}) appears ${count} times, byte for byte; the extra ${count === 2 ? 'copy was' : 'copies were'} dropped`;
    warnings.push(finding('duplicate-dropped', message, cert.subject));
  }
  return unique;
}

/** Two different certificates with one subject: the article's "a CA already registered cannot be registered again". */
function duplicateSubjects(unique: readonly TrustCertificate[]): Finding[] {
  const bySubject = new Map<string, TrustCertificate[]>();
  for (const cert of unique) bySubject.set(cert.subject, [...(bySubject.get(cert.subject) ?? []), cert]);
  const findings: Finding[] = [];
  for (const [subject, certs] of bySubject) {
    if (certs.length < 2) continue;
    const prints = certs.map((c) => shortFingerprint(c.fingerprint)).join(', ');
    const what = `${certs.length} different certificates have the subject ${subject} (SHA-256 ${prints})`;
    findings.push(finding('duplicate-subject', formatParts({what, why: 'API Gateway allows one certificate per subject', fix: 'keep the one your client certificates chain to, and give the other CA a different name'}), subject));
  }
  return findings;
}

function chainFindings(cert: TrustCertificate, index: IssuerIndex): Finding[] {
  if (!cert.selfSigned && selfIssued(cert) && index.issuerOf(cert).kind === 'missing') {
    return [finding('bad-signature', `${cert.subject} names itself as its issuer, but its signature does not verify with its own key: the certificate is damaged`, cert.subject)];
  }
  const walk = walkToRoot(cert, index);
  if (!walk.reached) {
    const last = walk.path.at(-1) ?? cert;
    if (walk.stop === 'cycle') return [finding('no-root', `${cert.subject} does not chain to a self-signed root: its issuers form a loop`, cert.subject)];
    const fix = `append the certificate of ${last.issuer}, and its issuers up to the self-signed root`;
    if (walk.stop === 'bad-signature') {
      const what = `${cert.subject} does not chain to a root in the bundle`;
      const why = `the certificate named ${last.issuer} in the bundle did not sign ${last.subject} (the signature does not verify with its key)`;
      return [finding('bad-signature', formatParts({what, why, fix}), cert.subject)];
    }
    if (last === cert) return [finding('issuer-missing', formatParts({what: `${cert.subject} does not chain to a root in the bundle`, why: `its issuer ${cert.issuer} is not in the bundle`, fix}), cert.subject)];
    const why = `its chain stops at ${last.subject}, whose issuer ${last.issuer} is not in the bundle`;
    return [finding('no-root', formatParts({what: `${cert.subject} does not chain to a root in the bundle`, why, fix}), cert.subject)];
  }
  if (!cert.isCa) return [];
  const problem = checkCaPath(walk.path);
  return problem ? [pathFinding(cert, walk.path, problem)] : [];
}

function pathFinding(cert: TrustCertificate, path: readonly TrustCertificate[], problem: PathProblem): Finding {
  switch (problem.code) {
    case 'chain-too-long': {
      const names = path.map((c) => c.subject).join(' → ');
      const why = `a client certificate it issues would chain through ${problem.count} CA certificates (${names}); API Gateway allows at most ${MAX_CA_CERTIFICATES}`;
      return finding('chain-too-long', formatParts({what: `${cert.subject} is too deep in its hierarchy`, why, fix: 'issue client certificates from a CA at most 3 levels below the root'}), cert.subject);
    }
    case 'issuer-not-ca':
      return finding('issuer-not-ca', `${cert.subject} chains through ${problem.at.subject}, which is not a CA certificate (no basicConstraints CA:TRUE)`, cert.subject);
    case 'path-length-exceeded':
      return finding('path-length-exceeded', `${cert.subject} is ${problem.below} CA level(s) below ${problem.at.subject}, whose pathLen is ${problem.at.pathLen ?? 'unlimited'}: OpenSSL and API Gateway reject such chains`, cert.subject);
  }
}
