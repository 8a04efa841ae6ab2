/**
 * Life with the setup, for client certificates: add, list, revoke, renew. Plain async functions over the
 * engine's pieces (a BackendContext from the session, the backend, the passphrase sources), so that the
 * `client` commands and the wizard's completion menu run the same code with the same inputs.
 *
 * Every operation is idempotent and resumable like a walkthrough step: it validates everything before it
 * changes anything, records a marker in the state before each create, and a re-run after a crash (kill -9
 * at any point) completes what was started without issuing or revoking anything twice.
 *
 * API Gateway checks no CRL and no OCSP: a revoked certificate still gets in until it expires or its CA
 * leaves the truststore. The results say so (REVOCATION_GAP), and how to close the gap.
 */
import {copyFile, mkdir, rm} from 'node:fs/promises';
import path from 'node:path';
import {isTrusted} from './trust.js';
import type {Backend, BackendContext} from '../backends/backend.js';
import {UserError} from '../errors.js';
import {REVOCATION_REASONS, type RevocationReason} from '../pki/revocation-reasons.js';
import type {Pkcs12Profile} from '../pki/pkcs12.js';
import type {ClientInput, ClientRecord, State} from '../state/schema.js';
import {commandLine} from '../util/invocation.js';
import {checkCaName, checkValidityDays, clientDnsName} from '../wizard/inputs.js';
import {ensurePkcs12} from '../wizard/pkcs12-export.js';
import type {Secrets} from '../wizard/step.js';
import {generatedPassphrasePath} from '../wizard/secrets.js';

const DAY = 86_400_000;

/** What every operation works with: the same pieces a walkthrough step gets. */
export interface LifecycleContext {
  readonly ctx: BackendContext;
  readonly backend: Backend;
  readonly secrets: Secrets;
}

export type ClientStatus = 'ACTIVE' | 'REVOKED' | 'EXPIRED';

export interface ClientSummary {
  readonly name: string;
  readonly issuer: string;
  /** Hex serial (lowercase, no colons); null before the certificate is issued. */
  readonly serial: string | null;
  readonly notAfter: string | null;
  /** null while the certificate is not issued yet. */
  readonly status: ClientStatus | null;
  /** Whether the issuer's chain up to its root is in the pinned truststore (else the client gets 403). */
  readonly trusted: boolean;
  readonly revokedAt?: string;
  readonly revocationReason?: string;
  /** Relative to the state dir. */
  readonly certificate?: string;
  readonly key?: string;
}

/** The first sentence of REVOCATION_GAP: what a one-line result says (the wizard's menu). */
export const REVOCATION_NOT_CHECKED =
  'API Gateway checks no CRL and no OCSP: this certificate keeps working until it expires or its CA is retired from the truststore (`truststore remove`).';

/** Said with every revocation: API Gateway does not enforce it. */
export const REVOCATION_GAP =
  `${REVOCATION_NOT_CHECKED} ` +
  'To enforce revocation, put a Lambda REQUEST authorizer in front that checks the client certificate (requestContext.identity.clientCert.clientCertPem) against the issuer\'s CRL and denies listed serials (TTL 0). ' +
  'The local gateway shows both: default = API Gateway; --check-revocation = such an authorizer.';

// ---------------------------------------------------------------- list

/** True when every CA from the issuer up to its root is in the pinned truststore version (lifecycle/trust.ts decides). */
export function issuerTrusted(state: State, issuer: string): boolean {
  return isTrusted(state, issuer);
}

export function clientStatus(client: ClientRecord, now: Date): ClientStatus | null {
  if (!client.certificate || !client.serial) return null;
  if (client.revokedAt) return 'REVOKED';
  if (client.notAfter && Date.parse(client.notAfter) < now.getTime()) return 'EXPIRED';
  return 'ACTIVE';
}

/** Client names in a stable order: the walkthrough's first, then those added later. */
export function clientNames(state: State): string[] {
  const names = state.inputs.clients.map((c) => c.name);
  for (const name of Object.keys(state.clients)) if (!names.includes(name)) names.push(name);
  return names;
}

export function summarizeClient(state: State, name: string, now: Date): ClientSummary {
  const c = state.clients[name];
  const issuer = c?.issuer ?? state.inputs.clients.find((i) => i.name === name)?.issuer ?? '';
  return {
    name,
    issuer,
    serial: c?.certificate ? (c.serial ?? null) : null,
    notAfter: c?.certificate ? (c.notAfter ?? null) : null,
    status: c ? clientStatus(c, now) : null,
    trusted: issuerTrusted(state, issuer),
    ...(c?.revokedAt ? {revokedAt: c.revokedAt, revocationReason: c.revocationReason ?? 'unspecified'} : {}),
    ...(c?.certificate ? {certificate: c.certificate} : {}),
    ...(c?.key ? {key: c.key} : {}),
  };
}

/** Every client with issuer, serial, notAfter, status and trusted. */
export function listClients(state: State, now: Date = new Date()): ClientSummary[] {
  return clientNames(state).map((name) => summarizeClient(state, name, now));
}

// ---------------------------------------------------------------- add

export interface AddClientInput {
  readonly name: string;
  /** Default: the issuer of the most recently added client. */
  readonly issuer?: string;
  /** Default: the walkthrough's client validity. */
  readonly validityDays?: number;
}

export interface ClientFiles {
  readonly certificate: string;
  readonly key: string;
  readonly p12: Record<Pkcs12Profile, string>;
  /** The generated passphrase's 0600 file, when the passphrase was generated. */
  readonly passphraseFile?: string;
}

export interface AddClientResult {
  readonly client: ClientSummary;
  readonly files: ClientFiles;
  /** How a printed command refers to the passphrase without showing it. */
  readonly passphraseDisplay: string;
}

/**
 * The issuer of the most recently added client. state.clients keeps insertion order (a renewal replaces a
 * record in place), so the last issued entry is the last one added; the walkthrough's last client otherwise.
 */
export function defaultIssuer(state: State): string | undefined {
  const issued = Object.values(state.clients).filter((c) => c.certificate);
  return issued.at(-1)?.issuer ?? state.inputs.clients.at(-1)?.issuer;
}

/** The validity `client add` gives without --validity-days: the walkthrough's client validity. */
export const defaultClientValidityDays = (state: State): number => state.inputs.clients[0]?.validityDays ?? 365;

const bad = (field: string, what: string, why: string, fix: string) => new UserError({what, why, fix, field}, 2);

/** The checks of `client add`, all made before anything changes. */
export function checkAddClient(state: State, input: AddClientInput): ClientInput {
  const rule = checkCaName(input.name);
  if (rule) throw bad('name', `bad client name "${input.name}"`, `a client name ${rule}`, 'e.g. `client add client3`');
  const taken = [...state.inputs.clients.map((c) => c.name), ...Object.keys(state.clients), ...state.inputs.cas.map((c) => c.name), ...Object.keys(state.cas)];
  const existing = state.clients[input.name];
  // A client whose add was interrupted (no PKCS#12 yet) is finished by a re-run, not refused.
  const interrupted = existing && !state.inputs.clients.some((c) => c.name === input.name) && !(existing.certificate && existing.p12);
  if (!interrupted && taken.some((n) => n.toLowerCase() === input.name.toLowerCase())) {
    throw bad('name', `cannot add client ${input.name}`, `the name ${input.name} is already taken by a client or CA of this walkthrough`, 'choose another name (`client list` shows the clients)');
  }
  if (!state.truststore?.pinnedVersion) {
    throw new UserError({what: `cannot add client ${input.name}`, why: 'mTLS is not set up yet (no truststore is pinned)', fix: 'finish the walkthrough first (`run`)'});
  }
  const issuer = input.issuer ?? (interrupted ? existing.issuer : defaultIssuer(state));
  if (!issuer) throw bad('issuer', `cannot add client ${input.name}`, 'there is no client to take the default issuer from', 'pass --issuer CA');
  const ca = state.cas[issuer];
  if (!ca?.certificate) {
    const known = Object.values(state.cas).filter((c) => c.certificate).map((c) => c.name);
    throw bad('issuer', `unknown issuer "${issuer}"`, `no CA of this walkthrough has that name (known: ${known.join(', ') || 'none yet'})`, `pass --issuer with one of them`);
  }
  if (!ca.key && !ca.arn) {
    throw bad('issuer', `cannot issue from ${issuer}`, `${issuer} is a partner's CA: its private key is not here`, "ask the partner to issue the client, or pick one of this walkthrough's CAs with --issuer");
  }
  if (!issuerTrusted(state, issuer)) {
    throw bad('issuer', `cannot add client ${input.name} under ${issuer}`, `the chain of ${issuer} up to its root is not in the pinned truststore, so such a client could never connect (403)`, `add the chain first: \`mtls-wizard truststore add ${ca.chain ?? ca.certificate}\`, or pick another --issuer`);
  }
  const validityDays = input.validityDays ?? defaultClientValidityDays(state);
  const validityRule = checkValidityDays(validityDays);
  if (validityRule) throw bad('validity-days', `bad value for --validity-days: ${validityDays}`, `it ${validityRule}`, '--validity-days 365');
  return {name: input.name, issuer, commonName: input.name, dnsName: clientDnsName(input.name, state.inputs.domain), validityDays};
}

/** Issues the certificate (backend), records the passphrase file, writes both PKCS#12 files. */
async function issue(lc: LifecycleContext, input: ClientInput): Promise<{files: ClientFiles; passphraseDisplay: string}> {
  const {ctx} = lc;
  const passphrase = await lc.secrets.passphrase(ctx, input.name);
  const record = await lc.backend.ensureClient(ctx, input, passphrase.value);
  let passphraseFile: string | undefined;
  if (passphrase.generatedFile) {
    passphraseFile = path.relative(ctx.stateDir, passphrase.generatedFile);
    if (ctx.state().clients[input.name]?.passphraseFile !== passphraseFile) {
      await ctx.update((draft) => {
        const client = draft.clients[input.name];
        if (client) client.passphraseFile = passphraseFile;
      });
    }
  }
  const p12 = await ensurePkcs12(ctx, input.name, passphrase.value);
  return {files: {certificate: record.certificate!, key: record.key!, p12, ...(passphraseFile ? {passphraseFile} : {})}, passphraseDisplay: passphrase.display};
}

/** `client add`: a client certificate issued as the walkthrough issues them, with both PKCS#12 files. */
export async function addClient(lc: LifecycleContext, input: AddClientInput): Promise<AddClientResult> {
  const clientInput = checkAddClient(lc.ctx.state(), input);
  const issued = await issue(lc, clientInput);
  lc.ctx.log(`issued ${clientInput.name} from ${clientInput.issuer} (clientAuth, SAN ${clientInput.dnsName}); key encrypted with the passphrase`);
  return {client: summarizeClient(lc.ctx.state(), clientInput.name, lc.ctx.now()), files: issued.files, passphraseDisplay: issued.passphraseDisplay};
}

/** The name `client add` proposes: the first free client1, client2, … (free as checkAddClient sees it). */
export function nextClientName(state: State): string {
  const taken = new Set([...state.inputs.clients.map((c) => c.name), ...Object.keys(state.clients), ...state.inputs.cas.map((c) => c.name), ...Object.keys(state.cas)].map((n) => n.toLowerCase()));
  for (let n = 1; ; n++) if (!taken.has(`client${n}`)) return `client${n}`;
}

/**
 * Every CA with a certificate, each with the reason `client add` would refuse it as issuer (undefined: it
 * can issue), in the state's order. The reasons are checkAddClient's own, for a name that passes.
 */
export function issuerChoices(state: State, name: string): Array<{name: string; refusal?: string}> {
  return Object.values(state.cas)
    .filter((ca) => ca.certificate)
    .map((ca) => {
      try {
        checkAddClient(state, {name, issuer: ca.name});
        return {name: ca.name};
      } catch (error) {
        if (!(error instanceof UserError) || error.field !== 'issuer') throw error;
        return {name: ca.name, refusal: error.why ?? error.message};
      }
    });
}

// ---------------------------------------------------------------- revoke

/** The confirmation `client revoke` asks (and the wizard's menu). */
export const revokeQuestion = (name: string, serial: string | undefined) => `Revoke ${name} (serial ${serial})?`;

/** How to watch a revoked certificate still get in, then be refused (local backend). */
export const seeRevocation = () => `see it: \`${commandLine('connect')}\` (still 200) and \`${commandLine('connect --check-revocation')}\` (403)`;

export interface RevokeClientInput {
  readonly name: string;
  /** Default unspecified. */
  readonly reason?: string;
}

export interface RevokeClientResult {
  readonly client: ClientSummary;
  /** True when it was revoked before: nothing was sent or signed again. */
  readonly alreadyRevoked: boolean;
  /** The issuing CA's CRL (relative to the state dir), when a CA made here signed one. */
  readonly crl?: string;
  /** API Gateway does not check revocation: what that means and how to close the gap. */
  readonly gap: string;
}

export function checkReason(reason: string): RevocationReason {
  if (!(REVOCATION_REASONS as readonly string[]).includes(reason)) {
    throw bad('reason', `bad value for --reason: "${reason}"`, `it must be one of ${REVOCATION_REASONS.join(', ')}`, '--reason keyCompromise');
  }
  return reason as RevocationReason;
}

function issuedClient(state: State, name: string, command: string): ClientRecord {
  const client = state.clients[name];
  if (!client?.certificate || !client.serial) {
    const known = listClients(state).filter((c) => c.serial).map((c) => c.name);
    throw bad('name', `cannot ${command} client "${name}"`, client ? `${name} has no certificate yet` : `there is no client of that name (known: ${known.join(', ') || 'none'})`, client ? 'finish issuing it first (`run`, or `client add` again)' : '`client list` shows the clients');
  }
  return client;
}

/** `client revoke`: recorded, and a CRL signed by the issuer (CAs made here) or RevokeCertificate (Private CA). */
export async function revokeClient(lc: LifecycleContext, input: RevokeClientInput): Promise<RevokeClientResult> {
  const {ctx} = lc;
  const reason = checkReason(input.reason ?? 'unspecified');
  const client = issuedClient(ctx.state(), input.name, 'revoke');
  const crlOf = () => ctx.state().cas[client.issuer]?.crl;
  if (client.revokedAt) {
    ctx.log(`${input.name} was already revoked on ${client.revokedAt} (${client.revocationReason ?? 'unspecified'}): nothing to do`);
    return {client: summarizeClient(ctx.state(), input.name, ctx.now()), alreadyRevoked: true, ...(crlOf() ? {crl: crlOf()} : {}), gap: REVOCATION_GAP};
  }
  const result = await lc.backend.revokeCertificate(ctx, {issuer: client.issuer, serial: client.serial!, reason});
  const recorded = ctx.state().cas[client.issuer]?.revoked?.find((r) => r.serial === client.serial!.toLowerCase());
  await ctx.update((draft) => {
    const c = draft.clients[input.name]!;
    c.revokedAt = recorded?.revokedAt ?? ctx.now().toISOString();
    c.revocationReason = recorded?.reason ?? reason;
  });
  ctx.log(`revoked ${input.name} (serial ${client.serial}, ${reason})`);
  return {client: summarizeClient(ctx.state(), input.name, ctx.now()), alreadyRevoked: false, ...(result.crl ? {crl: result.crl} : {}), gap: REVOCATION_GAP};
}

// ---------------------------------------------------------------- renew

export interface RenewClientInput {
  readonly name: string;
}

export interface RenewClientResult {
  readonly client: ClientSummary;
  readonly previousSerial: string;
  /** Where the replaced files are kept until the next renew (relative to the state dir). */
  readonly previousDir: string;
  readonly files: ClientFiles;
  readonly passphraseDisplay: string;
  /** The replaced certificate was revoked as superseded now (false: it had been revoked before). */
  readonly revokedPrevious: boolean;
  readonly crl?: string;
}

/** The confirmation `client renew` asks (and the wizard's menu). */
export const renewQuestion = (name: string) =>
  `Renew ${name}? A new key and certificate replace the current ones (kept in clients/${name}/previous/), and the current certificate is revoked as superseded.`;

export const previousDir = (name: string) => path.join('clients', name, 'previous');

/** Copies the current files of a client into clients/<name>/previous/ (replacing an older previous set). */
async function keepPrevious(ctx: BackendContext, client: ClientRecord, withPassphrase: boolean): Promise<void> {
  const abs = (p: string) => path.join(ctx.stateDir, p);
  const dir = previousDir(client.name);
  await rm(abs(dir), {recursive: true, force: true});
  await mkdir(abs(dir), {recursive: true, mode: 0o700});
  const files = [client.certificate, client.key, ...Object.values(client.p12 ?? {}), ...(withPassphrase ? [client.passphraseFile] : [])].filter((f): f is string => Boolean(f));
  for (const file of files) {
    // Copy to a temp name then rename would be overkill: a crash here repeats the copy (the marker is not written yet).
    await copyFile(abs(file), path.join(abs(dir), path.basename(file)));
  }
}

/**
 * `client renew`: a new key and certificate with the same name and issuer and a new serial; the old files
 * kept in clients/<name>/previous/; the old certificate revoked as superseded. A revoked client comes
 * back active. The `renewal` marker in the state makes a re-run after a crash finish the same renewal.
 */
export async function renewClient(lc: LifecycleContext, input: RenewClientInput): Promise<RenewClientResult> {
  const {ctx} = lc;
  let record = ctx.state().clients[input.name];
  if (!record?.renewal) {
    const client = issuedClient(ctx.state(), input.name, 'renew');
    const ca = ctx.state().cas[client.issuer];
    if (!ca?.key && !ca?.arn) throw bad('name', `cannot renew ${input.name}`, `its issuer ${client.issuer} is a partner's CA: its key is not here`, 'ask the partner to issue a new certificate');
    // The passphrase of the existing key is found (or asked for) before anything changes; the new key gets it too.
    const passphrase = await lc.secrets.passphrase(ctx, input.name);
    // One given now (flag, environment) replaces a generated one: that file goes to previous/ with the old key.
    const dropGenerated = !passphrase.generatedFile && Boolean(client.passphraseFile);
    const days = client.notBefore && client.notAfter ? Math.max(1, Math.round((Date.parse(client.notAfter) - Date.parse(client.notBefore)) / DAY)) : (ctx.state().inputs.clients[0]?.validityDays ?? 365);
    await keepPrevious(ctx, client, dropGenerated);
    await ctx.update((draft) => {
      const c = draft.clients[input.name]!;
      const marker = {serial: c.serial!, ...(c.arn ? {arn: c.arn} : {}), validityDays: days, revoked: Boolean(c.revokedAt), startedAt: ctx.now().toISOString()};
      // The key path and passphrase file stay; what describes the old certificate goes (the marker keeps its serial).
      draft.clients[input.name] = {name: c.name, issuer: c.issuer, dnsName: c.dnsName, ...(c.key ? {key: c.key} : {}), ...(c.passphraseFile && !dropGenerated ? {passphraseFile: c.passphraseFile} : {}), renewal: marker};
    });
    ctx.log(`renewing ${input.name}: the current files are kept in ${previousDir(input.name)}/`);
    record = ctx.state().clients[input.name]!;
  } else {
    ctx.log(`finishing the renewal of ${input.name} started ${record.renewal.startedAt}`);
  }
  const marker = record.renewal!;
  const clientInput: ClientInput = {name: record.name, issuer: record.issuer, commonName: record.name, dnsName: record.dnsName, validityDays: marker.validityDays};
  const issued = await issue(lc, clientInput);
  // A generated passphrase file that no longer fits the key (a passphrase was given for the renewal) is not left beside it.
  if (!issued.files.passphraseFile) await rm(path.join(ctx.stateDir, generatedPassphrasePath(input.name)), {force: true});
  let crl: string | undefined;
  if (!marker.revoked) {
    const result = await lc.backend.revokeCertificate(ctx, {issuer: record.issuer, serial: marker.serial, reason: 'superseded'});
    crl = result.crl;
    await ctx.update((draft) => {
      draft.clients[input.name]!.renewal!.revoked = true;
    });
  }
  await ctx.update((draft) => {
    delete draft.clients[input.name]!.renewal;
  });
  const now = ctx.state().clients[input.name]!;
  ctx.log(`renewed ${input.name}: serial ${marker.serial} → ${now.serial}; the old certificate ${marker.revoked ? 'was already revoked' : 'is revoked as superseded'}`);
  return {
    client: summarizeClient(ctx.state(), input.name, ctx.now()),
    previousSerial: marker.serial,
    previousDir: previousDir(input.name),
    files: issued.files,
    passphraseDisplay: issued.passphraseDisplay,
    revokedPrevious: !marker.revoked,
    ...(crl ? {crl} : {}),
  };
}
