/**
 * Before anything billable: the inputs meet AWS's rules, a Region is set, the credentials work (the
 * account and caller are shown), curl is there for the connect steps, and the person has seen and
 * accepted the monthly cost (once per walkthrough; --yes accepts). With --ca-source local there is no CA
 * price to accept, but the person still agrees once before the first AWS resource is made. Then the public certificate of the
 * domain is requested, so that its DNS validation runs while the CAs are made.
 */
import {GetCallerIdentityCommand} from '@aws-sdk/client-sts';
import {CancelledError, UserError} from '../../errors.js';
import {detectCurl} from '../../shell/curl.js';
import type {BackendContext} from '../backend.js';
import {ensureServerCertificate, publishValidationRecord} from './acm.js';
import {costLines, estimateCost} from './cost.js';
import {type AwsEnv, confirm, nodeSupportNote} from './env.js';
import {awsCall} from './errors.js';
import {checkAwsInputs} from './input-rules.js';
import {caSourceOf} from '../../wizard/inputs.js';

/** The connect steps run curl as the person would: it must be there before anything is paid for. */
export async function checkCurl(): Promise<string> {
  const curl = await detectCurl();
  return `curl ${curl.version}${curl.tlsLibrary ? ` (${curl.tlsLibrary})` : ''} at ${curl.path}`;
}

export async function awsPreflight(ctx: BackendContext, aws: AwsEnv, deps: {checkCurl: () => Promise<string | void>}): Promise<void> {
  const state = ctx.state();
  checkAwsInputs(state.inputs);
  const node = nodeSupportNote();
  if (node) ctx.log(node, 'warn');
  const region = aws.clients.region;
  if (state.aws?.region && state.aws.region !== region) {
    throw new UserError({what: `cannot continue in ${region}`, why: `this walkthrough's resources are in ${state.aws.region}`, fix: `pass --region ${state.aws.region}`, field: 'region'});
  }
  const who = await awsCall(ctx, 'sts', 'GetCallerIdentity', undefined, () => aws.clients.sts.send(new GetCallerIdentityCommand({})));
  if (state.aws?.accountId && who.Account && who.Account !== state.aws.accountId) {
    throw new UserError({what: `cannot continue as account ${who.Account}`, why: `this walkthrough's resources are in account ${state.aws.accountId}`, fix: 'use the credentials (or --profile) of that account'});
  }
  ctx.log(`AWS account ${who.Account ?? '?'} as ${who.Arn ?? '?'} in ${region}`);
  ctx.output('AWS account', `${who.Account ?? '?'} (${region})`);
  await ctx.update((d) => {
    d.aws = {...d.aws, accountId: who.Account, callerArn: who.Arn, region};
  });
  const curl = await deps.checkCurl();
  if (curl) ctx.log(`found ${curl}`);
  await confirmCost(ctx, aws);
  if (ctx.state().steps['custom-domain']?.status !== 'done') {
    const arn = await ensureServerCertificate(ctx, aws);
    await publishValidationRecord(ctx, aws, arn);
  }
}

async function confirmCost(ctx: BackendContext, aws: AwsEnv): Promise<void> {
  const state = ctx.state();
  if (state.aws?.costConfirmedAt) return;
  if (caSourceOf(state) === 'local') return confirmAwsResources(ctx, aws);
  const estimate = estimateCost(state);
  for (const line of costLines(state)) ctx.log(line, line.startsWith('AWS Private CA') ? 'warn' : 'info');
  const accepted = await confirm(aws, 'aws-cost', `Create ${estimate.newCas} AWS Private CAs (about $${estimate.monthlyUsd.toLocaleString('en-US')}/month until teardown)?`, false);
  if (!accepted) {
    if (aws.options.prompter?.isInteractive) throw new CancelledError('the cost was not accepted; nothing was created');
    throw new UserError({what: 'cannot create AWS Private CAs without your consent', why: `they cost about $${estimate.monthlyUsd.toLocaleString('en-US')} a month until deleted`, fix: 'run again with --yes to accept the cost, or use --backend local (free)'});
  }
  await ctx.update((d) => {
    d.aws = {...d.aws, costConfirmedAt: ctx.now().toISOString()};
  });
}

/** With the CAs made here nothing costs much, but nothing is made in the person's account unasked either (once). */
async function confirmAwsResources(ctx: BackendContext, aws: AwsEnv): Promise<void> {
  const state = ctx.state();
  for (const line of costLines(state)) ctx.log(line);
  const account = state.aws?.accountId ?? '?';
  const accepted = await confirm(aws, 'aws-cost', `Create the REST API, custom domain, public ACM certificate and S3 truststore in AWS account ${account} (${aws.clients.region})? They cost cents; the CAs are made on this machine, free.`, false);
  if (!accepted) {
    if (aws.options.prompter?.isInteractive) throw new CancelledError('creating AWS resources was not accepted; nothing was created');
    throw new UserError({what: 'cannot create AWS resources without your consent', why: `the walkthrough creates a REST API, a custom domain, a public ACM certificate and an S3 bucket in account ${account}`, fix: 'run again with --yes to accept, or use --backend local (nothing in AWS)'});
  }
  await ctx.update((d) => {
    d.aws = {...d.aws, costConfirmedAt: ctx.now().toISOString()};
  });
}
