/**
 * Optional DNS through Route 53: when the account has a public hosted zone for the domain (or a parent of
 * it) and the person agrees (--yes agrees), UPSERT the ACM validation CNAME and the alias A record to the
 * domain's regionalDomainName. Every record made is written to state, and only those are deleted later.
 */
import {ChangeResourceRecordSetsCommand, ListHostedZonesByNameCommand, type ResourceRecordSet} from '@aws-sdk/client-route-53';
import type {BackendContext} from '../backend.js';
import {type AwsEnv, confirm} from './env.js';
import {awsCall, isAwsError, mapAwsError} from './errors.js';

export interface HostedZone {
  readonly id: string;
  readonly name: string;
}

export interface DnsRecord {
  readonly name: string;
  readonly type: 'CNAME' | 'A';
  /** CNAME target, or "ALIAS <hostedZoneId> <dnsName>" for an alias A record. */
  readonly value: string;
}

const withDot = (name: string) => (name.endsWith('.') ? name : `${name}.`);

export function aliasValue(hostedZoneId: string, dnsName: string): string {
  return `ALIAS ${hostedZoneId} ${dnsName}`;
}

function recordSet(record: DnsRecord): ResourceRecordSet {
  if (record.type === 'A') {
    const [, zone, dnsName] = record.value.split(' ');
    return {Name: withDot(record.name), Type: 'A', AliasTarget: {HostedZoneId: zone, DNSName: dnsName, EvaluateTargetHealth: false}};
  }
  return {Name: withDot(record.name), Type: 'CNAME', TTL: 300, ResourceRecords: [{Value: record.value}]};
}

/** The public hosted zone for the domain or its closest parent (the given --hosted-zone-id wins). */
export async function findHostedZone(ctx: BackendContext, aws: AwsEnv, domain: string): Promise<HostedZone | undefined> {
  const given = ctx.state().inputs.hostedZoneId;
  if (given) return {id: given.replace(/^\/hostedzone\//, ''), name: domain};
  const labels = domain.replace(/\.$/, '').split('.');
  for (let i = 0; i < labels.length - 1; i++) {
    const candidate = withDot(labels.slice(i).join('.'));
    const page = await awsCall(ctx, 'route53', 'ListHostedZonesByName', candidate, () => aws.clients.route53.send(new ListHostedZonesByNameCommand({DNSName: candidate, MaxItems: 1})));
    const zone = (page.HostedZones ?? []).find((z) => z.Name === candidate && !z.Config?.PrivateZone);
    if (zone?.Id) return {id: zone.Id.replace(/^\/hostedzone\//, ''), name: candidate};
  }
  return undefined;
}

/** UPSERTs the record in the zone after asking (or --yes), and records it; false when the person declined. */
export async function offerRecord(ctx: BackendContext, aws: AwsEnv, zone: HostedZone, record: DnsRecord, why: string): Promise<boolean> {
  const made = ctx.state().domain?.route53Records ?? [];
  if (made.some((r) => r.zoneId === zone.id && r.name === record.name && r.type === record.type && r.value === record.value)) return true;
  const accepted = await confirm(aws, `route53-${record.type.toLowerCase()}`, `Create the ${record.type} record ${record.name} in Route 53 hosted zone ${zone.name} (${zone.id}) ${why}?`, false);
  if (!accepted) return false;
  await awsCall(ctx, 'route53', 'ChangeResourceRecordSets', `UPSERT ${record.type} ${record.name}`, () =>
    aws.clients.route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zone.id,
        ChangeBatch: {Comment: `mtls-wizard ${ctx.state().walkthroughId}`, Changes: [{Action: 'UPSERT', ResourceRecordSet: recordSet(record)}]},
      }),
    ),
  );
  await ctx.update((d) => {
    if (!d.domain) return;
    d.domain.route53Records = [...(d.domain.route53Records ?? []), {zoneId: zone.id, ...record}];
  });
  ctx.log(`Route 53: upserted ${record.type} ${record.name} in ${zone.name}`);
  return true;
}

/** Deletes a record the wizard made; one that is already gone counts as deleted. */
export async function deleteRecord(ctx: BackendContext, aws: AwsEnv, stored: {zoneId: string; name: string; type: string; value: string}): Promise<void> {
  try {
    await ctx.call('ChangeResourceRecordSets', `DELETE ${stored.type} ${stored.name}`, () =>
      aws.clients.route53.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: stored.zoneId,
          ChangeBatch: {Changes: [{Action: 'DELETE', ResourceRecordSet: recordSet({name: stored.name, type: stored.type === 'A' ? 'A' : 'CNAME', value: stored.value})}]},
        }),
      ),
    );
  } catch (error) {
    // Route 53 answers InvalidChangeBatch when the record to delete is not there (any more).
    if (isAwsError(error, 'InvalidChangeBatch', 'NoSuchHostedZone')) return;
    throw mapAwsError(error, 'route53', 'ChangeResourceRecordSets');
  }
}
