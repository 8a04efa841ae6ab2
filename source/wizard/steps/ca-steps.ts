/** Part A1, A2 and B1: the CA hierarchy. */
import type {CaInput} from '../../state/schema.js';
import {STEP_INFO} from '../plan-info.js';
import type {Step, StepContext} from '../step.js';

function caInput(ctx: StepContext, index: number): CaInput {
  const ca = ctx.state().inputs.cas[index];
  if (!ca) throw new Error(`the plan has no CA number ${index}`);
  return ca;
}

async function ensureCa(ctx: StepContext, index: number): Promise<boolean> {
  const input = caInput(ctx, index);
  const before = ctx.state().cas[input.name];
  const record = await ctx.backend.ensureCa(ctx, input);
  const reused = Boolean(before?.certificate && before.certificate === record.certificate && before.fingerprint === record.fingerprint);
  ctx.log(reused ? `${input.name} already exists ✓ (reused)` : `created ${input.name}${input.parent ? ` under ${input.parent}` : ''} (pathLen ${record.pathLen ?? 'none'})`);
  if (record.certificate) ctx.output(`${input.name} certificate`, record.certificate);
  if (record.arn) ctx.output(`${input.name} ARN`, record.arn);
  if (record.notAfter) ctx.output(`${input.name} expires`, record.notAfter.slice(0, 10));
  return reused;
}

export const rootCaStep: Step = {
  ...STEP_INFO['root-ca'],
  async run(ctx) {
    return {reused: await ensureCa(ctx, 0)};
  },
};

export const intermediateCaStep: Step = {
  ...STEP_INFO['intermediate-ca'],
  async run(ctx) {
    return {reused: await ensureCa(ctx, 1)};
  },
};

export const secondChainStep: Step = {
  ...STEP_INFO['second-chain'],
  async run(ctx) {
    // Both CAs are started together where the backend allows it (on AWS their key generation overlaps).
    const prepare = ctx.backend.prepareCa?.bind(ctx.backend);
    if (prepare) {
      const started = await Promise.allSettled([caInput(ctx, 2), caInput(ctx, 3)].map((input) => prepare(ctx, input)));
      const failed = started.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
    }
    const first = await ensureCa(ctx, 2);
    const second = await ensureCa(ctx, 3);
    return {reused: first && second};
  },
};
