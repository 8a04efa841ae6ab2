/**
 * Workshop lessons (--lessons): the article's two failures, shown on purpose and then fixed.
 * 1. A truststore with the intermediate CA but not the root: API Gateway takes it with a warning, and
 *    client1 is refused, because the chain does not reach a root. Adding the root fixes it.
 * 2. Adding intermediateCA2's whole chain, rootCA included, to a truststore that already has rootCA:
 *    refused as a duplicate. The truststore-update step that follows adds only what is missing.
 * 3. Revocation (after connect-2): a throwaway client is issued and revoked, and still gets in, because API
 *    Gateway checks no CRL; then the local gateway's CRL check (a CRL-checking authorizer) refuses it. It stays
 *    listed as REVOKED. On aws the revocation is real (RevokeCertificate); the authorizer is explained, not deployed.
 */
import {UserError} from '../../errors.js';
import type {CheckResult} from '../../state/schema.js';
import {checkTruststore} from '../../truststore/index.js';
import {caChainPem, readStateFile} from '../chains.js';
import {clientCheck, runChecks} from '../checks.js';
import {REVOCATION_GAP, addClient, revokeClient} from '../../lifecycle/clients.js';
import {STEP_INFO} from '../plan-info.js';
import type {Step, StepContext} from '../step.js';
import {pinnedVersion} from '../../lifecycle/trust.js';

async function intermediateOnly(ctx: StepContext): Promise<void> {
  const state = ctx.state();
  const client = state.inputs.clients[0]!;
  const issuer = state.cas[client.issuer];
  if (!issuer?.certificate) throw new UserError({what: 'cannot run the lesson', why: `${client.issuer} does not exist yet`, fix: 'run the earlier steps first'});
  const correct = state.truststore?.versions.find((v) => v.step === 'mtls');
  if (!correct) throw new UserError({what: 'cannot run the lesson', why: 'the mtls step has not stored a truststore yet', fix: 'run the earlier steps first'});

  // The mistake: only the issuing CA.
  const wrong = await readStateFile(ctx.stateDir, issuer.certificate, `certificate of ${client.issuer}`);
  const report = checkTruststore(wrong, {now: ctx.now()});
  ctx.log(`lesson: a truststore holding only ${client.issuer}, without the root`);
  for (const finding of [...report.errors, ...report.warnings]) ctx.log(`check: ${finding.message}`, 'warn');
  const version = state.truststore?.versions.find((v) => v.step === 'lesson-intermediate-only') ?? (await ctx.backend.uploadTruststore(ctx, report.bundle, 'lesson-intermediate-only'));
  const {warnings} = await ctx.backend.pinTruststore(ctx, version.versionId);
  for (const warning of warnings) ctx.log(`API Gateway warning: ${warning}`, 'warn');
  if (warnings.length === 0) ctx.log('API Gateway accepted it without a warning: the failure shows only when a client connects', 'warn');

  const endpoint = await ctx.backend.openEndpoint(ctx);
  try {
    const [result] = await runChecks(ctx, ctx.secrets, endpoint, [{...clientCheck(client.name), expected: 403}]);
    await ctx.update((draft) => {
      draft.checks['lesson-intermediate-only'] = result ? [result] : [];
    });
    if (!result?.ok) throw new UserError({what: 'the lesson did not show the failure', why: `${client.name} was not refused with the intermediate-only truststore`, fix: 'check the truststore with `mtls-wizard truststore check`'});
    ctx.log(`as expected, ${client.name} was refused: the chain in the truststore must reach the root`);
  } finally {
    await endpoint.close();
  }
  // The fix: pin the truststore that has the root again.
  await ctx.backend.pinTruststore(ctx, correct.versionId);
  ctx.log(`fixed: the domain is pinned again to version ${correct.versionId} (${client.issuer} + root)`);
  ctx.output('truststore version', correct.versionId);
}

async function duplicate(ctx: StepContext): Promise<void> {
  const state = ctx.state();
  const pinned = pinnedVersion(state);
  if (!pinned) throw new UserError({what: 'cannot run the lesson', why: 'no truststore is pinned yet', fix: 'run the earlier steps first'});
  const issuer = state.inputs.clients[1]!.issuer;
  const current = await readStateFile(ctx.stateDir, pinned.file, 'pinned truststore');
  const chain = await caChainPem(ctx.stateDir, state, issuer);
  // The mistake: append the whole chain, root included, to what is already there.
  const naive = `${current.trim()}\n${chain.trim()}\n`;
  const report = checkTruststore(naive, {now: ctx.now()});
  const duplicates = [...report.errors, ...report.warnings].filter((f) => /duplicate/i.test(f.code));
  ctx.log(`lesson: adding ${issuer}'s whole chain, root included, to the truststore`);
  if (duplicates.length === 0) throw new UserError({what: 'the lesson did not show the failure', why: 'the duplicate root was not detected', fix: 'report this as a bug'});
  for (const finding of duplicates) ctx.log(`refused as a duplicate: ${finding.subject ?? 'a certificate'} is already in the truststore (${finding.message})`, 'warn');
  ctx.log('a certificate that is already registered cannot be registered again: the next step adds only the missing CAs');
}

export const lessonIntermediateOnlyStep: Step = {
  ...STEP_INFO['lesson-intermediate-only'],
  async run(ctx) {
    await intermediateOnly(ctx);
  },
};

export const lessonDuplicateStep: Step = {
  ...STEP_INFO['lesson-duplicate'],
  async run(ctx) {
    await duplicate(ctx);
  },
};

/** The throwaway client of the revocation lesson (with the workshop prefix, like every name). */
export function revocationLessonClient(prefix: string): string {
  return prefix ? `${prefix}-revoked-demo` : 'revoked-demo';
}

async function revocation(ctx: StepContext): Promise<void> {
  const state = ctx.state();
  const name = revocationLessonClient(state.inputs.prefix);
  const issuer = state.inputs.clients.at(-1)!.issuer;
  const lc = {ctx, backend: ctx.backend, secrets: ctx.secrets};
  const existing = state.clients[name];
  // A re-run after a crash: a client already issued (PKCS#12 written) is not added again.
  if (!(existing?.certificate && existing.p12)) await addClient(lc, {name, issuer});
  ctx.log(`lesson: ${name} issued by ${issuer}; now revoke it (keyCompromise)`);
  const revoked = await revokeClient(lc, {name, reason: 'keyCompromise'});
  if (revoked.crl) ctx.output('CRL', revoked.crl);
  ctx.output('revoked client', name);

  const results: CheckResult[] = [];
  const gap = await ctx.backend.openEndpoint(ctx);
  try {
    const [result] = await runChecks(ctx, ctx.secrets, gap, [clientCheck(name)]);
    results.push(result!);
    if (!result?.ok) throw new UserError({what: 'the lesson did not show the gap', why: `the revoked ${name} was not let in (HTTP ${result?.httpStatus || 'none'})`, fix: 'check the endpoint with `mtls-wizard connect`'});
    ctx.log(`the gap: ${name} is revoked, yet it got in (HTTP 200). API Gateway checks no CRL and no OCSP`, 'warn');
  } finally {
    await gap.close();
  }
  if (ctx.backend.kind === 'local') {
    const checking = await ctx.backend.openEndpoint(ctx, {checkRevocation: true});
    try {
      const [result] = await runChecks(ctx, ctx.secrets, checking, [{...clientCheck(name), expected: 403}]);
      results.push({...result!, name: `${name} (CRL check)`});
      if (!result?.ok) throw new UserError({what: 'the lesson did not show the CRL check', why: `${name} was not refused by the CRL-checking gateway (HTTP ${result?.httpStatus || 'none'})`, fix: 'check the CRL with `openssl crl -in <crl> -noout -text`'});
      ctx.log(`closed: with the CRL check (--check-revocation, as a Lambda authorizer would do it) ${name} gets 403`);
    } finally {
      await checking.close();
    }
  } else {
    ctx.log('on AWS the gap is closed by a Lambda REQUEST authorizer that checks the CRL; the wizard explains it but does not deploy one', 'warn');
  }
  ctx.log(REVOCATION_GAP);
  await ctx.update((draft) => {
    draft.checks['lesson-revocation'] = results;
  });
}

export const lessonRevocationStep: Step = {
  ...STEP_INFO['lesson-revocation'],
  async run(ctx) {
    await revocation(ctx);
  },
};
