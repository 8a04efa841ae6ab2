/**
 * Finding what a create call made when its answer was lost (the process died between "request sent" and
 * "state saved"): every resource carries the walkthrough's tags, so it is found by them, never by guess.
 */
import {ListCertificateAuthoritiesCommand, ListTagsCommand} from '@aws-sdk/client-acm-pca';
import {ListCertificatesCommand, ListTagsForCertificateCommand} from '@aws-sdk/client-acm';
import {GetRestApisCommand} from '@aws-sdk/client-api-gateway';
import type {CaInput, State} from '../../state/schema.js';
import type {BackendContext} from '../backend.js';
import type {AwsEnv} from './env.js';
import {awsCall} from './errors.js';
import {ROLE, isOurs, tagsFromList} from './names.js';

/** Every CA of the account tagged with this walkthrough (any role), with its role and status. */
export async function listOurCas(ctx: BackendContext, aws: AwsEnv, filter?: (commonName: string | undefined) => boolean): Promise<{arn: string; role: string; status: string}[]> {
  const state = ctx.state();
  const found: {arn: string; role: string; status: string}[] = [];
  let NextToken: string | undefined;
  do {
    const page = await awsCall(ctx, 'acm-pca', 'ListCertificateAuthorities', undefined, () => aws.clients.pca.send(new ListCertificateAuthoritiesCommand({MaxResults: 100, NextToken})));
    for (const ca of page.CertificateAuthorities ?? []) {
      if (!ca.Arn || ca.Status === 'DELETED') continue;
      if (filter && !filter(ca.CertificateAuthorityConfiguration?.Subject?.CommonName)) continue;
      const arn = ca.Arn;
      const tags = await awsCall(ctx, 'acm-pca', 'ListTags', undefined, () => aws.clients.pca.send(new ListTagsCommand({CertificateAuthorityArn: arn})));
      const map = tagsFromList(tags.Tags);
      if (isOurs(map, state)) found.push({arn, role: map['mtls-wizard:role'] ?? '', status: ca.Status ?? ''});
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return found;
}

export async function findCaByTags(ctx: BackendContext, aws: AwsEnv, input: CaInput): Promise<string | undefined> {
  // Some emulators leave the subject out of the listing: then every CA's tags are read.
  const ours = await listOurCas(ctx, aws, (cn) => cn === undefined || cn === input.commonName);
  const match = ours.find((ca) => ca.role === ROLE.ca(input.name) && ca.status !== 'FAILED');
  if (match) ctx.log(`found ${input.name} in AWS Private CA by its tags (${match.arn}): reusing it`);
  return match?.arn;
}

/** ListCertificates returns RSA-2048 certificates only unless told otherwise. */
const KEY_TYPES = ['RSA_2048', 'RSA_3072', 'RSA_4096', 'EC_prime256v1', 'EC_secp384r1', 'EC_secp521r1'] as const;

export async function findAcmCertificateByTags(ctx: BackendContext, aws: AwsEnv, domainName: string, role: string): Promise<string | undefined> {
  const state: State = ctx.state();
  let NextToken: string | undefined;
  do {
    const page = await awsCall(ctx, 'acm', 'ListCertificates', domainName, () => aws.clients.acm.send(new ListCertificatesCommand({Includes: {keyTypes: [...KEY_TYPES]}, MaxItems: 100, NextToken})));
    for (const summary of page.CertificateSummaryList ?? []) {
      if (!summary.CertificateArn || summary.DomainName !== domainName) continue;
      const arn = summary.CertificateArn;
      const tags = await awsCall(ctx, 'acm', 'ListTagsForCertificate', undefined, () => aws.clients.acm.send(new ListTagsForCertificateCommand({CertificateArn: arn})));
      if (isOurs(tagsFromList(tags.Tags), state, role)) {
        ctx.log(`found the ACM certificate for ${domainName} by its tags (${arn}): reusing it`);
        return arn;
      }
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return undefined;
}

export async function findRestApiByTags(ctx: BackendContext, aws: AwsEnv): Promise<string | undefined> {
  const state = ctx.state();
  let position: string | undefined;
  do {
    const page = await awsCall(ctx, 'apigateway', 'GetRestApis', undefined, () => aws.clients.apigw.send(new GetRestApisCommand({limit: 500, position})));
    const match = (page.items ?? []).find((api) => api.id && isOurs(api.tags, state, ROLE.api));
    if (match?.id) {
      ctx.log(`found the REST API by its tags (${match.id}): reusing it`);
      return match.id;
    }
    position = page.position;
  } while (position);
  return undefined;
}
