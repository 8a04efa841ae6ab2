import {checkCaPath, IssuerIndex, walkToRoot} from './chain.js';
import {parsePemBundle} from './parse.js';
import {algorithmFindings, validityFinding} from './rules.js';
import type {CheckOptions, TrustCertificate} from './types.js';

/**
 * Why a client certificate is refused, worded as API Gateway's execution log words it after
 * "Access denied. Reason: " (reference/aws-mtls-facts.md §1.7); the last three are OpenSSL's words for
 * cases API Gateway's documentation does not name.
 */
export const CHAIN_REASONS = {
  unreadable: 'certificate could not be parsed',
  selfSigned: 'self signed certificate',
  noIssuer: 'Could not find issuer for certificate',
  noRoot: 'chain does not reach a trusted root',
  tooLong: 'certificate chain too long',
  insecureClient: 'Client cert using an insecure Signature Algorithm',
  insecureChain: 'insecure Signature Algorithm in the certificate chain',
  expired: 'certificate has expired',
  notYetValid: 'certificate is not yet valid',
  invalidCa: 'invalid CA certificate',
  pathLength: 'path length constraint exceeded',
} as const;

// The local gateway calls buildChain per request with the same pool array: index it once.
const indexes = new WeakMap<readonly TrustCertificate[], IssuerIndex>();

function indexOf(pool: readonly TrustCertificate[]): IssuerIndex {
  let index = indexes.get(pool);
  if (!index) {
    index = new IssuerIndex(pool);
    indexes.set(pool, index);
  }
  return index;
}

export type ChainResult =
  | {readonly ok: true; readonly chain: TrustCertificate[]}
  /** `subject` names the certificate at fault when it is not the client certificate itself. */
  | {readonly ok: false; readonly reason: string; readonly subject?: string};

/**
 * Builds the chain of a client certificate through `pool` up to a self-signed root, verifying every signature,
 * and applies API Gateway's rules to it. Only the first certificate of `leafPem` is used: API Gateway builds the
 * chain from the truststore, not from certificates the client sends along.
 */
export function buildChain(leafPem: string | Uint8Array, pool: readonly TrustCertificate[], opts: CheckOptions = {}): ChainResult {
  const leaf = parsePemBundle(leafPem).certificates[0];
  if (!leaf) return {ok: false, reason: CHAIN_REASONS.unreadable};
  if (leaf.selfSigned) return {ok: false, reason: CHAIN_REASONS.selfSigned};

  const walk = walkToRoot(leaf, indexOf(pool));
  if (!walk.reached) {
    const stoppedAtLeaf = walk.path.length === 1;
    const reason = stoppedAtLeaf && walk.stop !== 'cycle' ? CHAIN_REASONS.noIssuer : CHAIN_REASONS.noRoot;
    return {ok: false, reason, ...(stoppedAtLeaf ? {} : {subject: walk.path.at(-1)?.subject})};
  }
  const chain = [...walk.path];
  const problem = checkCaPath(chain.slice(1));
  if (problem?.code === 'chain-too-long') return {ok: false, reason: CHAIN_REASONS.tooLong};
  if (problem) {
    const reason = problem.code === 'issuer-not-ca' ? CHAIN_REASONS.invalidCa : CHAIN_REASONS.pathLength;
    return {ok: false, reason, subject: problem.at.subject};
  }

  const now = opts.now ?? new Date();
  // Root first, as OpenSSL reports the highest certificate at fault.
  for (const cert of [...chain].reverse()) {
    const validity = validityFinding(cert, now);
    if (validity) {
      const reason = validity.code === 'expired' ? CHAIN_REASONS.expired : CHAIN_REASONS.notYetValid;
      return {ok: false, reason, ...(cert === leaf ? {} : {subject: cert.subject})};
    }
  }
  if (algorithmFindings(leaf).length > 0) return {ok: false, reason: CHAIN_REASONS.insecureClient};
  const weakCa = chain.slice(1).find((cert) => algorithmFindings(cert).length > 0);
  if (weakCa) return {ok: false, reason: CHAIN_REASONS.insecureChain, subject: weakCa.subject};
  return {ok: true, chain};
}
