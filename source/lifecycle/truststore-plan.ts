/**
 * What `truststore add FILE` and `truststore remove CA` would do to the pinned truststore, computed without
 * touching anything (pure): the new bundle, what it adds or removes, and the names the state gives the CAs.
 * Bad input is one UserError naming the file or the CA and the rule; nothing is changed before these pass.
 */
import {createHash} from 'node:crypto';
import {UserError} from '../errors.js';
import type {CaRecord, State} from '../state/schema.js';
import {checkTruststore, parsePemBundle, planAddition, type Finding, type TrustCertificate} from '../truststore/index.js';
import {IssuerIndex, walkToRoot} from '../truststore/chain.js';

export interface NamedCertificate {
  /** The name in state.cas: an existing record's, or the one a new external CA gets. */
  readonly name: string;
  readonly subject: string;
  readonly fingerprint: string;
}

export interface PartnerCa extends NamedCertificate {
  readonly parent: string | null;
  readonly cert: TrustCertificate;
  /** True when no state.cas record has this certificate yet (it is recorded as external). */
  readonly isNew: boolean;
}

export interface AddPlan {
  /** The chain's certificates, root first, each with its name and parent name. */
  readonly chain: readonly PartnerCa[];
  /** Certificates that go into the truststore (not in the pinned version yet). */
  readonly added: readonly NamedCertificate[];
  /** Certificates of the chain that the pinned version already holds (skipped). */
  readonly alreadyPresent: readonly NamedCertificate[];
  /** The resulting bundle (pinned certificates, then the added ones, root first); '' when nothing is added. */
  readonly bundle: string;
  readonly warnings: readonly Finding[];
  /** Names what uploads this bundle over this pinned version: a re-run after a crash finds the same one. */
  readonly operation: string;
}

export interface RemovePlan {
  readonly ca: string;
  /** The named CA and every CA below it in the pinned truststore, top first. */
  readonly removed: readonly NamedCertificate[];
  /** Clients whose issuer is among the removed CAs: they lose access. */
  readonly clients: readonly string[];
  readonly bundle: string;
  readonly remaining: number;
  readonly warnings: readonly Finding[];
  readonly operation: string;
}

const FILE_FIX = 'give a PEM file with the partner\u2019s CA certificates, from the CA that issues its client certificates up to its self-signed root';

/** Plans adding a partner's chain (chainPem, read from `file`) to the pinned bundle. */
export function planPartnerAdd(state: State, pinnedPem: string, chainPem: string | Uint8Array, file: string, now: Date): AddPlan {
  const parsed = parsePemBundle(chainPem);
  const first = parsed.errors[0];
  if (first) throw new UserError({what: `cannot add ${file} to the truststore`, why: first.message, fix: FILE_FIX, field: 'FILE'});
  if (parsed.certificates.length === 0) throw new UserError({what: `cannot add ${file} to the truststore`, why: 'it holds no certificate', fix: FILE_FIX, field: 'FILE'});
  const leaf = parsed.certificates.find((c) => !c.isCa);
  if (leaf) {
    throw new UserError({
      what: `cannot add ${file} to the truststore`,
      why: `${leaf.subject} is not a CA certificate (no basicConstraints CA:TRUE): a truststore holds the CAs that issue client certificates, never a client certificate`,
      fix: FILE_FIX,
      field: 'FILE',
    });
  }
  const pinned = parsePemBundle(pinnedPem).certificates;
  const index = new IssuerIndex([...pinned, ...parsed.certificates]);
  for (const cert of parsed.certificates) {
    const walk = walkToRoot(cert, index);
    if (!walk.reached) {
      const stop = walk.path.at(-1)!;
      throw new UserError({
        what: `cannot add ${file} to the truststore`,
        why: `the chain of ${cert.subject} does not reach a self-signed root: the issuer of ${stop.subject} (${stop.issuer}) is neither in the file nor in the truststore${walk.stop === 'bad-signature' ? ' (a certificate with that name is there, but its key did not sign it)' : ''}`,
        fix: 'add the missing CA certificates up to the partner\u2019s root to the file (API Gateway needs the full chain)',
        field: 'FILE',
      });
    }
  }
  const addition = planAddition(pinnedPem, parsed.certificates.map((c) => c.pem).join(''), {now});
  const refused = addition.refused[0];
  if (refused) throw new UserError({what: `cannot add ${file} to the truststore`, why: refused.message, fix: 'add only CAs that follow API Gateway\u2019s truststore rules (`mtls-wizard truststore check FILE` lists them)', field: 'FILE'});

  const chain = nameChain(state, dedupe(parsed.certificates), index);
  const byPrint = new Map(chain.map((c) => [c.fingerprint, c]));
  const named = (cert: TrustCertificate): NamedCertificate => {
    const c = byPrint.get(cert.fingerprint)!;
    return {name: c.name, subject: c.subject, fingerprint: c.fingerprint};
  };
  const added = addition.added.map(named);
  const report = added.length > 0 ? checkTruststore(addition.bundle, {now}) : undefined;
  if (report && !report.ok) {
    throw new UserError({what: `cannot add ${file} to the truststore`, why: report.errors[0]!.message, fix: 'see `mtls-wizard truststore check` on the file', field: 'FILE'});
  }
  return {
    chain,
    added,
    alreadyPresent: addition.alreadyPresent.map(named),
    bundle: added.length > 0 ? report!.bundle : '',
    warnings: report?.warnings ?? [],
    operation: operationId('truststore-add', state, report?.bundle ?? ''),
  };
}

/** Plans retiring `caName`: the pinned bundle without it and every CA below it. */
export function planRemove(state: State, pinnedPem: string, caName: string, now: Date): RemovePlan {
  const known = Object.keys(state.cas);
  const record = state.cas[caName];
  if (!record) {
    throw new UserError({
      what: `cannot remove "${caName}" from the truststore`,
      why: known.length > 0 ? `there is no CA of that name; the CAs are ${known.join(', ')}` : 'there is no CA yet',
      fix: 'give one of those names (`mtls-wizard status` lists them)',
      field: 'CA',
    });
  }
  const pinned = dedupe(parsePemBundle(pinnedPem).certificates);
  const target = pinned.find((c) => c.fingerprint === record.fingerprint);
  const operation = (bundle: string) => operationId('truststore-remove', state, bundle);
  if (!target) return {ca: caName, removed: [], clients: [], bundle: '', remaining: pinned.length, warnings: [], operation: operation('')};

  const index = new IssuerIndex(pinned);
  // Every certificate whose way up to its root passes through the target: it cannot work without it.
  const below = pinned.filter((c) => walkToRoot(c, index).path.some((p) => p.fingerprint === target.fingerprint));
  const gone = new Set(below.map((c) => c.fingerprint));
  const rest = pinned.filter((c) => !gone.has(c.fingerprint));
  const nameOf = (cert: TrustCertificate) => Object.values(state.cas).find((c) => c.fingerprint === cert.fingerprint)?.name ?? cert.subject;
  const depth = new Map(below.map((c) => [c.fingerprint, walkToRoot(c, index).path.length]));
  const removed = [...below]
    .sort((a, b) => depth.get(a.fingerprint)! - depth.get(b.fingerprint)!)
    .map((c) => ({name: nameOf(c), subject: c.subject, fingerprint: c.fingerprint}));
  if (rest.length === 0) {
    throw new UserError({
      what: `cannot remove ${caName} from the truststore`,
      why: `it would remove the last CA${removed.length > 1 ? ` (with ${removed.slice(1).map((r) => r.name).join(', ')} below it)` : ''}, and a custom domain with mTLS needs at least one CA in its truststore`,
      fix: 'to stop everything, run `mtls-wizard teardown`; to turn mTLS off on AWS, replace /mutualTlsAuthentication/truststoreUri with \'\' (`aws apigateway update-domain-name --domain-name DOMAIN --patch-operations op=replace,path=/mutualTlsAuthentication/truststoreUri,value=\'\'`)',
      field: 'CA',
    });
  }
  const removedNames = new Set(removed.map((r) => r.name));
  const clients = Object.values(state.clients).filter((c) => removedNames.has(c.issuer)).map((c) => c.name);
  const bundle = rest.map((c) => c.pem).join('');
  const report = checkTruststore(bundle, {now});
  return {ca: caName, removed, clients, bundle: report.bundle, remaining: rest.length, warnings: report.warnings, operation: operation(report.bundle)};
}

/** The operation id: what it does, the pinned version it starts from and the bundle it makes. */
function operationId(kind: string, state: State, bundle: string): string {
  const hash = createHash('sha256').update(`${state.truststore?.pinnedVersion ?? ''}\n${bundle}`).digest('hex').slice(0, 12);
  return `${kind}-${hash}`;
}

function dedupe(certs: readonly TrustCertificate[]): TrustCertificate[] {
  const seen = new Set<string>();
  return certs.filter((c) => !seen.has(c.fingerprint) && seen.add(c.fingerprint));
}

/** Names each certificate of the chain: an existing record with the same certificate, or its CN made unique. */
function nameChain(state: State, certs: readonly TrustCertificate[], index: IssuerIndex): PartnerCa[] {
  const taken = new Set([...Object.keys(state.cas), ...state.inputs.cas.map((c) => c.name)]);
  const recordOf = (fingerprint: string): CaRecord | undefined => Object.values(state.cas).find((c) => c.fingerprint === fingerprint);
  const depth = (c: TrustCertificate) => walkToRoot(c, index).path.length;
  const ordered = [...certs].sort((a, b) => depth(a) - depth(b));
  const names = new Map<string, string>();
  const out: PartnerCa[] = [];
  for (const cert of ordered) {
    const existing = recordOf(cert.fingerprint);
    let name = existing?.name;
    if (!name) {
      name = uniqueName(caNameFromSubject(cert.subject), taken);
      taken.add(name);
    }
    names.set(cert.fingerprint, name);
    const issuer = cert.selfSigned ? undefined : index.issuerOf(cert);
    const issuerPrint = issuer?.kind === 'found' ? issuer.issuer.fingerprint : undefined;
    const parent = issuerPrint === undefined ? null : (names.get(issuerPrint) ?? recordOf(issuerPrint)?.name ?? null);
    out.push({name, parent, subject: cert.subject, fingerprint: cert.fingerprint, cert, isNew: !existing});
  }
  return out;
}

/** The common name as a file-safe name ("Partner Root CA" → "Partner-Root-CA"); "partnerCA" when there is none. */
export function caNameFromSubject(subject: string): string {
  const cn = /(?:^|,\s*)CN=((?:\\,|[^,])+)/.exec(subject)?.[1]?.replace(/\\,/g, ',').trim() ?? '';
  const safe = cn.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '').slice(0, 64);
  return safe === '' ? 'partnerCA' : safe;
}

function uniqueName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}
