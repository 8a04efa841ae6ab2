/**
 * "Why 403?": would API Gateway let this client certificate in? The rules of reference/aws-mtls-facts.md §1.3,
 * walked in order; every rule that fails is reported, each with its fix in plain words. No UI here: the
 * `explain` command and the connect step both call explainCertificate.
 */
import {X509Certificate} from 'node:crypto';
import {formatParts} from '../errors.js';
import {checkCaPath, IssuerIndex, walkToRoot, type Walk} from '../truststore/chain.js';
import {algorithmFindings, MAX_CA_CERTIFICATES, validityFinding} from '../truststore/rules.js';
import type {TrustCertificate} from '../truststore/types.js';

/** The rules in the order they are checked and reported. */
export const RULES = ['issuer', 'chain-length', 'ca-constraints', 'validity', 'key-strength', 'signature-algorithm', 'signature'] as const;
export type Rule = (typeof RULES)[number];

export interface Failure {
  readonly rule: Rule;
  /** What fails, why, and the fix ("… Fix: …"). */
  readonly message: string;
  /** The certificate at fault. */
  readonly subject: string;
}

export interface Verdict {
  readonly accepted: boolean;
  /** Subjects from the client certificate up: the path found when accepted, as far as it goes otherwise. */
  readonly chain: string[];
  readonly failures: Failure[];
  /** What API Gateway does not check, or does not document checking. */
  readonly notes: string[];
}

export interface ExplainInput {
  readonly leaf: TrustCertificate;
  readonly truststore: readonly TrustCertificate[];
  /** Certificates the client would send along (--chain): API Gateway ignores them; used to say so. */
  readonly sent?: readonly TrustCertificate[];
  readonly now: Date;
  /** The walkthrough's CAs, to say whether a missing issuer is one of them. */
  readonly walkthroughCas?: readonly {readonly name: string; readonly subject?: string}[];
  /** The walkthrough's record of this client, when it has one and it was revoked. */
  readonly revoked?: {readonly name: string; readonly revokedAt: string; readonly reason?: string};
  /** How the truststore is named in messages, e.g. "truststore version 3f2a9c1d". */
  readonly truststoreName?: string;
}

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const ANY_EKU = '2.5.29.37.0';
const EKU_NAMES: Readonly<Record<string, string>> = {'1.3.6.1.5.5.7.3.1': 'serverAuth', [CLIENT_AUTH]: 'clientAuth', '1.3.6.1.5.5.7.3.3': 'codeSigning', '1.3.6.1.5.5.7.3.4': 'emailProtection', '1.3.6.1.5.5.7.3.8': 'timeStamping', '1.3.6.1.5.5.7.3.9': 'OCSPSigning'};

export const REVOCATION_NOTE =
  'API Gateway does not check revocation (no CRL, no OCSP): a revoked certificate gets in until it expires; refuse it with a Lambda authorizer or remove its CA from the truststore';

export function explainCertificate(input: ExplainInput): Verdict {
  const {leaf, now} = input;
  const store = input.truststoreName ?? 'the truststore';
  const failures: Failure[] = [];
  const trusted = new Set(input.truststore.map((c) => c.fingerprint));

  // API Gateway builds the chain from the truststore alone; the walk through what the client sends only tells why.
  const walk = leaf.selfSigned ? undefined : walkToRoot(leaf, new IssuerIndex(input.truststore));
  const wider = input.sent?.length ? walkToRoot(leaf, new IssuerIndex([...input.truststore, ...input.sent])) : walk;
  const path = leaf.selfSigned ? [leaf] : longer(walk!, wider!).path;

  if (leaf.selfSigned) {
    failures.push({rule: 'issuer', subject: leaf.subject, message: formatParts({what: `${leaf.subject} is self-signed`, why: 'API Gateway accepts only certificates issued by a CA in the truststore', fix: 'issue the client certificate from a CA whose chain is in the truststore'})});
  } else if (walk && !walk.reached) {
    failures.push(walkFailure(walk, input, store, trusted));
  }

  const cas = path.slice(1);
  if (cas.length > MAX_CA_CERTIFICATES) {
    const names = cas.map((c) => c.subject).join(' → ');
    failures.push({rule: 'chain-length', subject: leaf.subject, message: formatParts({what: `the chain of ${leaf.subject} holds ${cas.length} CA certificates (${names})`, why: `API Gateway allows at most ${MAX_CA_CERTIFICATES}: a root and up to 3 intermediates`, fix: 'issue the client certificate from a CA at most 3 levels below the root'})});
  }
  const constraint = checkCaPath(cas.slice(0, MAX_CA_CERTIFICATES));
  if (constraint && constraint.code !== 'chain-too-long') {
    const why = constraint.code === 'issuer-not-ca' ? 'it is not a CA certificate (no basicConstraints CA:TRUE), so it cannot issue certificates' : `its pathLen is ${constraint.at.pathLen}, but ${constraint.below} CA level(s) sit below it`;
    failures.push({rule: 'ca-constraints', subject: constraint.at.subject, message: formatParts({what: `the chain of ${leaf.subject} goes through ${constraint.at.subject}`, why, fix: 'issue from a CA whose basicConstraints allow it (CA:TRUE with a large enough pathlen)'})});
  }

  for (const cert of path) {
    const problem = validityFinding(cert, now);
    if (!problem) continue;
    const isLeaf = cert === leaf;
    const fix = isLeaf ? 'issue a new client certificate (mtls-wizard run issues one when the old one is removed)' : `renew the CA ${cert.subject}, put its new certificate in the truststore and re-issue what it signed`;
    const why = problem.code === 'expired' ? `it expired on ${iso(cert.notAfter)} (${daysBetween(cert.notAfter, now)} days before ${iso(now)})` : `it is valid only from ${iso(cert.notBefore)} (${daysBetween(now, cert.notBefore)} days after ${iso(now)}); check the clock of the machine that issued it`;
    failures.push({rule: 'validity', subject: cert.subject, message: formatParts({what: `${isLeaf ? 'the client certificate' : 'the CA certificate'} ${cert.subject} is ${problem.code === 'expired' ? 'expired' : 'not yet valid'}`, why, fix})});
  }

  for (const cert of path) {
    for (const finding of algorithmFindings(cert)) {
      const isKey = finding.code.endsWith('-key');
      const fix = isKey ? 'issue a new certificate for an RSA 2048+ or ECDSA P-256/P-384 key' : 'issue it again signed with SHA-256 or stronger (openssl … -sha256)';
      failures.push({rule: isKey ? 'key-strength' : 'signature-algorithm', subject: cert.subject, message: `${finding.message}. Fix: ${fix}`});
    }
  }

  failures.sort((a, b) => RULES.indexOf(a.rule) - RULES.indexOf(b.rule));
  return {accepted: failures.length === 0, chain: path.map((c) => c.subject), failures, notes: notesFor(input, path, trusted)};
}

function longer(a: Walk, b: Walk): Walk {
  return b.path.length > a.path.length ? b : a;
}

function walkFailure(walk: Extract<Walk, {reached: false}>, input: ExplainInput, store: string, trusted: ReadonlySet<string>): Failure {
  const last = walk.path.at(-1)!;
  const where = last === input.leaf ? `its issuer ${last.issuer}` : `the chain stops at ${last.subject}: its issuer ${last.issuer}`;
  if (walk.stop === 'bad-signature') {
    const what = `${last.subject} was not signed by the ${last.issuer} in ${store}`;
    const why = `a certificate with that subject is there, but its key does not verify the signature (another CA with the same name issued it)`;
    return {rule: 'signature', subject: last.subject, message: formatParts({what, why, fix: `put the CA that really issued it in the truststore, or re-issue ${last.subject} from the one that is there`})};
  }
  if (walk.stop === 'cycle') {
    return {rule: 'issuer', subject: last.subject, message: formatParts({what: `${input.leaf.subject} does not chain to a self-signed root`, why: 'its issuers form a loop', fix: 'put the self-signed root of the chain in the truststore'})};
  }
  const ours = input.walkthroughCas?.find((ca) => ca.subject === last.issuer);
  const sent = input.sent?.find((c) => c.subject === last.issuer && !trusted.has(c.fingerprint));
  const facts = [
    ours ? `it is the walkthrough's CA "${ours.name}"` : input.walkthroughCas ? 'no CA of this walkthrough has that subject' : '',
    sent ? 'the --chain file holds it, but API Gateway builds the chain from the truststore only, never from what the client sends' : '',
  ].filter(Boolean);
  const why = `${where} is not in ${store}${facts.length ? ` (${facts.join('; ')})` : ''}`;
  return {
    rule: 'issuer',
    subject: last.subject,
    message: formatParts({what: `no CA in ${store} issued ${last.subject}`, why, fix: `add the certificate of ${last.issuer}, and its issuers up to the root, to the truststore; upload it and pin the domain to the new version`}),
  };
}

function notesFor(input: ExplainInput, path: readonly TrustCertificate[], trusted: ReadonlySet<string>): string[] {
  const notes = [REVOCATION_NOTE];
  if (input.revoked) {
    const reason = input.revoked.reason ? ` (${input.revoked.reason})` : '';
    notes.push(`the walkthrough revoked client ${input.revoked.name} on ${input.revoked.revokedAt}${reason}, but API Gateway does not check revocation: it still gets in while its chain is trusted`);
  }
  const eku = new X509Certificate(input.leaf.der).keyUsage; // node names the extendedKeyUsage OIDs "keyUsage"
  if (eku && !eku.includes(CLIENT_AUTH) && !eku.includes(ANY_EKU)) {
    const names = eku.map((oid) => EKU_NAMES[oid] ?? oid).join(', ');
    notes.push(`${input.leaf.subject} has extended key usage ${names || '(none)'} without clientAuth: API Gateway does not document checking it, but OpenSSL-based servers (nginx, this wizard's local gateway) refuse it as a client certificate`);
  }
  if (input.leaf.isCa) notes.push(`${input.leaf.subject} is a CA certificate (CA:TRUE): API Gateway does not document refusing it, but a client certificate should be CA:FALSE`);
  const fromSent = path.slice(1).filter((c) => !trusted.has(c.fingerprint));
  if (fromSent.length > 0) notes.push(`${fromSent.map((c) => c.subject).join(', ')} came from --chain: API Gateway ignores certificates the client sends, so the truststore must hold them`);
  return notes;
}

function iso(date: Date): string {
  return date.toISOString().replace('.000Z', 'Z');
}

function daysBetween(earlier: Date, later: Date): number {
  return Math.max(0, Math.floor((later.getTime() - earlier.getTime()) / 86_400_000));
}
