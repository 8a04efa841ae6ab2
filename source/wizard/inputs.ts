/**
 * The walkthrough's inputs: defaults that follow the article, and the rules each input must meet.
 * Every rule returns the broken rule as a sentence, so flags, --config, prompts and the UI share one wording.
 */
import type {CaInput, ClientInput, Inputs, KeyAlgorithm} from '../state/schema.js';
import {KEY_ALGORITHMS} from '../state/constants.js';

export const DEFAULTS = {
  keyAlgorithm: 'EC_prime256v1' as KeyAlgorithm,
  domain: 'api.mtls.test',
  resourcePath: '/hoge/auth',
  caNames: ['rootCA', 'intermediateCA0', 'intermediateCA1', 'intermediateCA2'] as const,
  clientNames: ['client1', 'client2'] as const,
  rootValidityDays: 3650,
  intermediateValidityDays: 1825,
  clientValidityDays: 395,
  port: 8443,
};

/** The hierarchy's shape: who issues whom. Names are inputs; the shape is the article's. */
export interface NameSet {
  readonly root: string;
  readonly intermediate0: string;
  readonly intermediate1: string;
  readonly intermediate2: string;
  readonly client1: string;
  readonly client2: string;
}

export interface InputChoices {
  keyAlgorithm: KeyAlgorithm;
  domain: string;
  resourcePath: string;
  names: NameSet;
  rootValidityDays: number;
  intermediateValidityDays: number;
  clientValidityDays: number;
  port: number;
  prefix: string;
  lessons: boolean;
  region?: string;
  profile?: string;
  bucket?: string;
  clientCertMode?: 'csr' | 'acm';
  hostedZoneId?: string;
  caSource?: CaSource;
}

export function defaultChoices(): InputChoices {
  const [root, intermediate0, intermediate1, intermediate2] = DEFAULTS.caNames;
  const [client1, client2] = DEFAULTS.clientNames;
  return {
    keyAlgorithm: DEFAULTS.keyAlgorithm,
    domain: DEFAULTS.domain,
    resourcePath: DEFAULTS.resourcePath,
    names: {root, intermediate0, intermediate1, intermediate2, client1, client2},
    rootValidityDays: DEFAULTS.rootValidityDays,
    intermediateValidityDays: DEFAULTS.intermediateValidityDays,
    clientValidityDays: DEFAULTS.clientValidityDays,
    port: DEFAULTS.port,
    prefix: '',
    lessons: false,
  };
}

/** Client SAN: the client's name under the domain's parent (api.mtls.test → client1.mtls.test). */
export function clientDnsName(client: string, domain: string): string {
  const labels = domain.split('.');
  const parent = labels.length > 2 ? labels.slice(1).join('.') : domain;
  return `${client.toLowerCase().replace(/[^a-z0-9-]/g, '-')}.${parent}`;
}

/** With a workshop prefix, the domain's first label carries it too (api.mtls.test → alice-api.mtls.test). */
export function prefixedDomain(domain: string, prefix: string): string {
  if (!prefix) return domain;
  const [first, ...rest] = domain.split('.');
  return [`${prefix}-${first}`, ...rest].join('.');
}

/** Builds the stored Inputs from validated choices. */
export function buildInputs(c: InputChoices): Inputs {
  const p = (name: string) => (c.prefix ? `${c.prefix}-${name}` : name);
  const n = c.names;
  const domain = prefixedDomain(c.domain, c.prefix);
  const cas: CaInput[] = [
    {name: p(n.root), parent: null, commonName: p(n.root), validityDays: c.rootValidityDays},
    {name: p(n.intermediate0), parent: p(n.root), commonName: p(n.intermediate0), validityDays: c.intermediateValidityDays},
    {name: p(n.intermediate1), parent: p(n.root), commonName: p(n.intermediate1), validityDays: c.intermediateValidityDays},
    {name: p(n.intermediate2), parent: p(n.intermediate1), commonName: p(n.intermediate2), validityDays: c.intermediateValidityDays},
  ];
  const clients: ClientInput[] = [
    {name: p(n.client1), issuer: p(n.intermediate0), commonName: p(n.client1), dnsName: clientDnsName(p(n.client1), domain), validityDays: c.clientValidityDays},
    {name: p(n.client2), issuer: p(n.intermediate2), commonName: p(n.client2), dnsName: clientDnsName(p(n.client2), domain), validityDays: c.clientValidityDays},
  ];
  const inputs: Inputs = {
    keyAlgorithm: c.keyAlgorithm,
    domain,
    resourcePath: c.resourcePath,
    cas,
    clients,
    port: c.port,
    prefix: c.prefix,
    lessons: c.lessons,
  };
  if (c.region) inputs.region = c.region;
  if (c.profile) inputs.profile = c.profile;
  if (c.bucket) inputs.bucket = c.bucket;
  if (c.clientCertMode) inputs.clientCertMode = c.clientCertMode;
  if (c.hostedZoneId) inputs.hostedZoneId = c.hostedZoneId;
  if (c.caSource) inputs.caSource = c.caSource;
  return inputs;
}

/** Where the CA hierarchy lives: AWS Private CA, or key and certificate files on this machine. */
export type CaSource = 'pca' | 'local';
export const CA_SOURCES: readonly CaSource[] = ['pca', 'local'];

/** The CA source a walkthrough uses: always local on the local backend; on aws what was chosen, else Private CA. */
export function caSourceOf(state: {backend: 'local' | 'aws'; inputs: Inputs}): CaSource {
  return state.backend === 'local' ? 'local' : (state.inputs.caSource ?? 'pca');
}

/** How many keys the walkthrough of these inputs makes with its key algorithm: one per CA and one per client. */
export function keysFor(inputs: Inputs): number {
  return inputs.cas.length + inputs.clients.length;
}

/** pathLen of a CA: how many CA levels may sit below it (null for the root: no limit, as AWS's root template). */
export function pathLenFor(inputs: Inputs, caName: string): number | null {
  const ca = inputs.cas.find((c) => c.name === caName);
  if (!ca || ca.parent === null) return null;
  const depthBelow = (name: string): number => {
    const children = inputs.cas.filter((c) => c.parent === name);
    return children.length === 0 ? 0 : 1 + Math.max(...children.map((c) => depthBelow(c.name)));
  };
  return depthBelow(caName);
}

// ---- rules ----------------------------------------------------------------------------------

export function checkDomain(value: string): string | undefined {
  if (value.length === 0) return 'must not be empty';
  if (value.length > 253) return 'must be at most 253 characters';
  if (value.includes('_')) return 'must not contain underscores (letters, digits, hyphens and dots only)';
  const labels = value.split('.');
  if (labels.length < 2) return 'must be a DNS name with at least two labels, e.g. api.example.com';
  for (const label of labels) {
    if (label.length === 0) return 'must not have an empty label (two dots in a row, or a leading or trailing dot)';
    if (label.length > 63) return 'each label must be at most 63 characters';
    if (!/^[A-Za-z0-9-]+$/.test(label)) return 'labels may hold only letters, digits and hyphens';
    if (label.startsWith('-') || label.endsWith('-')) return 'a label must not start or end with a hyphen';
  }
  if (/^[0-9]+$/.test(labels[labels.length - 1] ?? '')) return 'must be a DNS name, not an IP address';
  return undefined;
}

export function checkResourcePath(value: string): string | undefined {
  if (!value.startsWith('/')) return 'must start with /, e.g. /hoge/auth';
  if (value.length > 200) return 'must be at most 200 characters';
  const parts = value.split('/').slice(1);
  if (parts.some((p) => p.length === 0)) return 'must not have empty segments or a trailing /';
  if (parts.some((p) => !/^[A-Za-z0-9._-]+$/.test(p))) return 'segments may hold only letters, digits, ".", "_" and "-"';
  return undefined;
}

export function checkCaName(value: string): string | undefined {
  if (value.length === 0) return 'must not be empty';
  if (value.length > 64) return 'must be at most 64 characters (the certificate common name limit)';
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(value)) return 'must start with a letter or digit and hold only letters, digits, "-" and "_"';
  return undefined;
}

export function checkValidityDays(value: number): string | undefined {
  if (!Number.isInteger(value)) return 'must be a whole number of days';
  if (value < 1) return 'must be at least 1 day';
  if (value > 36500) return 'must be at most 36500 days (100 years)';
  return undefined;
}

export function checkKeyAlgorithm(value: string): string | undefined {
  return (KEY_ALGORITHMS as readonly string[]).includes(value) ? undefined : `must be one of ${KEY_ALGORITHMS.join(', ')}`;
}

export function checkPort(value: number): string | undefined {
  return Number.isInteger(value) && value >= 1 && value <= 65535 ? undefined : 'must be a whole number from 1 to 65535';
}

export function checkPrefix(value: string): string | undefined {
  if (value === '') return undefined;
  if (value.length > 20) return 'must be at most 20 characters';
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(value)) return 'must hold only lowercase letters, digits and inner hyphens (it becomes part of bucket and domain names)';
  return undefined;
}

/** Checks the choices as a whole; returns [field, rule] of the first problem. */
export function checkChoices(c: InputChoices): [string, string] | undefined {
  const checks: [string, string | undefined][] = [
    ['key-algorithm', checkKeyAlgorithm(c.keyAlgorithm)],
    ['domain', checkDomain(c.domain)],
    ['resource-path', checkResourcePath(c.resourcePath)],
    ['root-validity-days', checkValidityDays(c.rootValidityDays)],
    ['intermediate-validity-days', checkValidityDays(c.intermediateValidityDays)],
    ['client-validity-days', checkValidityDays(c.clientValidityDays)],
    ['port', checkPort(c.port)],
    ['prefix', checkPrefix(c.prefix)],
  ];
  for (const [field, value] of Object.entries(c.names)) checks.push([field === 'root' || field.startsWith('inter') ? 'ca-names' : 'client-names', checkCaName(value)]);
  for (const [field, rule] of checks) if (rule) return [field, rule];
  const withPrefix = checkDomain(prefixedDomain(c.domain, c.prefix));
  if (withPrefix) return ['prefix', `makes the domain ${prefixedDomain(c.domain, c.prefix)}, which ${withPrefix}`];
  const longest = Object.values(c.names).reduce((a, b) => (a.length >= b.length ? a : b));
  if (c.prefix && checkCaName(`${c.prefix}-${longest}`)) return ['prefix', `makes the name ${c.prefix}-${longest}, which ${checkCaName(`${c.prefix}-${longest}`)}`];
  const names = Object.values(c.names);
  if (new Set(names.map((n) => n.toLowerCase())).size !== names.length) return ['ca-names', 'every CA and client name must be different'];
  if (c.intermediateValidityDays > c.rootValidityDays) return ['intermediate-validity-days', `must not be longer than the root CA's ${c.rootValidityDays} days (a child never outlives its parent)`];
  if (c.clientValidityDays > c.intermediateValidityDays) return ['client-validity-days', `must not be longer than the issuing CA's ${c.intermediateValidityDays} days (a child never outlives its parent)`];
  return undefined;
}
