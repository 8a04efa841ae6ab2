/**
 * The setup as a picture's model: the CA tree (name, pathLen, key, expiry, in the pinned truststore or not),
 * clients under their issuers (revoked ones marked), partner CAs marked, and the domain with its pinned version.
 * Pure data from the state and the certificate files; the SVG and Mermaid writers only draw it.
 */
import {readFile} from 'node:fs/promises';
import path from 'node:path';
import type {State} from '../state/schema.js';
import {certificatesIn} from '../explain/read.js';
import {pinnedVersion} from '../lifecycle/trust.js';

export interface CaNode {
  readonly name: string;
  readonly parent: string | null;
  /** null: no limit (or not created yet). */
  readonly pathLen: number | null;
  /** "EC P-256", "RSA 2048"; the chosen algorithm when the certificate is not there yet. */
  readonly key: string;
  /** yyyy-mm-dd; null when not created. */
  readonly expires: string | null;
  readonly inTruststore: boolean;
  readonly external: boolean;
  readonly created: boolean;
}

export interface ClientNode {
  readonly name: string;
  readonly issuer: string;
  readonly expires: string | null;
  /** yyyy-mm-dd when revoked. */
  readonly revoked: string | null;
}

export interface DiagramModel {
  readonly title: string;
  readonly cas: CaNode[];
  readonly clients: ClientNode[];
  readonly domain: {readonly name: string; readonly version: string | null} | null;
  /** At least 8 characters of the pinned version id; null when nothing is pinned. */
  readonly version: string | null;
}

const KEY_NAMES: Readonly<Record<string, string>> = {RSA_2048: 'RSA 2048', RSA_4096: 'RSA 4096', EC_prime256v1: 'EC P-256', EC_secp384r1: 'EC P-384'};

/** The version id as shown: whole when short, else its first 12 characters (at least the 8 the issue asks). */
export function shortVersion(id: string): string {
  return id.length > 12 ? id.slice(0, 12) : id;
}

export async function diagramModel(state: State, stateDir: string): Promise<DiagramModel> {
  const pinned = pinnedVersion(state);
  const trusted = new Set((pinned?.fingerprints ?? []).map((f) => f.toLowerCase().replace(/:/g, '')));
  const version = pinned ? shortVersion(pinned.versionId) : null;
  const names = [...state.inputs.cas.map((c) => c.name), ...Object.keys(state.cas).filter((n) => !state.inputs.cas.some((c) => c.name === n))];
  const cas: CaNode[] = [];
  for (const name of names) {
    const record = state.cas[name];
    const input = state.inputs.cas.find((c) => c.name === name);
    const key = (record?.certificate && (await keyOf(path.resolve(stateDir, record.certificate)))) || KEY_NAMES[state.inputs.keyAlgorithm] || state.inputs.keyAlgorithm;
    cas.push({
      name,
      parent: record?.parent ?? input?.parent ?? null,
      pathLen: record?.pathLen ?? null,
      key,
      expires: record?.notAfter?.slice(0, 10) ?? null,
      inTruststore: Boolean(record?.fingerprint && trusted.has(record.fingerprint.toLowerCase().replace(/:/g, ''))),
      external: record?.external === true,
      created: Boolean(record?.certificate),
    });
  }
  const clientNames = [...state.inputs.clients.map((c) => c.name), ...Object.keys(state.clients).filter((n) => !state.inputs.clients.some((c) => c.name === n))];
  const clients = clientNames.map((name) => {
    const record = state.clients[name];
    const input = state.inputs.clients.find((c) => c.name === name);
    return {name, issuer: record?.issuer ?? input?.issuer ?? '', expires: record?.notAfter?.slice(0, 10) ?? null, revoked: record?.revokedAt?.slice(0, 10) ?? null};
  });
  const domainName = state.domain?.name ?? state.inputs.domain;
  return {
    title: `mtls-wizard setup · ${state.backend} backend · walkthrough ${state.walkthroughId}`,
    cas,
    clients,
    domain: domainName ? {name: domainName, version} : null,
    version,
  };
}

async function keyOf(file: string): Promise<string | undefined> {
  try {
    return certificatesIn(new Uint8Array(await readFile(file))).certificates[0]?.keyDescription;
  } catch {
    return undefined;
  }
}
