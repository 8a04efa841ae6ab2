/**
 * Which CAs the pinned truststore trusts, from stored facts only (pure): a CA is trusted when its own
 * certificate and every certificate above it, up to the root, are in the pinned version. A client is
 * trusted when its issuer is. This is what API Gateway decides at the handshake (the full chain must be in
 * the truststore), so a CA retired with `truststore remove` takes every CA below it with it.
 */
import type {State, TruststoreVersion} from '../state/schema.js';

/** The version the domain is pinned to, if any. */
export function pinnedVersion(state: State): TruststoreVersion | undefined {
  const ts = state.truststore;
  return ts?.pinnedVersion === undefined ? undefined : ts.versions.find((v) => v.versionId === ts.pinnedVersion);
}

/** Names of the CAs whose whole chain is in the pinned truststore version. */
export function trustedCas(state: State): Set<string> {
  const prints = new Set(pinnedVersion(state)?.fingerprints ?? []);
  const trusted = new Set<string>();
  const verdict = new Map<string, boolean>();
  const check = (name: string, seen: Set<string>): boolean => {
    const known = verdict.get(name);
    if (known !== undefined) return known;
    const ca = state.cas[name];
    // A parent loop in a hand-edited state is simply untrusted.
    let ok = Boolean(ca?.fingerprint && prints.has(ca.fingerprint)) && !seen.has(name);
    if (ok && ca!.parent !== null) ok = check(ca!.parent, new Set([...seen, name]));
    verdict.set(name, ok);
    return ok;
  };
  for (const name of Object.keys(state.cas)) if (check(name, new Set())) trusted.add(name);
  return trusted;
}

export function isTrusted(state: State, caName: string): boolean {
  return trustedCas(state).has(caName);
}
