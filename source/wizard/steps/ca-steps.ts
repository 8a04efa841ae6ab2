/** Part A1, A2 and B1: the CA hierarchy. */
import type {CaInput} from '../../state/schema.js';
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
  id: 'root-ca',
  part: 'A',
  title: 'Create the root CA',
  why:
    'The root CA is the anchor every client certificate is traced back to. It is self-signed, marked CA:TRUE ' +
    'without a path length limit, so the hierarchy can grow below it later.',
  async run(ctx) {
    return {reused: await ensureCa(ctx, 0)};
  },
};

export const intermediateCaStep: Step = {
  id: 'intermediate-ca',
  part: 'A',
  title: 'Create the intermediate CA that issues client certificates',
  why:
    'Client certificates come from a subordinate CA, not from the root, so the root key can stay put. ' +
    'This CA gets pathLen 0: it may issue end-entity certificates but no further CAs.',
  async run(ctx) {
    return {reused: await ensureCa(ctx, 1)};
  },
};

export const secondChainStep: Step = {
  id: 'second-chain',
  part: 'B',
  title: 'Create a second, deeper CA chain',
  why:
    'A second branch under the same root, two levels deep: the upper CA gets pathLen 1 so it can sign one more ' +
    'CA, the lower gets pathLen 0. API Gateway allows at most four CA certificates in a chain; this one has three.',
  async run(ctx) {
    const first = await ensureCa(ctx, 2);
    const second = await ensureCa(ctx, 3);
    return {reused: first && second};
  },
};
