import {formatParts, UserError} from '../errors.js';
import {IssuerIndex, walkToRoot} from './chain.js';
import {checkTruststore} from './check.js';
import {finding} from './consequences.js';
import {shortFingerprint} from './format.js';
import {parsePemBundle} from './parse.js';
import type {CheckOptions, Finding, TrustCertificate} from './types.js';

export interface AdditionPlan {
  /** The existing bundle (deduplicated, normalised) followed by the added certificates, root first. */
  readonly bundle: string;
  readonly added: TrustCertificate[];
  /** Byte-identical to a certificate already in the truststore: skipped. */
  readonly alreadyPresent: TrustCertificate[];
  /** Not added, with the reason: same subject as a different certificate, unreadable, or breaks a rule. */
  readonly refused: Finding[];
}

/**
 * Adds a chain (any order) to an existing bundle, adding only what is missing (the article's part B: rootCA is
 * already there and is skipped). Anything whose addition would make the bundle fail checkTruststore is refused.
 */
export function planAddition(existingPem: string, chainPem: string, opts: CheckOptions = {}): AdditionPlan {
  const existing = readExisting(existingPem);
  const chain = parsePemBundle(chainPem);
  const refused: Finding[] = [...chain.errors];
  const alreadyPresent: TrustCertificate[] = [];
  let candidates: TrustCertificate[] = [];
  const existingPrints = new Set(existing.map((c) => c.fingerprint));
  const chainPrints = new Set<string>();
  const bySubject = new Map(existing.map((c) => [c.subject, c]));
  for (const cert of chain.certificates) {
    if (chainPrints.has(cert.fingerprint)) continue; // a second copy inside the chain itself is simply ignored
    chainPrints.add(cert.fingerprint);
    if (existingPrints.has(cert.fingerprint)) {
      alreadyPresent.push(cert);
      continue;
    }
    const holder = bySubject.get(cert.subject);
    if (holder) {
      refused.push(sameSubject(cert, holder, existingPrints.has(holder.fingerprint)));
      continue;
    }
    bySubject.set(cert.subject, cert);
    candidates.push(cert);
  }

  // Refuse, one round at a time, the added certificates the check still faults, until the rest passes.
  for (;;) {
    const report = checkTruststore(joinPem([...existing, ...candidates]), opts);
    const faulted = new Map<TrustCertificate, Finding>();
    for (const error of report.errors) {
      const limit = error.subject === undefined;
      for (const cert of candidates) if ((limit || error.subject === cert.subject) && !faulted.has(cert)) faulted.set(cert, error);
    }
    if (faulted.size === 0) break;
    refused.push(...faulted.values());
    candidates = candidates.filter((c) => !faulted.has(c));
  }
  const added = rootFirst(candidates, [...existing, ...candidates]);
  return {bundle: joinPem([...existing, ...added]), added, alreadyPresent, refused};
}

function readExisting(pem: string): TrustCertificate[] {
  if (pem.trim() === '') return []; // the first truststore: nothing there yet
  const parsed = parsePemBundle(pem);
  const first = parsed.errors[0];
  if (first) {
    throw new UserError({what: 'failed to read the current truststore', why: first.message, fix: 'check the bundle with `mtls-wizard truststore check FILE`'});
  }
  const seen = new Set<string>();
  return parsed.certificates.filter((c) => !seen.has(c.fingerprint) && seen.add(c.fingerprint));
}

function sameSubject(cert: TrustCertificate, holder: TrustCertificate, inTruststore: boolean): Finding {
  const where = inTruststore ? 'the truststore already holds' : 'the chain already holds';
  const what = `${cert.subject} (SHA-256 ${shortFingerprint(cert.fingerprint)}) was not added`;
  const why = `${where} a different certificate with this subject (SHA-256 ${shortFingerprint(holder.fingerprint)}); a CA already registered cannot be registered again`;
  return finding('duplicate-subject', formatParts({what, why, fix: 'add only the certificates that are missing, or give the new CA a different name'}), cert.subject);
}

/** Parents before children, so that the bundle reads from the root down. */
function rootFirst(added: readonly TrustCertificate[], all: readonly TrustCertificate[]): TrustCertificate[] {
  const index = new IssuerIndex(all);
  const depth = new Map(added.map((c) => [c, walkToRoot(c, index).path.length]));
  return [...added].sort((a, b) => (depth.get(a) ?? 0) - (depth.get(b) ?? 0));
}

function joinPem(certs: readonly TrustCertificate[]): string {
  return certs.map((c) => c.pem).join('');
}
