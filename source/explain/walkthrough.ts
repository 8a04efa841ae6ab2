/**
 * What explain needs from a walkthrough's state: the pinned truststore version, its CAs' subjects and
 * which client a certificate is (for a revocation note). Reads state, never changes it.
 */
import path from 'node:path';
import {UserError} from '../errors.js';
import type {State} from '../state/schema.js';
import type {TrustCertificate} from '../truststore/types.js';
import {pinnedVersion} from '../lifecycle/trust.js';

export interface PinnedTruststore {
  readonly versionId: string;
  /** Absolute path of the local copy of what was uploaded. */
  readonly file: string;
}

/** The pinned version's file; a walkthrough with none pinned is a UserError (exit 2: pass --truststore). */
export function pinnedTruststore(state: State, stateDir: string): PinnedTruststore {
  const ts = state.truststore;
  const version = pinnedVersion(state);
  if (!ts?.pinnedVersion || !version) {
    throw new UserError({what: 'failed to find the truststore to check against', why: `the walkthrough in ${stateDir} has no pinned truststore version yet`, fix: 'pass --truststore FILE, or run `mtls-wizard run --until mtls` first', field: 'truststore'}, 2);
  }
  return {versionId: version.versionId, file: path.isAbsolute(version.file) ? version.file : path.join(stateDir, version.file)};
}

export function walkthroughCas(state: State): {name: string; subject?: string}[] {
  return Object.values(state.cas).map((ca) => ({name: ca.name, subject: ca.subject}));
}

/** The revocation record of the walkthrough's client with this certificate, when it was revoked. */
export function revokedClient(state: State, leaf: TrustCertificate): {name: string; revokedAt: string; reason?: string} | undefined {
  const client = Object.values(state.clients).find((c) => c.fingerprint?.toLowerCase().replace(/:/g, '') === leaf.fingerprint);
  if (!client?.revokedAt) return undefined;
  return {name: client.name, revokedAt: client.revokedAt, ...(client.revocationReason ? {reason: client.revocationReason} : {})};
}

/** "truststore version 3f2a9c1d…" for messages: at least 8 characters of the id. */
export function versionName(versionId: string): string {
  return `truststore version ${versionId.length > 12 ? `${versionId.slice(0, 12)}…` : versionId}`;
}
