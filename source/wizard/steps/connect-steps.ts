/** Part A7 and B4: connect with real curl, as the article does. */
import {UserError} from '../../errors.js';
import {STEP_INFO} from '../plan-info.js';
import type {StepId} from '../../state/schema.js';
import {type CheckSpec, clientCheck, noCertificateCheck, prepareChecks, runChecks, untrustedCaCheck} from '../checks.js';
import type {Step, StepContext} from '../step.js';

async function connect(ctx: StepContext, stepId: StepId, specs: CheckSpec[]): Promise<void> {
  // The endpoint starts while what the checks need is made or found.
  const [opened, prepared] = await Promise.allSettled([ctx.backend.openEndpoint(ctx), prepareChecks(ctx, ctx.secrets, specs)]);
  if (opened.status === 'rejected') throw opened.reason;
  const endpoint = opened.value;
  try {
    if (prepared.status === 'rejected') throw prepared.reason;
    ctx.output('URL', endpoint.url);
    const results = await runChecks(ctx, ctx.secrets, endpoint, specs);
    await ctx.update((draft) => {
      draft.checks[stepId] = results;
    });
    const failed = results.filter((r) => !r.ok);
    if (failed.length > 0) {
      const f = failed[0]!;
      throw new UserError({
        what: `connection check ${f.name} did not go as expected`,
        why: `expected HTTP ${f.expected}, got ${f.httpStatus || 'no HTTP response'}${f.reason ? ` (${f.reason})` : ''}`,
        fix: 'run `mtls-wizard connect` to repeat the checks, or `mtls-wizard status` to see what is configured',
      });
    }
    const first = results.find((r) => r.expected === 200);
    if (first?.command) ctx.output('curl', first.command);
  } finally {
    await endpoint.close();
  }
}

export const connectStep: Step = {
  ...STEP_INFO['connect'],
  async run(ctx) {
    const client = ctx.state().inputs.clients[0]!.name;
    await connect(ctx, 'connect', [clientCheck(client), noCertificateCheck]);
  },
};

export const connect2Step: Step = {
  ...STEP_INFO['connect-2'],
  async run(ctx) {
    const [c1, c2] = ctx.state().inputs.clients;
    await connect(ctx, 'connect-2', [clientCheck(c2!.name), clientCheck(c1!.name), untrustedCaCheck]);
  },
};
