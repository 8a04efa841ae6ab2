import {partsOf} from './certificate.js';
import {MAX_CA_CERTIFICATES} from './rules.js';
import {likelyIssued, signedBy} from './signature.js';
import type {TrustCertificate} from './types.js';

export type IssuerLookup =
  | {readonly kind: 'found'; readonly issuer: TrustCertificate}
  /** No certificate in the pool carries the issuer's name. */
  | {readonly kind: 'missing'}
  /** Certificates carry the name, but none of their keys verifies the signature. */
  | {readonly kind: 'bad-signature'};

/**
 * Finds issuers by name, narrows them by key identifier, then proves each one with its key: names alone can be
 * forged or reused. Each certificate's issuer is looked up once per pool, so a walk from every certificate
 * verifies each signature once.
 */
export class IssuerIndex {
  private readonly bySubject = new Map<string, TrustCertificate[]>();
  private readonly found = new Map<TrustCertificate, IssuerLookup>();

  constructor(pool: readonly TrustCertificate[]) {
    for (const cert of pool) {
      const key = partsOf(cert).subjectKey;
      const list = this.bySubject.get(key);
      if (list) list.push(cert);
      else this.bySubject.set(key, [cert]);
    }
  }

  issuerOf(cert: TrustCertificate): IssuerLookup {
    let lookup = this.found.get(cert);
    if (!lookup) {
      lookup = this.lookUp(cert);
      this.found.set(cert, lookup);
    }
    return lookup;
  }

  private lookUp(cert: TrustCertificate): IssuerLookup {
    const child = partsOf(cert);
    const candidates = (this.bySubject.get(child.issuerKey) ?? []).filter((c) => c.fingerprint !== cert.fingerprint);
    if (candidates.length === 0) return {kind: 'missing'};
    const issuer = candidates.find((c) => likelyIssued(child, partsOf(c)) && signedBy(child, partsOf(c)));
    return issuer ? {kind: 'found', issuer} : {kind: 'bad-signature'};
  }
}

/** Subject and issuer name the same entity: a root if it is also self-signed, a damaged certificate if not. */
export function selfIssued(cert: TrustCertificate): boolean {
  const parts = partsOf(cert);
  return parts.subjectKey === parts.issuerKey;
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
