/**
 * Rules the AWS backend checks before its first call: AWS Private CA refuses a certificate that outlives
 * its issuer, has subordinate templates for pathLen 0–3 only, and ACM's private certificates last 395 days.
 * Pure, so the dry run applies them too.
 */
import {UserError} from '../../errors.js';
import type {CaInput, Inputs} from '../../state/schema.js';
import {pathLenFor} from '../../wizard/inputs.js';
import {ACM_PRIVATE_VALIDITY_DAYS, MAX_TEMPLATE_PATH_LEN} from './names.js';

/** API Gateway accepts chains of at most four CA certificates. */
const MAX_CHAIN_CAS = 4;

function depthOf(inputs: Inputs, ca: CaInput): number {
  let depth = 1;
  let parent = ca.parent;
  while (parent !== null && depth <= inputs.cas.length) {
    const next = inputs.cas.find((c) => c.name === parent);
    if (!next) break;
    depth += 1;
    parent = next.parent;
  }
  return depth;
}

export function checkAwsInputs(inputs: Inputs): void {
  const byName = new Map(inputs.cas.map((c) => [c.name, c]));
  const pca = (inputs.caSource ?? 'pca') === 'pca';
  if (!pca && inputs.clientCertMode === 'acm') {
    throw new UserError({what: 'cannot use --client-cert-mode acm with --ca-source local', why: 'ACM issues private certificates only from an AWS Private CA, and the CAs are made on this machine', fix: 'drop --client-cert-mode (the client certificates are then issued here), or use --ca-source pca', field: 'client-cert-mode'});
  }
  for (const ca of inputs.cas) {
    if (ca.parent === null) continue;
    const parent = byName.get(ca.parent);
    if (!parent) throw new UserError({what: `cannot plan ${ca.name}`, why: `its parent ${ca.parent} is not in the hierarchy`, fix: 'run `mtls-wizard reset --yes` and start again', field: 'ca-names'});
    // Made here, a CA that would outlive its parent is shortened to end with it (as on the local backend).
    if (pca && ca.validityDays > parent.validityDays) {
      throw new UserError({
        what: `cannot create ${ca.name} for ${ca.validityDays} days`,
        why: `AWS Private CA refuses a certificate that ends after its issuer ${parent.name} (${parent.validityDays} days)`,
        fix: `pass --intermediate-validity-days ${parent.validityDays} or less`,
        field: 'intermediate-validity-days',
      });
    }
    const pathLen = pathLenFor(inputs, ca.name) ?? 0;
    if (pca && pathLen > MAX_TEMPLATE_PATH_LEN) {
      throw new UserError({what: `cannot create ${ca.name} with pathLen ${pathLen}`, why: `AWS Private CA has subordinate templates up to pathLen ${MAX_TEMPLATE_PATH_LEN}`, fix: 'use a shallower hierarchy'});
    }
    if (depthOf(inputs, ca) > MAX_CHAIN_CAS) {
      throw new UserError({what: `cannot place ${ca.name} that deep`, why: `API Gateway accepts chains of at most ${MAX_CHAIN_CAS} CA certificates`, fix: 'use a shallower hierarchy'});
    }
  }
  for (const client of inputs.clients) {
    const issuer = byName.get(client.issuer);
    if (!issuer) throw new UserError({what: `cannot plan ${client.name}`, why: `its issuer ${client.issuer} is not in the hierarchy`, fix: 'run `mtls-wizard reset --yes` and start again'});
    if (inputs.clientCertMode === 'acm') {
      checkAcmIssuer(client.name, issuer.name, issuer.validityDays);
      if (!client.dnsName.includes('.')) {
        throw new UserError({what: `cannot request ${client.name} from ACM`, why: `ACM needs a domain name with at least one dot, and ${client.dnsName} has none`, fix: 'pass a --domain with at least two labels'});
      }
    } else if (pca && client.validityDays > issuer.validityDays) {
      throw new UserError({
        what: `cannot issue ${client.name} for ${client.validityDays} days`,
        why: `AWS Private CA refuses a certificate that ends after its issuer ${issuer.name} (${issuer.validityDays} days)`,
        fix: `pass --client-validity-days ${issuer.validityDays} or less`,
        field: 'client-validity-days',
      });
    }
  }
}

/** ACM's private certificates last 395 days and ACM refuses one that would outlive its CA: say so up front. */
export function checkAcmIssuer(client: string, issuer: string, issuerDaysLeft: number): void {
  if (issuerDaysLeft > ACM_PRIVATE_VALIDITY_DAYS) return;
  throw new UserError({
    what: `cannot have ACM issue ${client}`,
    why: `ACM private certificates last ${ACM_PRIVATE_VALIDITY_DAYS} days, and ${issuer} ends in ${issuerDaysLeft} days, before such a certificate would`,
    fix: `give the CAs more than ${ACM_PRIVATE_VALIDITY_DAYS} days (--intermediate-validity-days), or use the default client mode (local key and CSR)`,
    field: 'client-cert-mode',
  });
}
