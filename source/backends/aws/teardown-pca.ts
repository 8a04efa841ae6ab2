/**
 * Teardown of the AWS Private CAs: children first, each disabled and then deleted with the shortest restore
 * window. Loaded only for a walkthrough whose CAs are in AWS Private CA (never with --ca-source local).
 */
import {DeleteCertificateAuthorityCommand, DescribeCertificateAuthorityCommand, UpdateCertificateAuthorityCommand} from '@aws-sdk/client-acm-pca';
import type {BackendContext} from '../backend.js';
import type {AwsEnv} from './env.js';
import {awsCall, awsFind, errorName, mapAwsError} from './errors.js';
import {RESTORE_WINDOW_DAYS, ROLE} from './names.js';
import {listOurCas} from './reconcile-pca.js';

export async function deleteCas(ctx: BackendContext, aws: AwsEnv): Promise<void> {
  const state = ctx.state();
  const ours = await listOurCas(ctx, aws);
  const handled = new Set<string>();
  // Children first: deleting a CA invalidates what it issued.
  for (const input of [...state.inputs.cas].reverse()) {
    const arn = state.cas[input.name]?.arn ?? ours.find((c) => c.role === ROLE.ca(input.name))?.arn;
    if (!arn) continue;
    handled.add(arn);
    if (!ours.some((c) => c.arn === arn)) {
      ctx.log(`${input.name}: not found among this walkthrough's CAs (already deleted, or not tagged as ours): left alone`);
      continue;
    }
    await deleteCa(ctx, aws, input.name, arn);
  }
  for (const leftover of ours.filter((c) => !handled.has(c.arn))) await deleteCa(ctx, aws, leftover.role || 'a CA', leftover.arn);
}

async function deleteCa(ctx: BackendContext, aws: AwsEnv, name: string, arn: string): Promise<void> {
  const out = await awsFind(ctx, 'acm-pca', 'DescribeCertificateAuthority', name, ['ResourceNotFoundException'], () => aws.clients.pca.send(new DescribeCertificateAuthorityCommand({CertificateAuthorityArn: arn})));
  const status = out?.CertificateAuthority?.Status;
  if (!status || status === 'DELETED') return ctx.log(`${name}: already deleted`);
  if (status === 'ACTIVE') {
    await awsCall(ctx, 'acm-pca', 'UpdateCertificateAuthority', `${name} DISABLED`, () => aws.clients.pca.send(new UpdateCertificateAuthorityCommand({CertificateAuthorityArn: arn, Status: 'DISABLED'})));
    ctx.log(`disabled ${name}`);
  }
  try {
    await ctx.call('DeleteCertificateAuthority', `${name} (restorable for ${RESTORE_WINDOW_DAYS} days)`, () =>
      aws.clients.pca.send(new DeleteCertificateAuthorityCommand({CertificateAuthorityArn: arn, PermanentDeletionTimeInDays: RESTORE_WINDOW_DAYS})),
    );
  } catch (error) {
    if (errorName(error) === 'ResourceNotFoundException') return ctx.log(`${name}: already deleted`);
    throw mapAwsError(error, 'acm-pca', 'DeleteCertificateAuthority');
  }
  const until = new Date(ctx.now().getTime() + RESTORE_WINDOW_DAYS * 86_400_000).toISOString().slice(0, 10);
  const window = status === 'CREATING' || status === 'FAILED' ? 'it had no certificate, so it is gone at once' : `it can be restored until ${until}, then AWS removes it for good`;
  ctx.log(`deleted ${name}: its billing stops now; ${window}`);
}
