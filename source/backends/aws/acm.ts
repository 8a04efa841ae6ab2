/**
 * The public ACM certificate of the custom domain (DNS validation). It is requested in preflight, before
 * the CA steps, because validation is the long pole (minutes to hours); the custom-domain step then waits
 * for it. Its CNAME is shown, and upserted in Route 53 when a hosted zone exists and the person agrees.
 */
import {type CertificateDetail, DescribeCertificateCommand, RequestCertificateCommand} from '@aws-sdk/client-acm';
import {UserError} from '../../errors.js';
import type {BackendContext} from '../backend.js';
import {type AwsEnv, required} from './env.js';
import {awsCall} from './errors.js';
import {ROLE, newToken, tagList} from './names.js';
import {findAcmCertificateByTags} from './reconcile.js';
import {type DnsRecord, findHostedZone, offerRecord} from './route53.js';
import {poll} from './wait.js';

/** Requests the certificate once: the token is saved first, and after a crash the tags find it again. */
export async function ensureServerCertificate(ctx: BackendContext, aws: AwsEnv): Promise<string> {
  const state = ctx.state();
  const name = state.inputs.domain;
  if (state.domain?.certificateArn) return state.domain.certificateArn;
  const previous = state.domain?.certificateToken;
  const found = previous ? await findAcmCertificateByTags(ctx, aws, name, ROLE.serverCertificate) : undefined;
  const token = previous ?? newToken();
  if (!previous) {
    await ctx.update((d) => {
      d.domain = {...d.domain, name, certificateToken: token};
    });
  }
  const arn =
    found ??
    required(
      (
        await awsCall(ctx, 'acm', 'RequestCertificate', `${name} (DNS validation)`, () =>
          aws.clients.acm.send(new RequestCertificateCommand({DomainName: name, ValidationMethod: 'DNS', IdempotencyToken: token, Tags: tagList(state, ROLE.serverCertificate)})),
        )
      ).CertificateArn,
      'RequestCertificate',
      'CertificateArn',
    );
  await ctx.update((d) => {
    d.domain = {...d.domain, name, certificateArn: arn};
  });
  ctx.output('server certificate (ACM)', arn);
  return arn;
}

export async function describeAcm(ctx: BackendContext, aws: AwsEnv, arn: string, what: string): Promise<CertificateDetail> {
  const out = await awsCall(ctx, 'acm', 'DescribeCertificate', what, () => aws.clients.acm.send(new DescribeCertificateCommand({CertificateArn: arn})));
  return required(out.Certificate, 'DescribeCertificate', 'Certificate');
}

/** The validation CNAME: ACM adds it to the description a few seconds after the request. */
export async function validationRecord(ctx: BackendContext, aws: AwsEnv, arn: string): Promise<DnsRecord | undefined> {
  const name = ctx.state().inputs.domain;
  return poll(ctx, aws.timing, {
    what: `the DNS validation record of ${name}`,
    maxWaitMs: aws.timing.maxWaitMs.validationRecord,
    fix: 'run `mtls-wizard run` again in a minute',
    check: async () => {
      const cert = await describeAcm(ctx, aws, arn, name);
      if (cert.Status === 'ISSUED') return {done: true, value: undefined};
      const rr = cert.DomainValidationOptions?.find((o) => o.ResourceRecord)?.ResourceRecord;
      if (rr?.Name && rr.Value) return {done: true, value: {name: rr.Name, type: 'CNAME' as const, value: rr.Value}};
      return {done: false, waiting: `waiting for ACM to publish the DNS validation record of ${name}`};
    },
  });
}

/** Shows the CNAME and offers to create it in Route 53. */
export async function publishValidationRecord(ctx: BackendContext, aws: AwsEnv, arn: string): Promise<void> {
  const record = await validationRecord(ctx, aws, arn);
  if (!record) return;
  ctx.output('DNS validation record', `${record.name} CNAME ${record.value}`);
  const zone = await findHostedZone(ctx, aws, ctx.state().inputs.domain);
  if (zone && (await offerRecord(ctx, aws, zone, record, 'so that ACM can validate the certificate'))) return;
  ctx.log(`create this DNS record so that ACM can validate the certificate: ${record.name} CNAME ${record.value}`, 'warn');
}

/** Waits for the certificate to be ISSUED; a failed or timed-out validation says what to do. */
export async function awaitCertificateIssued(ctx: BackendContext, aws: AwsEnv, arn: string, what: string, hint: string): Promise<CertificateDetail> {
  return poll(ctx, aws.timing, {
    what: `ACM to issue ${what}`,
    maxWaitMs: aws.timing.maxWaitMs.validation,
    fix: `${hint}, then run \`mtls-wizard run\` again: it keeps waiting for the same certificate`,
    check: async () => {
      const cert = await describeAcm(ctx, aws, arn, what);
      if (cert.Status === 'ISSUED') return {done: true, value: cert};
      if (cert.Status === 'PENDING_VALIDATION') return {done: false, waiting: `waiting for ACM to validate ${what} (${hint})`};
      throw new UserError({
        what: `ACM did not issue ${what}`,
        why: `its status is ${cert.Status ?? 'unknown'}${cert.FailureReason ? ` (${cert.FailureReason})` : ''}`,
        fix: 'run `mtls-wizard teardown`, fix the DNS record, and run `mtls-wizard run` again to request a new certificate',
      });
    },
  });
}
