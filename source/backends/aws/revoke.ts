/**
 * Revocation on the aws backend. A Private CA (the CA record has an ARN) gets RevokeCertificate with the
 * issuing CA's ARN, the serial as AWS's examples write it (lowercase colon-separated hex, from the DER
 * bytes) and the reason in AWS's enum. The revocation is recorded in `cas[issuer].revoked` right after
 * the call, so a re-run sends nothing twice; a repeat AWS already processed counts as done. A CA made on
 * this machine (`--ca-source local`: a key, no ARN) signs a CRL the way the local backend does.
 * API Gateway checks neither: Private CA publishes a CRL only when configured, and only a Lambda
 * authorizer that reads it would enforce it.
 */
import {RevokeCertificateCommand} from '@aws-sdk/client-acm-pca';
import {UserError} from '../../errors.js';
import {awsSerial} from '../../pki/crl.js';
import type {BackendContext, RevokeRequest, RevokeResult} from '../backend.js';
import {isLocalCa, recordedRevocation, revokeWithLocalCa} from '../revocation.js';
import type {AwsEnv} from './env.js';
import {awsFind} from './errors.js';

/** RFC 5280 names (the commands' --reason) → RevokeCertificate's RevocationReason. */
export const AWS_REVOCATION_REASONS: Record<string, 'UNSPECIFIED' | 'KEY_COMPROMISE' | 'AFFILIATION_CHANGED' | 'SUPERSEDED' | 'CESSATION_OF_OPERATION'> = {
  unspecified: 'UNSPECIFIED',
  keyCompromise: 'KEY_COMPROMISE',
  affiliationChanged: 'AFFILIATION_CHANGED',
  superseded: 'SUPERSEDED',
  cessationOfOperation: 'CESSATION_OF_OPERATION',
};

export async function revokeOnAws(ctx: BackendContext, aws: () => Promise<AwsEnv>, request: RevokeRequest): Promise<RevokeResult> {
  if (isLocalCa(ctx, request.issuer)) return revokeWithLocalCa(ctx, request);
  const ca = ctx.state().cas[request.issuer];
  if (!ca?.arn) {
    throw new UserError({what: `cannot revoke a certificate of ${request.issuer}`, why: `${request.issuer} is neither a Private CA of this walkthrough nor a CA with a key here`, fix: 'revoke it where the CA lives', field: 'issuer'});
  }
  if (recordedRevocation(ctx, request)) return {alreadyRevoked: true};
  const reason = AWS_REVOCATION_REASONS[request.reason];
  if (!reason) throw new UserError({what: `bad revocation reason "${request.reason}"`, why: `it must be one of ${Object.keys(AWS_REVOCATION_REASONS).join(', ')}`, fix: '--reason keyCompromise', field: 'reason'}, 2);
  const serial = awsSerial(request.serial);
  const env = await aws();
  // RequestAlreadyProcessedException: AWS already completed this revoke (a re-run after a crash between the call and the state update).
  const sent = await awsFind(ctx, 'acm-pca', 'RevokeCertificate', `${serial} of ${request.issuer} (${reason})`, ['RequestAlreadyProcessedException'], async () => {
    await env.clients.pca.send(new RevokeCertificateCommand({CertificateAuthorityArn: ca.arn!, CertificateSerial: serial, RevocationReason: reason}));
    return true;
  });
  const repeat = sent === undefined;
  await ctx.update((draft) => {
    const record = draft.cas[request.issuer]!;
    record.revoked = [...(record.revoked ?? []), {serial: request.serial.toLowerCase(), revokedAt: ctx.now().toISOString(), reason: request.reason}];
  });
  ctx.log(`AWS Private CA ${request.issuer} revoked serial ${serial} (${reason})${repeat ? ' (already processed by AWS)' : ''}; its CRL, if one is configured, lists it within about 30 minutes`);
  return {alreadyRevoked: repeat};
}
