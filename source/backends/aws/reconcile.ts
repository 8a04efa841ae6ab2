/**
 * Finding what a create call made when its answer was lost (the process died between "request sent" and
 * "state saved"): every resource carries the walkthrough's tags, so it is found by them, never by guess.
 */
import {ListCertificatesCommand, ListTagsForCertificateCommand} from '@aws-sdk/client-acm';
import {GetRestApisCommand} from '@aws-sdk/client-api-gateway';
import type {State} from '../../state/schema.js';
import type {BackendContext} from '../backend.js';
import type {AwsEnv} from './env.js';
import {awsCall} from './errors.js';
import {ROLE, isOurs, tagsFromList} from './names.js';

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
