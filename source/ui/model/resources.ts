/**
 * The Resources view of a state: the CA hierarchy as a tree, the truststore (pinned version and what is in
 * it) and the clients. Pure; derived from stored facts only, so it is right after a resume too.
 */
import path from 'node:path';
import type {State} from '../../state/schema.js';
import {pinnedVersion} from '../../lifecycle/trust.js';

export interface CaView {
  readonly name: string;
  readonly parent: string | null;
  readonly pathLen: number | null;
  readonly created: boolean;
  readonly subject?: string;
  readonly fingerprint?: string;
  readonly notAfter?: string;
  readonly certificate?: string;
  readonly arn?: string;
  /** A partner's CA added with `truststore add` (certificate only, no key). */
  readonly external?: boolean;
}

export interface TruststoreCertView {
  readonly subject: string;
  readonly fingerprint: string;
  readonly notAfter?: string;
}

export interface TruststoreView {
  readonly uri: string;
  readonly version?: string;
  readonly versionCount: number;
  readonly file?: string;
  readonly certificates: readonly TruststoreCertView[];
  readonly warnings: readonly string[];
}

export interface ClientView {
  readonly name: string;
  readonly issuer: string;
  readonly created: boolean;
  readonly subject?: string;
  readonly notAfter?: string;
  readonly certificate?: string;
  readonly key?: string;
  readonly passphraseFile?: string;
  /** PKCS#12 exports by kind (e.g. modern, compatible). */
  readonly p12: Readonly<Record<string, string>>;
  /** When it was revoked (clients[name].revokedAt). */
  readonly revokedAt?: string;
}

export interface ResourcesView {
  readonly cas: readonly CaView[];
  readonly truststore?: TruststoreView;
  readonly clients: readonly ClientView[];
}

/** The resources of a state; paths stay relative unless stateDir is given (then they are absolute). */
export function resourcesOf(state: State, stateDir?: string): ResourcesView {
  const file = (p: string | undefined) => (p === undefined || stateDir === undefined || path.isAbsolute(p) ? p : path.join(stateDir, p));
  const planned = new Set(state.inputs.cas.map((c) => c.name));
  // CAs outside the plan (partners' CAs from `truststore add`) come after the planned ones.
  const extra = Object.values(state.cas).filter((ca) => !planned.has(ca.name)).map((ca) => ({name: ca.name, parent: ca.parent}));
  const cas = [...state.inputs.cas, ...extra].map((input): CaView => {
    const ca = state.cas[input.name];
    return {
      name: input.name,
      parent: input.parent,
      pathLen: ca?.pathLen ?? null,
      created: Boolean(ca?.certificate || ca?.status === 'ACTIVE'),
      subject: ca?.subject,
      fingerprint: ca?.fingerprint,
      notAfter: ca?.notAfter,
      certificate: file(ca?.certificate),
      arn: ca?.arn,
      ...(ca?.external ? {external: true} : {}),
    };
  });
  const ts = state.truststore;
  const pinned = pinnedVersion(state) ?? ts?.versions.at(-1);
  // The truststore holds our own CAs, so their records give each certificate's expiry.
  const expiry = (fingerprint: string) => Object.values(state.cas).find((c) => c.fingerprint === fingerprint)?.notAfter;
  const truststore: TruststoreView | undefined = ts && {
    uri: ts.uri,
    version: ts.pinnedVersion,
    versionCount: ts.versions.length,
    file: file(pinned?.file),
    certificates: (pinned?.subjects ?? []).map((subject, i) => {
      const fingerprint = pinned?.fingerprints[i] ?? '';
      return {subject, fingerprint, notAfter: expiry(fingerprint)};
    }),
    warnings: ts.warnings,
  };
  // The walkthrough's clients, then those added with `client add`.
  const added = Object.values(state.clients).filter((c) => !state.inputs.clients.some((i) => i.name === c.name));
  const clients = [...state.inputs.clients, ...added].map((input): ClientView => {
    const c = state.clients[input.name];
    return {
      name: input.name,
      issuer: input.issuer,
      created: Boolean(c?.certificate),
      subject: c?.subject,
      notAfter: c?.notAfter,
      certificate: file(c?.certificate),
      key: file(c?.key),
      passphraseFile: file(c?.passphraseFile),
      p12: Object.fromEntries(Object.entries(c?.p12 ?? {}).map(([kind, p]) => [kind, file(p) ?? p])),
      ...(c?.revokedAt ? {revokedAt: c.revokedAt} : {}),
    };
  });
  return {cas, truststore, clients};
}


export interface TreeLine {
  /** Drawing in front of the name, e.g. "│  └─ ". */
  readonly prefix: string;
  readonly ca: CaView;
}

/** The CAs as a tree in creation order: rootCA, ├─ intermediateCA0, └─ intermediateCA1, └─ intermediateCA2. */
export function caTree(cas: readonly CaView[]): TreeLine[] {
  const lines: TreeLine[] = [];
  const walk = (parent: string | null, indent: string) => {
    const children = cas.filter((c) => c.parent === parent);
    children.forEach((ca, i) => {
      const last = i === children.length - 1;
      lines.push({prefix: parent === null ? '' : `${indent}${last ? '└─ ' : '├─ '}`, ca});
      walk(ca.name, parent === null ? '' : `${indent}${last ? '   ' : '│  '}`);
    });
  };
  walk(null, '');
  return lines;
}
