/** Part A5 and B2: the truststore, checked, stored as a new version, and the domain pinned to it. */
import {UserError} from '../../errors.js';
import {STEP_INFO} from '../plan-info.js';
import type {StepId} from '../../state/schema.js';
import {checkTruststore, planAddition} from '../../truststore/index.js';
import {caChainPem, readStateFile} from '../chains.js';
import type {Step, StepContext} from '../step.js';
import {pinnedVersion} from '../../lifecycle/trust.js';

/** The bundle this step should store: the current pinned bundle plus what the chain of `caName` adds. */
async function plannedBundle(ctx: StepContext, caName: string, base: string): Promise<string> {
  const chain = await caChainPem(ctx.stateDir, ctx.state(), caName);
  const plan = planAddition(base, chain, {now: ctx.now()});
  for (const cert of plan.added) ctx.log(`adding ${cert.subject} to the truststore`);
  for (const cert of plan.alreadyPresent) {
    ctx.log(`${cert.subject} is already in the truststore: skipped (a certificate that is already registered must not be added again)`);
  }
  if (plan.refused.length > 0) {
    const first = plan.refused[0]!;
    throw new UserError({what: 'cannot add the chain to the truststore', why: first.message, fix: 'use a CA with a subject that is not in the truststore yet'});
  }
  return plan.bundle;
}

/** Checks, uploads (once per step, even across a crash) and pins. */
async function storeAndPin(ctx: StepContext, stepId: StepId, bundle: string): Promise<void> {
  const report = checkTruststore(bundle, {now: ctx.now()});
  for (const warning of report.warnings) ctx.log(`truststore check: ${warning.message}`, 'warn');
  if (!report.ok) {
    const first = report.errors[0]!;
    throw new UserError({what: 'the truststore failed its check', why: first.message, fix: 'see `mtls-wizard truststore check` on the bundle'});
  }
  ctx.log(`truststore checked: ${report.certificates.length} certificates, chains reach the root, within API Gateway's limits`);
  const existing = ctx.state().truststore?.versions.find((v) => v.step === stepId);
  const version = existing ?? (await ctx.backend.uploadTruststore(ctx, report.bundle, stepId));
  ctx.output('truststore version', version.versionId);
  ctx.output('truststore file', version.file);
  ctx.output('truststore', ctx.state().truststore?.uri ?? '');
  const {warnings} = await ctx.backend.pinTruststore(ctx, version.versionId);
  for (const warning of warnings) ctx.log(`truststore warning: ${warning}`, 'warn');
  ctx.log(`custom domain pinned to truststore version ${version.versionId}`);
}

export const mtlsStep: Step = {
  ...STEP_INFO['mtls'],
  async run(ctx) {
    const issuer = ctx.state().inputs.clients[0]?.issuer;
    if (!issuer) throw new Error('the plan has no first client');
    const bundle = await plannedBundle(ctx, issuer, '');
    await storeAndPin(ctx, 'mtls', bundle);
  },
};

export const truststoreUpdateStep: Step = {
  ...STEP_INFO['truststore-update'],
  async run(ctx) {
    const state = ctx.state();
    const pinned = pinnedVersion(state);
    const done = state.truststore?.versions.find((v) => v.step === 'truststore-update');
    if (!pinned && !done) throw new UserError({what: 'cannot update the truststore', why: 'no truststore is pinned yet', fix: 'run the mtls step first (`mtls-wizard run`)'});
    const issuer = state.inputs.clients[1]?.issuer;
    if (!issuer) throw new Error('the plan has no second client');
    const base = done ? '' : await readStateFile(ctx.stateDir, pinned!.file, 'pinned truststore');
    const bundle = done ? await readStateFile(ctx.stateDir, done.file, 'uploaded truststore') : await plannedBundle(ctx, issuer, base);
    await storeAndPin(ctx, 'truststore-update', bundle);
  },
};
