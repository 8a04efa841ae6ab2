/**
 * Finding a Private CA whose create answer was lost, by the walkthrough's tags. Apart from reconcile.ts so
 * that a walkthrough with --ca-source local never loads the ACM PCA client.
 */
import {ListCertificateAuthoritiesCommand, ListTagsCommand} from '@aws-sdk/client-acm-pca';
import type {CaInput} from '../../state/schema.js';
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
