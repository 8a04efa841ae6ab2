/**
 * Teardown in reverse order of creation: base path mapping and custom domain, REST API, ACM certificates,
 * the Route 53 records the wizard made, the CAs (disabled, then deleted with a 7-day restore window), and
 * the truststore (every version, then the bucket if the wizard made it); then the files written here (with
 * --ca-source local these include the CA keys: no Private CA call is made at all). Each action is shown; anything not
 * tagged as this walkthrough's is left alone; a resource already gone counts as done, so it is safe to
 * re-run. One failure does not stop the rest; the run then fails and names what remains.
 */
import {DeleteCertificateCommand, ListTagsForCertificateCommand} from '@aws-sdk/client-acm';
import {DeleteBasePathMappingCommand, DeleteDomainNameCommand, DeleteRestApiCommand, GetBasePathMappingsCommand, GetDomainNameCommand, GetRestApiCommand} from '@aws-sdk/client-api-gateway';
import {rm} from 'node:fs/promises';
import {ExternalError, describeError} from '../../errors.js';
import type {State} from '../../state/schema.js';
import {caSourceOf} from '../../wizard/inputs.js';
import {forgetResources} from '../records.js';
import type {BackendContext} from '../backend.js';
import {LOCAL} from '../local/layout.js';
import {type AwsEnv, abs, exists} from './env.js';
import {awsCall, awsFind, isAwsError, mapAwsError} from './errors.js';
import {RESTORE_WINDOW_DAYS, ROLE, isOurs, tagsFromList} from './names.js';
import {findAcmCertificateByTags, findRestApiByTags} from './reconcile.js';
import {deleteRecord} from './route53.js';
import {teardownTruststore} from './teardown-s3.js';
import {poll} from './wait.js';

export {RESTORE_WINDOW_DAYS} from './names.js';

interface Group {
  readonly title: string;
  run(): Promise<void>;
  /** Forgets the group's records once it succeeded. */
  forget(draft: State): void;
}

export async function awsTeardown(ctx: BackendContext, aws: AwsEnv): Promise<void> {
  const failures: string[] = [];
  for (const group of groups(ctx, aws)) {
    ctx.log(group.title);
    try {
      await group.run();
      await ctx.update(group.forget);
    } catch (error) {
      const message = describeError(error);
      failures.push(`${group.title}: ${message}`);
      ctx.log(`${group.title} failed: ${message}`, 'error');
    }
  }
  if (failures.length > 0) {
    throw new ExternalError({what: `teardown left ${failures.length} part${failures.length > 1 ? 's' : ''} in AWS`, why: failures[0]!, fix: 'fix the cause and run `mtls-wizard teardown` again: it skips what is already gone'});
  }
  // State first, then the local copies: a kill in between never leaves a state that claims removed files.
  await ctx.update((d) => {
    forgetResources(d);
    if (d.aws) delete d.aws.costConfirmedAt;
  });
  // Everything the walkthrough wrote here: CA keys and certificates (with --ca-source local), client keys,
  // certificates, passphrase files and PKCS#12 files, truststore copies.
  for (const dir of LOCAL.roots) {
    if (!(await exists(abs(ctx, dir)))) continue;
    await rm(abs(ctx, dir), {recursive: true, force: true});
    ctx.log(`removed ${dir}/`);
  }
}

function groups(ctx: BackendContext, aws: AwsEnv): Group[] {
  const state = ctx.state();
  const name = state.inputs.domain;
  return [
    {title: `custom domain ${name} and its base path mapping`, run: () => deleteDomain(ctx, aws, name), forget: () => {}},
    {title: 'REST API', run: () => deleteApi(ctx, aws), forget: (d) => void delete d.api},
    {
      title: 'ACM certificates',
      run: () => deleteAcmCertificates(ctx, aws),
      forget: (d) => {
        if (d.domain) delete d.domain.certificateArn;
        if (d.domain) delete d.domain.certificateToken;
      },
    },
    {
      title: 'Route 53 records made by the wizard',
      run: async () => {
        for (const record of ctx.state().domain?.route53Records ?? []) {
          await deleteRecord(ctx, aws, record);
          ctx.log(`deleted ${record.type} ${record.name} from hosted zone ${record.zoneId}`);
        }
      },
      forget: (d) => {
        if (d.domain) delete d.domain.route53Records;
      },
    },
    // CAs made on this machine are files: they go with the other local files at the end.
    ...(caSourceOf(state) === 'pca'
      ? [{title: 'AWS Private CAs (disable, then delete)', run: async () => (await import('./teardown-pca.js')).deleteCas(ctx, aws), forget: (d: State) => void (d.cas = {})}]
      : []),
    {title: 'truststore in S3', run: () => teardownTruststore(ctx, aws), forget: (d) => void delete d.truststore},
  ];
}

async function deleteDomain(ctx: BackendContext, aws: AwsEnv, domainName: string): Promise<void> {
  const domain = await awsFind(ctx, 'apigateway', 'GetDomainName', domainName, ['NotFoundException'], () => aws.clients.apigw.send(new GetDomainNameCommand({domainName})));
  if (!domain) return ctx.log(`custom domain ${domainName}: not there (nothing to delete)`);
  if (!isOurs(domain.tags, ctx.state(), ROLE.domain)) return ctx.log(`custom domain ${domainName} left alone: this walkthrough did not create it`, 'warn');
  const mappings = await awsCall(ctx, 'apigateway', 'GetBasePathMappings', domainName, () => aws.clients.apigw.send(new GetBasePathMappingsCommand({domainName})));
  for (const m of mappings.items ?? []) {
    const basePath = m.basePath ?? '(none)';
    await awsFind(ctx, 'apigateway', 'DeleteBasePathMapping', `${domainName} ${basePath}`, ['NotFoundException'], () => aws.clients.apigw.send(new DeleteBasePathMappingCommand({domainName, basePath})));
    ctx.log(`deleted the base path mapping ${basePath} of ${domainName}`);
  }
  await awsFind(ctx, 'apigateway', 'DeleteDomainName', domainName, ['NotFoundException'], () => aws.clients.apigw.send(new DeleteDomainNameCommand({domainName})));
  ctx.log(`deleted the custom domain ${domainName}`);
}

async function deleteApi(ctx: BackendContext, aws: AwsEnv): Promise<void> {
  const state = ctx.state();
  const restApiId = state.api?.id ?? (state.api?.token ? await findRestApiByTags(ctx, aws) : undefined);
  if (!restApiId) return ctx.log('REST API: none was created');
  const api = await awsFind(ctx, 'apigateway', 'GetRestApi', restApiId, ['NotFoundException'], () => aws.clients.apigw.send(new GetRestApiCommand({restApiId})));
  if (!api) return ctx.log(`REST API ${restApiId}: already gone`);
  if (!isOurs(api.tags, state, ROLE.api)) return ctx.log(`REST API ${restApiId} left alone: it is not tagged as this walkthrough's`, 'warn');
  await awsFind(ctx, 'apigateway', 'DeleteRestApi', restApiId, ['NotFoundException'], () => aws.clients.apigw.send(new DeleteRestApiCommand({restApiId})));
  ctx.log(`deleted the REST API ${restApiId} (${api.name ?? ''})`);
}

const isAcmArn = (arn: string | undefined) => Boolean(arn && /^arn:[^:]+:acm:/.test(arn));

async function deleteAcmCertificates(ctx: BackendContext, aws: AwsEnv): Promise<void> {
  const state = ctx.state();
  const targets: {arn: string; role: string; what: string}[] = [];
  const server = state.domain?.certificateArn ?? (state.domain?.certificateToken ? await findAcmCertificateByTags(ctx, aws, state.inputs.domain, ROLE.serverCertificate) : undefined);
  if (server) targets.push({arn: server, role: ROLE.serverCertificate, what: `the certificate of ${state.inputs.domain}`});
  for (const client of Object.values(state.clients)) {
    if (isAcmArn(client.arn)) targets.push({arn: client.arn!, role: ROLE.client(client.name), what: `the ACM certificate of ${client.name}`});
  }
  for (const t of targets) {
    const tags = await awsFind(ctx, 'acm', 'ListTagsForCertificate', t.what, ['ResourceNotFoundException'], () => aws.clients.acm.send(new ListTagsForCertificateCommand({CertificateArn: t.arn})));
    if (!tags) {
      ctx.log(`${t.what}: already gone`);
      continue;
    }
    if (!isOurs(tagsFromList(tags.Tags), state, t.role)) {
      ctx.log(`${t.what} left alone: it is not tagged as this walkthrough's`, 'warn');
      continue;
    }
    // Right after the domain is deleted ACM may still see the certificate in use: retry for a while.
    await poll(ctx, aws.timing, {
      what: `${t.what} to be released by API Gateway`,
      maxWaitMs: aws.timing.maxWaitMs.retry,
      fix: 'run `mtls-wizard teardown` again in a few minutes',
      check: async () => {
        try {
          await ctx.call('DeleteCertificate', t.what, () => aws.clients.acm.send(new DeleteCertificateCommand({CertificateArn: t.arn})));
          return {done: true, value: undefined};
        } catch (error) {
          if (isAwsError(error, 'ResourceNotFoundException')) return {done: true, value: undefined};
          if (isAwsError(error, 'ResourceInUseException')) return {done: false, waiting: `${t.what} is still in use by API Gateway`};
          throw mapAwsError(error, 'acm', 'DeleteCertificate');
        }
      },
    });
    ctx.log(`deleted ${t.what}`);
  }
}

/** What teardown would do, from the state alone: no credentials, no calls. */
export function teardownPlan(state: State): string[] {
  const lines = [`custom domain ${state.inputs.domain}: DeleteBasePathMapping, DeleteDomainName (only if tagged ${state.walkthroughId})`];
  if (state.api?.id || state.api?.token) lines.push(`REST API ${state.api.id ?? '(found by tags)'}: DeleteRestApi`);
  if (state.domain?.certificateArn || state.domain?.certificateToken) lines.push(`ACM certificate of ${state.inputs.domain}: DeleteCertificate`);
  for (const c of Object.values(state.clients)) if (isAcmArn(c.arn)) lines.push(`ACM certificate of ${c.name}: DeleteCertificate`);
  for (const r of state.domain?.route53Records ?? []) lines.push(`Route 53 ${r.type} ${r.name} in ${r.zoneId}: ChangeResourceRecordSets DELETE`);
  for (const input of [...state.inputs.cas].reverse()) {
    const ca = state.cas[input.name];
    if (ca?.arn || ca?.token) lines.push(`${input.name}: UpdateCertificateAuthority DISABLED, DeleteCertificateAuthority PermanentDeletionTimeInDays ${RESTORE_WINDOW_DAYS} (billing stops at deletion)`);
  }
  const ts = state.truststore;
  if (ts && ts.bucketCreated) lines.push(`s3://${ts.bucket}: DeleteObjects (every version and delete marker), DeleteBucket`);
  else if (ts) lines.push(`s3://${ts.bucket}/${ts.key}: DeleteObject for the ${ts.versions.length} versions the wizard uploaded (the bucket stays)`);
  const local = caSourceOf(state) === 'local' ? 'CA keys and certificates, ' : '';
  lines.push(`files on this machine: ${local}client keys, certificates, passphrase files and PKCS#12 files (${LOCAL.roots.map((d) => `${d}/`).join(', ')}) removed`);
  return lines;
}
