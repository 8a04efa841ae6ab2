/**
 * `truststore add FILE` and `truststore remove CA` as engine operations, shared by the commands and the
 * wizard: plan (pure, refuses bad input before anything changes), then check, store a new version and pin it
 * through the backend interface, as part B does. Safe under kill -9: the upload is named by an operation id
 * derived from the pinned version and the new bundle, and uploadTruststore saves its token
 * (truststore.pendingUpload) before the upload, so a re-run finds the version it made instead of adding one.
 * The caller holds the state lock.
 */
import {readFile} from 'node:fs/promises';
import path from 'node:path';
import type {Backend, BackendContext} from '../backends/backend.js';
import {LOCAL} from '../backends/local/layout.js';
import {UserError} from '../errors.js';
import type {CaRecord} from '../state/schema.js';
import {writePublicFile} from '../util/fs.js';
import {readStateFile} from '../wizard/chains.js';
import {pinnedVersion, trustedCas} from './trust.js';
import {type AddPlan, type NamedCertificate, type RemovePlan, planPartnerAdd, planRemove} from './truststore-plan.js';

export interface TruststoreChange {
  readonly uri: string;
  /** The version pinned before, and the one pinned now (the same when nothing changed). */
  readonly previousVersion: string;
  readonly version: string;
  /** What API Gateway (or the local gateway) reported when the domain was pinned. */
  readonly warnings: readonly string[];
}

export interface AddResult extends TruststoreChange {
  readonly file: string;
  readonly added: readonly NamedCertificate[];
  readonly alreadyPresent: readonly NamedCertificate[];
  /** CAs recorded in state by this run, as `external: true`. */
  readonly recorded: readonly string[];
}

export interface RemoveResult extends TruststoreChange {
  readonly ca: string;
  readonly removed: readonly NamedCertificate[];
  /** Clients that are no longer trusted. */
  readonly untrustedClients: readonly string[];
  /** False when the person declined the confirmation (nothing changed). */
  readonly confirmed: boolean;
}

/** The pinned bundle; refuses when the walkthrough has not pinned a truststore yet. */
export async function readPinnedBundle(ctx: BackendContext): Promise<{pem: string; uri: string; versionId: string}> {
  const state = ctx.state();
  const pinned = pinnedVersion(state);
  if (!state.truststore || !pinned) {
    throw new UserError({what: 'cannot change the truststore', why: 'no truststore is pinned to the custom domain yet', fix: 'run the walkthrough up to the mtls step first (`mtls-wizard run --until mtls`)'});
  }
  return {pem: await readStateFile(ctx.stateDir, pinned.file, 'pinned truststore'), uri: state.truststore.uri, versionId: pinned.versionId};
}

/** Reads the partner's PEM file; a missing or unreadable file is one clear error. */
export async function readChainFile(file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (code ?? (error as Error).message);
    throw new UserError({what: `cannot read ${file}`, why, fix: 'give the path of a PEM file holding the partner\u2019s CA chain', field: 'FILE'});
  }
}

/** Plans `truststore add` against the current state (used by the command and by the wizard's form to validate). */
export async function planAdd(ctx: BackendContext, file: string): Promise<AddPlan> {
  const pinned = await readPinnedBundle(ctx);
  return planPartnerAdd(ctx.state(), pinned.pem, await readChainFile(file), file, ctx.now());
}

/** Plans `truststore remove`; the confirmation shows it before anything changes. */
export async function planRetire(ctx: BackendContext, ca: string): Promise<RemovePlan> {
  const pinned = await readPinnedBundle(ctx);
  return planRemove(ctx.state(), pinned.pem, ca, ctx.now());
}

/** Uploads the bundle once for this operation (a version it already made is reused) and pins the domain to it. */
async function storeAndPin(ctx: BackendContext, backend: Backend, bundle: string, operation: string, warnings: readonly {message: string}[]): Promise<TruststoreChange> {
  const before = await readPinnedBundle(ctx);
  for (const w of warnings) ctx.log(`truststore check: ${w.message}`, 'warn');
  const existing = ctx.state().truststore?.versions.find((v) => v.step === operation);
  if (existing) ctx.log(`version ${existing.versionId} was already stored by an interrupted run: reusing it`);
  const version = existing ?? (await backend.uploadTruststore(ctx, bundle, operation));
  const pinned = await backend.pinTruststore(ctx, version.versionId);
  for (const w of pinned.warnings) ctx.log(`truststore warning: ${w}`, 'warn');
  ctx.log(`custom domain pinned to truststore version ${version.versionId}`);
  return {uri: before.uri, previousVersion: before.versionId, version: version.versionId, warnings: pinned.warnings};
}

/** `truststore add FILE`: the partner's chain joins the truststore; its CAs are recorded as external. */
export async function addPartnerChain(ctx: BackendContext, backend: Backend, file: string): Promise<AddResult> {
  const plan = await planAdd(ctx, file);
  for (const c of plan.alreadyPresent) ctx.log(`${c.subject} (${c.name}) is already in the truststore: skipped`);
  for (const c of plan.added) ctx.log(`adding ${c.subject} as ${c.name}`);
  let change: TruststoreChange;
  if (plan.added.length === 0) {
    const pinned = await readPinnedBundle(ctx);
    ctx.log('nothing to add: every certificate of the chain is already in the truststore');
    change = {uri: pinned.uri, previousVersion: pinned.versionId, version: pinned.versionId, warnings: ctx.state().truststore?.warnings ?? []};
  } else {
    change = await storeAndPin(ctx, backend, plan.bundle, plan.operation, plan.warnings);
  }
  // After the pin: a crash before this line leaves the chain in the truststore, and a re-run records it here.
  const recorded = await recordExternal(ctx, plan);
  return {...change, file, added: plan.added, alreadyPresent: plan.alreadyPresent, recorded};
}

/** Writes each new CA's certificate and chain under the state dir and records it (no key, no ARN). */
async function recordExternal(ctx: BackendContext, plan: AddPlan): Promise<string[]> {
  const fresh = plan.chain.filter((c) => c.isNew && !Object.values(ctx.state().cas).some((r) => r.fingerprint === c.fingerprint));
  const byName = new Map(plan.chain.map((c) => [c.name, c]));
  const chainOf = (name: string): string => {
    const parts: string[] = [];
    for (let c = byName.get(name); c; c = c.parent === null ? undefined : byName.get(c.parent)) parts.push(c.cert.pem);
    return parts.join('');
  };
  const records: CaRecord[] = [];
  for (const ca of fresh) {
    await writePublicFile(path.join(ctx.stateDir, LOCAL.caCertificate(ca.name)), ca.cert.pem);
    await writePublicFile(path.join(ctx.stateDir, LOCAL.caChain(ca.name)), chainOf(ca.name));
    records.push({
      name: ca.name,
      parent: ca.parent,
      pathLen: ca.cert.selfSigned ? null : ca.cert.pathLen,
      certificate: LOCAL.caCertificate(ca.name),
      chain: LOCAL.caChain(ca.name),
      subject: ca.subject,
      serial: ca.cert.serial.toLowerCase(),
      fingerprint: ca.fingerprint,
      notBefore: ca.cert.notBefore.toISOString(),
      notAfter: ca.cert.notAfter.toISOString(),
      status: 'ACTIVE',
      external: true,
    });
  }
  if (records.length > 0) {
    await ctx.update((d) => {
      for (const r of records) d.cas[r.name] = r;
    });
    for (const r of records) ctx.log(`recorded ${r.name} (${r.subject}) as a partner CA: certificate ${r.certificate}, no key`);
  }
  return records.map((r) => r.name);
}

/**
 * `truststore remove CA`: a new version without the CA and every CA below it, then re-pin. `confirm` is shown
 * the plan (every CA removed, every client cut off) and may decline; nothing changes before it agrees.
 * A CA already out of the pinned truststore is done (a re-run after a crash completes).
 */
export async function retireCa(ctx: BackendContext, backend: Backend, ca: string, confirm: (plan: RemovePlan) => Promise<boolean>): Promise<RemoveResult> {
  const plan = await planRetire(ctx, ca);
  const pinned = await readPinnedBundle(ctx);
  const unchanged = {uri: pinned.uri, previousVersion: pinned.versionId, version: pinned.versionId, warnings: ctx.state().truststore?.warnings ?? [], ca, removed: [], untrustedClients: untrustedClients(ctx)};
  if (plan.removed.length === 0) {
    ctx.log(`${ca} is not in the pinned truststore (version ${pinned.versionId}): nothing to remove`);
    return {...unchanged, confirmed: true};
  }
  if (!(await confirm(plan))) return {...unchanged, confirmed: false};
  for (const r of plan.removed) ctx.log(`removing ${r.name} (${r.subject})`);
  const change = await storeAndPin(ctx, backend, plan.bundle, plan.operation, plan.warnings);
  return {...change, ca, removed: plan.removed, untrustedClients: untrustedClients(ctx), confirmed: true};
}

function untrustedClients(ctx: BackendContext): string[] {
  const state = ctx.state();
  const trusted = trustedCas(state);
  return Object.values(state.clients).filter((c) => !trusted.has(c.issuer)).map((c) => c.name);
}

/** The confirmation question for a removal: names every CA removed and every client cut off. */
export function removalQuestion(plan: RemovePlan): string {
  const below = plan.removed.filter((r) => r.name !== plan.ca).map((r) => r.name);
  const ca = `${plan.ca}${below.length > 0 ? ` and every CA below it (${below.join(', ')})` : ''}`;
  const clients = plan.clients.length > 0 ? `; clients ${plan.clients.join(', ')} will get 403` : '';
  return `Remove ${ca} from the truststore (${plan.remaining} certificate${plan.remaining === 1 ? '' : 's'} stay)${clients}?`;
}
