/**
 * The custom domain: wait for the public ACM certificate, CreateDomainName (REGIONAL, TLS_1_2: the
 * enhanced SecurityPolicy_* policies cannot carry mTLS), the base path mapping to the stage, and the alias
 * record. Then, per truststore version, UpdateDomainName with truststoreUri and truststoreVersion, polled
 * with GetDomainName until AVAILABLE (API Gateway has no waiter).
 */
import {
  CreateBasePathMappingCommand,
  CreateDomainNameCommand,
  type DomainName,
  GetBasePathMappingsCommand,
  GetDomainNameCommand,
  type PatchOperation,
  UpdateDomainNameCommand,
} from '@aws-sdk/client-api-gateway';
import {UserError} from '../../errors.js';
import type {DomainRecord} from '../../state/schema.js';
import type {BackendContext} from '../backend.js';
import {awaitCertificateIssued, describeAcm, ensureServerCertificate, publishValidationRecord} from './acm.js';
import {type AwsEnv, required} from './env.js';
import {awsCall, awsFind, isAwsError, mapAwsError} from './errors.js';
import {ROLE, STAGE, endpointUrl, isOurs, tagMap} from './names.js';
import {aliasValue, findHostedZone, offerRecord} from './route53.js';
import {poll} from './wait.js';

export async function ensureCustomDomain(ctx: BackendContext, aws: AwsEnv): Promise<DomainRecord> {
  const state = ctx.state();
  const api = state.api;
  if (!api?.id || !api.deploymentId) throw new UserError({what: 'cannot map the custom domain', why: 'the API is not deployed yet', fix: 'run the api step first (`mtls-wizard run`)'});
  const name = state.inputs.domain;
  const certificateArn = await ensureServerCertificate(ctx, aws);
  const pending = await describeAcm(ctx, aws, certificateArn, name);
  const rr = pending.DomainValidationOptions?.find((o) => o.ResourceRecord)?.ResourceRecord;
  const hint = rr ? `the DNS record ${rr.Name} CNAME ${rr.Value} must exist` : 'its DNS validation record must exist';
  if (pending.Status !== 'ISSUED') {
    await publishValidationRecord(ctx, aws, certificateArn);
    await awaitCertificateIssued(ctx, aws, certificateArn, `the certificate of ${name}`, hint);
  }

  const domain = await findOrCreateDomain(ctx, aws, name, certificateArn);
  await ctx.update((d) => {
    d.domain = {...d.domain!, regionalDomainName: domain.regionalDomainName, regionalHostedZoneId: domain.regionalHostedZoneId, status: domain.domainNameStatus};
  });
  await waitAvailable(ctx, aws, name);
  await ensureBasePathMapping(ctx, aws, name, api.id, api.stage ?? STAGE);

  const regional = required(domain.regionalDomainName, 'GetDomainName', 'regionalDomainName');
  const zone = await findHostedZone(ctx, aws, name);
  const alias = zone && domain.regionalHostedZoneId ? await offerRecord(ctx, aws, zone, {name, type: 'A', value: aliasValue(domain.regionalHostedZoneId, regional)}, `pointing ${name} at API Gateway`) : false;
  if (!alias) ctx.log(`point ${name} at API Gateway: an alias A record to ${regional} (hosted zone ${domain.regionalHostedZoneId ?? '?'}), or a CNAME to ${regional}`, 'warn');
  await ctx.update((d) => {
    d.domain = {...d.domain!, url: endpointUrl(ctx.state()), basePathMapped: true};
  });
  return ctx.state().domain!;
}

/** The domain is found by its name (unique per account and Region); one not tagged as ours is refused. */
async function findOrCreateDomain(ctx: BackendContext, aws: AwsEnv, name: string, certificateArn: string): Promise<DomainName> {
  const state = ctx.state();
  const existing = await awsFind(ctx, 'apigateway', 'GetDomainName', name, ['NotFoundException'], () => aws.clients.apigw.send(new GetDomainNameCommand({domainName: name})));
  if (existing) {
    if (!isOurs(existing.tags, state)) {
      throw new UserError({what: `cannot use the custom domain ${name}`, why: 'it already exists in this account and Region, and this walkthrough did not create it', fix: 'pick another --domain, or delete that domain name in API Gateway first'});
    }
    return existing;
  }
  try {
    return await ctx.call('CreateDomainName', `${name} (REGIONAL, TLS_1_2)`, () =>
      aws.clients.apigw.send(
        new CreateDomainNameCommand({
          domainName: name,
          regionalCertificateArn: certificateArn,
          endpointConfiguration: {types: ['REGIONAL']},
          securityPolicy: 'TLS_1_2',
          tags: tagMap(state, ROLE.domain),
        }),
      ),
    );
  } catch (error) {
    // A retry whose first try reached AWS (answer lost to a server error) finds the name taken: by us, if tagged so.
    if (!isAwsError(error, 'ConflictException')) throw mapAwsError(error, 'apigateway', 'CreateDomainName');
    const made = await awsFind(ctx, 'apigateway', 'GetDomainName', name, ['NotFoundException'], () => aws.clients.apigw.send(new GetDomainNameCommand({domainName: name})));
    if (made && isOurs(made.tags, state)) return made;
    throw new UserError({what: `cannot create the custom domain ${name}`, why: 'the name was taken in this account and Region meanwhile, by something this walkthrough did not create', fix: 'pick another --domain, or delete that domain name in API Gateway first'});
  }
}

async function ensureBasePathMapping(ctx: BackendContext, aws: AwsEnv, domainName: string, restApiId: string, stage: string): Promise<void> {
  const mappings = await awsCall(ctx, 'apigateway', 'GetBasePathMappings', domainName, () => aws.clients.apigw.send(new GetBasePathMappingsCommand({domainName})));
  const items = mappings.items ?? [];
  if (items.some((m) => m.restApiId === restApiId && (m.basePath ?? '(none)') === '(none)')) return;
  const root = items.find((m) => (m.basePath ?? '(none)') === '(none)');
  if (root) throw new UserError({what: `cannot map ${domainName} to the API`, why: `its root path is already mapped to API ${root.restApiId}`, fix: 'remove that base path mapping, then run `mtls-wizard run` again'});
  await awsCall(ctx, 'apigateway', 'CreateBasePathMapping', `${domainName} → ${restApiId}/${stage}`, () => aws.clients.apigw.send(new CreateBasePathMappingCommand({domainName, restApiId, stage})));
}

/** GetDomainName until AVAILABLE, with bounded back-off. */
export async function waitAvailable(ctx: BackendContext, aws: AwsEnv, name: string): Promise<DomainName> {
  return poll(ctx, aws.timing, {
    what: `the custom domain ${name} to become AVAILABLE`,
    maxWaitMs: aws.timing.maxWaitMs.domain,
    fix: 'run `mtls-wizard run` again in a few minutes',
    check: async () => {
      const domain = await awsCall(ctx, 'apigateway', 'GetDomainName', name, () => aws.clients.apigw.send(new GetDomainNameCommand({domainName: name})));
      const status = domain.domainNameStatus;
      await ctx.update((d) => {
        if (d.domain) d.domain.status = status;
      });
      if (status === undefined || status === 'AVAILABLE') return {done: true, value: domain};
      if (status === 'UPDATING' || status === 'PENDING') return {done: false, waiting: `waiting for ${name}: ${status}`};
      throw new UserError({what: `the custom domain ${name} is ${status}`, why: domain.domainNameStatusMessage ?? 'API Gateway gave no detail', fix: 'fix what the message names (see the API Gateway console), then run `mtls-wizard run` again'});
    },
  });
}

/** Pins the domain to a truststore version; a domain already pinned to it is left alone. */
export async function pinDomainTruststore(ctx: BackendContext, aws: AwsEnv, uri: string, versionId: string): Promise<string[]> {
  const name = ctx.state().inputs.domain;
  const current = await awsCall(ctx, 'apigateway', 'GetDomainName', name, () => aws.clients.apigw.send(new GetDomainNameCommand({domainName: name})));
  const mtls = current.mutualTlsAuthentication;
  let warnings = mtls?.truststoreWarnings ?? [];
  if (mtls?.truststoreUri !== uri || mtls.truststoreVersion !== versionId) {
    const patchOperations: PatchOperation[] = [];
    if (mtls?.truststoreUri !== uri) patchOperations.push({op: 'replace', path: '/mutualTlsAuthentication/truststoreUri', value: uri});
    patchOperations.push({op: 'replace', path: '/mutualTlsAuthentication/truststoreVersion', value: versionId});
    const updated = await awsCall(ctx, 'apigateway', 'UpdateDomainName', `${name}: ${uri} version ${versionId}`, () => aws.clients.apigw.send(new UpdateDomainNameCommand({domainName: name, patchOperations})));
    warnings = updated.mutualTlsAuthentication?.truststoreWarnings ?? [];
  }
  const settled = await waitAvailable(ctx, aws, name);
  // API Gateway reports warnings when it reads the truststore; the settled domain may carry them instead.
  if (warnings.length === 0) warnings = settled.mutualTlsAuthentication?.truststoreWarnings ?? [];
  await ctx.update((d) => {
    if (!d.truststore) return;
    d.truststore.pinnedVersion = versionId;
    d.truststore.warnings = warnings;
  });
  return warnings;
}
