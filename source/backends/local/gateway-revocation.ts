/**
 * The local gateway's view of revocation. API Gateway checks no CRL and no OCSP: by default a revoked client
 * certificate gets in, and the log says so. With --check-revocation the gateway also plays a CRL-checking
 * Lambda authorizer (the pattern AWS suggests): it finds the issuing CA in the state, reads that CA's CRL
 * (read again on every request, so a revocation applies at once), checks the CRL's signature and date, and
 * refuses a listed serial. An issuer without a CRL (a partner's CA) revokes nothing: accepted, and said so.
 */
import type {X509Certificate} from 'node:crypto';
import {readFile, stat} from 'node:fs/promises';
import path from 'node:path';
import {checkRevocation} from '../../pki/crl.js';
import {StateStore, parseState} from '../../state/store.js';
import type {RevocationAnswer, RevocationCheck} from './gateway-http.js';
import {dn} from './gateway-verify.js';

/** Reads a file again only when its modification time or size changed (one stat per request). */
function cachedReader<T>(parse: (text: string) => T | Promise<T>): (file: string) => Promise<T | undefined> {
  const cache = new Map<string, {key: string; value: T}>();
  return async (file) => {
    const info = await stat(file).catch(() => undefined);
    if (!info) return undefined;
    const key = `${info.mtimeMs}:${info.size}`;
    const hit = cache.get(file);
    if (hit?.key === key) return hit.value;
    const value = await parse(await readFile(file, 'utf8'));
    cache.set(file, {key, value});
    return value;
  };
}

export function revocationCheck(stateDir: string, enforce: boolean, now: () => Date = () => new Date()): RevocationCheck {
  const store = new StateStore(stateDir);
  const readState = cachedReader((text) => parseState(text, store.file));
  const readCrl = cachedReader((text) => text);
  return async (leaf: X509Certificate, chain: readonly X509Certificate[]): Promise<RevocationAnswer> => {
    const issuer = chain[1];
    if (!issuer) return {};
    const state = await readState(store.file);
    const fingerprint = issuer.fingerprint256.replaceAll(':', '').toLowerCase();
    const ca = Object.values(state?.cas ?? {}).find((c) => c.fingerprint === fingerprint);
    const name = ca?.name ?? dn(issuer.subject);
    const crlPem = ca?.crl ? await readCrl(path.join(stateDir, ca.crl)) : undefined;
    const result = await checkRevocation(leaf.toString(), issuer.toString(), crlPem, now());
    if (result.status === 'revoked') {
      const what = `certificate revoked (serial ${result.serial}, reason ${result.reason}, listed in the CRL of ${name})`;
      return enforce
        ? {deny: `Access denied. Reason: ${what}; refused by the CRL check (--check-revocation, as a CRL-checking authorizer)`}
        : {note: `${what}, but API Gateway does not check revocation: accepted (run with --check-revocation to refuse it as a CRL-checking authorizer would)`};
    }
    if (!enforce) return {};
    if (result.status === 'no-crl') return {note: `no CRL available for ${name}: accepted (a production authorizer would rather deny)`};
    if (result.status === 'bad-crl') return {deny: `Access denied. Reason: the CRL of ${name} is not usable (${result.why}); a CRL-checking authorizer denies`};
    return {};
  };
}
