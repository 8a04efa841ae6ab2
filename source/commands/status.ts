/** `mtls-wizard status [--json]`: what exists and where things stand. It only reads. */
import path from 'node:path';
import type {State} from '../state/schema.js';
import {caSourceOf, pathLenFor} from '../wizard/inputs.js';
import {nextStepId, stepInfos} from '../wizard/plan-info.js';
import {clientNames, summarizeClient} from '../lifecycle/clients.js';
import {commandLine} from '../util/invocation.js';
import type {IO} from './io.js';
import {loadExisting} from './open.js';
import type {Options} from './options.js';
import {pinnedVersion} from '../lifecycle/trust.js';

export function statusDocument(state: State, stateDir: string) {
  const abs = (p: string | undefined) => (p === undefined ? null : path.isAbsolute(p) ? p : path.join(stateDir, p));
  const ts = state.truststore;
  const pinned = pinnedVersion(state) ?? ts?.versions.at(-1);
  return {
    backend: state.backend,
    caSource: caSourceOf(state),
    stateDir,
    walkthroughId: state.walkthroughId,
    next: nextStepId(state) ?? null,
    steps: stepInfos(state).map((s) => {
      const stored = state.steps[s.id];
      return {id: s.id, part: s.part, title: s.title, status: s.status, ...(stored?.durationMs !== undefined ? {durationMs: stored.durationMs} : {}), ...(stored?.error ? {error: stored.error} : {})};
    }),
    cas: state.inputs.cas.map((input) => {
      const ca = state.cas[input.name];
      return {
        name: input.name,
        parent: input.parent,
        // Not created yet: the pathLen the plan will give it (the root has none).
        pathLen: ca ? ca.pathLen : pathLenFor(state.inputs, input.name),
        certificate: abs(ca?.certificate),
        subject: ca?.subject ?? null,
        notAfter: ca?.notAfter ?? null,
        fingerprint: ca?.fingerprint ?? null,
        ...(ca?.arn ? {arn: ca.arn} : {}),
        crl: abs(ca?.crl),
        ...(ca?.revoked?.length ? {revoked: ca.revoked.map((r) => ({serial: r.serial, revokedAt: r.revokedAt, reason: r.reason}))} : {}),
        status: ca?.status ?? (ca?.certificate ? 'ACTIVE' : 'not created'),
      };
    }).concat(externalCas(state, abs)),
    truststore: ts
      ? {
          uri: ts.uri,
          file: abs(pinned?.file),
          version: ts.pinnedVersion ?? null,
          certificates: (pinned?.subjects ?? []).map((subject, i) => ({subject, fingerprint: pinned?.fingerprints[i] ?? ''})),
          versions: ts.versions.map((v) => ({versionId: v.versionId, step: v.step, file: abs(v.file), certificates: v.subjects.length, uploadedAt: v.uploadedAt})),
          warnings: ts.warnings,
        }
      : null,
    clients: clientNames(state).map((name) => {
      const c = state.clients[name];
      const summary = summarizeClient(state, name, new Date());
      return {
        name,
        issuer: summary.issuer,
        certificate: abs(c?.certificate),
        key: abs(c?.key),
        ...(c?.passphraseFile ? {passphraseFile: abs(c.passphraseFile)} : {}),
        ...(c?.p12 ? {p12: Object.fromEntries(Object.entries(c.p12).map(([k, v]) => [k, abs(v)]))} : {}),
        subject: c?.subject ?? null,
        notAfter: c?.notAfter ?? null,
        serial: summary.serial,
        status: summary.status,
        trusted: summary.trusted,
        ...(summary.revokedAt ? {revokedAt: summary.revokedAt, revocationReason: summary.revocationReason} : {}),
      };
    }),
    endpoint: state.domain
      ? {url: state.domain.url ?? `https://${state.domain.name}${state.inputs.resourcePath}`, resolve: state.domain.resolve ?? null, caCertificate: abs(state.domain.caCertificate)}
      : null,
    checks: state.checks,
  };
}

/** Partner CAs added with `truststore add`: recorded in state.cas only, not in the plan's inputs. */
function externalCas(state: State, abs: (p: string | undefined) => string | null) {
  const planned = new Set(state.inputs.cas.map((c) => c.name));
  return Object.values(state.cas)
    .filter((ca) => ca.external && !planned.has(ca.name))
    .map((ca) => ({name: ca.name, parent: ca.parent, pathLen: ca.pathLen, certificate: abs(ca.certificate), subject: ca.subject ?? null, notAfter: ca.notAfter ?? null, fingerprint: ca.fingerprint ?? null, crl: abs(ca.crl), status: ca.status ?? 'ACTIVE', external: true}));
}

export async function statusCommand(o: Options, io: IO): Promise<number> {
  const {store, state} = await loadExisting(o.stateDir, 'show');
  const doc = statusDocument(state, store.dir);
  if (o.json) {
    io.stdout(JSON.stringify(doc, null, 2));
    return 0;
  }
  const mark = {done: '✓', running: '…', failed: '✗', skipped: '-', pending: '·'} as const;
  io.stdout(`mtls-wizard · ${doc.backend} backend · ${doc.stateDir} (walkthrough ${doc.walkthroughId})`);
  for (const s of doc.steps) io.stdout(`  ${mark[s.status]} ${s.part} ${s.id.padEnd(18)} ${s.title}${s.error ? `  — ${s.error}` : ''}`);
  io.stdout(doc.next ? `next: ${doc.next} (run \`${commandLine('run')}\` to continue)` : 'complete');
  io.stdout(doc.caSource === 'local' ? 'CAs (made on this machine):' : 'CAs (in AWS Private CA):');
  for (const ca of doc.cas) io.stdout(`  ${ca.name}${ca.parent ? ` ← ${ca.parent}` : ' (root)'}  pathLen ${ca.pathLen ?? 'none'}  ${ca.certificate ?? 'not created'}${ca.crl ? `  CRL ${ca.crl} (${ca.revoked?.length ?? 0} revoked)` : ''}`);
  if (doc.truststore) {
    io.stdout(`truststore: ${doc.truststore.uri} version ${doc.truststore.version ?? 'not pinned'} (${doc.truststore.certificates.length} certificates)`);
    for (const w of doc.truststore.warnings) io.stdout(`  ! ${w}`);
  }
  for (const c of doc.clients) io.stdout(`client ${c.name} ← ${c.issuer}: ${c.certificate ?? 'not issued'}${c.status && c.status !== 'ACTIVE' ? ` (${c.status})` : ''}${c.certificate && !c.trusted ? ' (issuer not in the pinned truststore)' : ''}`);
  if (doc.endpoint) io.stdout(`endpoint: ${doc.endpoint.url}${doc.endpoint.resolve ? ` (curl --resolve ${doc.endpoint.resolve})` : ''}`);
  return 0;
}
