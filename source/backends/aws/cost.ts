/**
 * What the walkthrough costs on AWS, from AWS Private CA's pricing page: $400 per general-purpose CA per
 * month ($50 in short-lived mode, which ACM cannot use, so the wizard never picks it), pro rata, the first
 * CA of an account in each Region free for 30 days, and a one-time fee per issued certificate.
 */
import type {State} from '../../state/schema.js';
import {caSourceOf} from '../../wizard/inputs.js';

export const CA_MONTHLY_USD = 400;
export const SHORT_LIVED_CA_MONTHLY_USD = 50;
const HOURS_PER_MONTH = 730;

export interface CostEstimate {
  /** CAs this run would create (not yet recorded). */
  readonly newCas: number;
  /** CAs that exist or will: all of them bill while they live. */
  readonly totalCas: number;
  readonly monthlyUsd: number;
  readonly hourlyUsd: number;
  /** Certificates AWS Private CA will issue (CA certificates and client certificates). */
  readonly certificates: number;
}

export function estimateCost(state: State): CostEstimate {
  // CAs made on this machine (--ca-source local) cost nothing, and neither do the certificates they issue.
  if (caSourceOf(state) === 'local') return {newCas: 0, totalCas: 0, monthlyUsd: 0, hourlyUsd: 0, certificates: 0};
  const totalCas = state.inputs.cas.length;
  const newCas = state.inputs.cas.filter((c) => !state.cas[c.name]?.arn).length;
  const certificates =
    state.inputs.cas.filter((c) => !state.cas[c.name]?.certificate).length + state.inputs.clients.filter((c) => !state.clients[c.name]?.certificate).length;
  const monthlyUsd = totalCas * CA_MONTHLY_USD;
  return {newCas, totalCas, monthlyUsd, hourlyUsd: monthlyUsd / HOURS_PER_MONTH, certificates};
}

const usd = (n: number) => `$${n.toLocaleString('en-US', {maximumFractionDigits: 2, minimumFractionDigits: n % 1 ? 2 : 0})}`;

/** The lines shown before the first billable call and at the end of the dry run. */
export function costLines(state: State): string[] {
  if (caSourceOf(state) === 'local') {
    return [
      `CAs: ${state.inputs.cas.length} made on this machine (--ca-source local): they cost nothing; their keys are files in the state dir`,
      `certificates: the ${state.inputs.clients.length} client certificates are issued here too: free`,
      'what remains costs cents: the public ACM certificate of the custom domain is free; API Gateway requests, a few KB in S3 and Route 53 queries cost cents',
      'run `mtls-wizard teardown` when you are done: it deletes the AWS resources and the files the walkthrough wrote here',
    ];
  }
  const e = estimateCost(state);
  const acm = state.inputs.clientCertMode === 'acm';
  return [
    `AWS Private CA: ${e.totalCas} general-purpose CAs × ${usd(CA_MONTHLY_USD)}/month = ${usd(e.monthlyUsd)}/month, billed pro rata (about ${usd(Math.round(e.hourlyUsd * 100) / 100)} an hour) until they are deleted`,
    `  (short-lived mode would be ${usd(SHORT_LIVED_CA_MONTHLY_USD)}/month per CA, but ACM cannot issue from it and its CA certificates last at most 7 days, so the wizard uses general-purpose mode)`,
    '  the first private CA created in this account and Region is free for its first 30 days; the others bill from the start',
    `certificates: ${e.certificates} issued by AWS Private CA, each charged once (tiered per-certificate fee, see https://aws.amazon.com/private-ca/pricing/)${acm ? '; ACM private certificates are charged when first exported' : ''}`,
    'the public ACM certificate of the custom domain is free; API Gateway requests, a few KB in S3 and Route 53 queries cost cents',
    'run `mtls-wizard teardown` when you are done: it deletes the CAs, which stops their billing',
  ];
}
