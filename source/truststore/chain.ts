import {nodeView, verifies} from './certificate.js';
import {MAX_CA_CERTIFICATES} from './rules.js';
import type {TrustCertificate} from './types.js';

export type IssuerLookup =
  | {readonly kind: 'found'; readonly issuer: TrustCertificate}
  /** No certificate in the pool carries the issuer's name. */
  | {readonly kind: 'missing'}
  /** Certificates carry the name, but none of their keys verifies the signature. */
  | {readonly kind: 'bad-signature'};

/** Finds issuers by name, then proves each one with its key: names alone can be forged or reused. */
export class IssuerIndex {
  private readonly bySubject = new Map<string, TrustCertificate[]>();

  constructor(pool: readonly TrustCertificate[]) {
    for (const cert of pool) {
      const key = nodeView(cert).subject;
      const list = this.bySubject.get(key) ?? [];
      list.push(cert);
      this.bySubject.set(key, list);
    }
  }

  issuerOf(cert: TrustCertificate): IssuerLookup {
    const view = nodeView(cert);
    const candidates = (this.bySubject.get(view.issuer) ?? []).filter((c) => c.fingerprint !== cert.fingerprint);
    if (candidates.length === 0) return {kind: 'missing'};
    // checkIssued compares names, key identifiers and keyUsage as OpenSSL does; verify proves the signature.
    const issuer = candidates.find((c) => view.checkIssued(nodeView(c)) && verifies(view, nodeView(c).publicKey));
    return issuer ? {kind: 'found', issuer} : {kind: 'bad-signature'};
  }
}

export type Walk =
  | {readonly reached: true; readonly path: readonly TrustCertificate[]}
  | {readonly reached: false; readonly path: readonly TrustCertificate[]; readonly stop: 'missing' | 'bad-signature' | 'cycle'};

/** Follows issuers from `start` up to a self-signed root: `path` starts with `start` and ends where it stopped. */
export function walkToRoot(start: TrustCertificate, index: IssuerIndex): Walk {
  const path: TrustCertificate[] = [start];
  const seen = new Set([start.fingerprint]);
  let current = start;
  while (!current.selfSigned) {
    const lookup = index.issuerOf(current);
    if (lookup.kind !== 'found') return {reached: false, path, stop: lookup.kind};
    if (seen.has(lookup.issuer.fingerprint)) return {reached: false, path, stop: 'cycle'};
    seen.add(lookup.issuer.fingerprint);
    path.push(lookup.issuer);
    current = lookup.issuer;
  }
  return {reached: true, path};
}

export type PathProblem =
  | {readonly code: 'chain-too-long'; readonly count: number}
  | {readonly code: 'issuer-not-ca'; readonly at: TrustCertificate}
  | {readonly code: 'path-length-exceeded'; readonly at: TrustCertificate; readonly below: number};

/**
 * Checks the CA part of a chain, issuing CA first and root last, as API Gateway and RFC 5280 §4.2.1.9 do:
 * at most 4 CA certificates, each one a CA, each pathLen at least the number of CAs below it.
 */
export function checkCaPath(cas: readonly TrustCertificate[]): PathProblem | undefined {
  if (cas.length > MAX_CA_CERTIFICATES) return {code: 'chain-too-long', count: cas.length};
  for (const [below, ca] of cas.entries()) {
    if (!ca.isCa) return {code: 'issuer-not-ca', at: ca};
    if (ca.pathLen !== null && below > ca.pathLen) return {code: 'path-length-exceeded', at: ca, below};
  }
  return undefined;
}
