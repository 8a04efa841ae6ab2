/**
 * One CA in AWS Private CA: CreateCertificateAuthority → GetCertificateAuthorityCsr (polled while AWS
 * makes the key) → IssueCertificate (RootCACertificate/V1 on itself, or SubordinateCACertificate_PathLenN/V1
 * on its parent) → GetCertificate (polled until issued) → ImportCertificateAuthorityCertificate (with the
 * parent's chain for a subordinate) → ACTIVE. The first two need no parent (preparePrivateCa), so a step
 * with two CAs waits for both keys at once.
 * Each stage is recorded as it completes, so a resume continues from the CA's real status in AWS.
 */
import {
  type CertificateAuthority,
  CreateCertificateAuthorityCommand,
  DescribeCertificateAuthorityCommand,
  GetCertificateAuthorityCertificateCommand,
  GetCertificateAuthorityCsrCommand,
  GetCertificateCommand,
  ImportCertificateAuthorityCertificateCommand,
  IssueCertificateCommand,
} from '@aws-sdk/client-acm-pca';
import {readFile} from 'node:fs/promises';
import {UserError} from '../../errors.js';
import {parseCertificate, signingAlgorithmFor} from '../../pki/index.js';
import type {CaInput, CaRecord} from '../../state/schema.js';
import {pathLenFor} from '../../wizard/inputs.js';
import type {BackendContext} from '../backend.js';
import {LOCAL} from '../local/layout.js';
import {type AwsEnv, abs, exists, joinPem, required, utf8, writeStateFile} from './env.js';
import {awsCall, isAwsError} from './errors.js';
import {ROLE, ROOT_TEMPLATE, newToken, subordinateTemplate, tagList, templateArn} from './names.js';
import {findCaByTags} from './reconcile-pca.js';
import {validityFor} from './validity.js';
import {getOrWait, poll} from './wait.js';

export async function ensurePrivateCa(ctx: BackendContext, aws: AwsEnv, input: CaInput): Promise<CaRecord> {
  const pathLen = pathLenFor(ctx.state().inputs, input.name);
  const parent = input.parent === null ? undefined : await loadCaFiles(ctx, aws, input.parent);
  const arn = ctx.state().cas[input.name]?.arn ?? (await findOrCreateCa(ctx, aws, input, pathLen));
  const ca = await describeCa(ctx, aws, arn, input.name);
  if (ca.Status === 'ACTIVE') {
    await loadCaFiles(ctx, aws, input.name);
    return ctx.state().cas[input.name]!;
  }
  if (ca.Status !== 'CREATING' && ca.Status !== 'PENDING_CERTIFICATE') throw unusable(input.name, arn, ca);

  const pca = aws.clients.pca;
  const csr = await waitForCsr(ctx, aws, input.name, arn);
  const issuerArn = parent?.arn ?? arn;
  const certificateArn = await issueCaCertificate(ctx, aws, input, required(csr.Csr, 'GetCertificateAuthorityCsr', 'Csr'), issuerArn, parent, pathLen);
  const ids = {CertificateAuthorityArn: issuerArn, CertificateArn: certificateArn};
  const issued = await getOrWait(ctx, aws.timing, {
    service: 'acm-pca',
    api: 'GetCertificate',
    what: `the certificate of ${input.name}`,
    waiting: `waiting for the certificate of ${input.name} to be issued`,
    maxWaitMs: aws.timing.maxWaitMs.issued,
    get: () => pca.send(new GetCertificateCommand(ids)),
  });
  const certificate = required(issued.Certificate, 'GetCertificate', 'Certificate');
  // The chain is the parent's own chain file (the parent, then its parents up to the root): what AWS asks
  // for, root last, without the certificate being imported.
  const chain = parent ? parent.chainPem : undefined;
  await awsCall(ctx, 'acm-pca', 'ImportCertificateAuthorityCertificate', input.name, () =>
    aws.clients.pca.send(new ImportCertificateAuthorityCertificateCommand({CertificateAuthorityArn: arn, Certificate: utf8(certificate), ...(chain ? {CertificateChain: utf8(chain)} : {})})),
  );
  await poll(ctx, aws.timing, {
    what: `${input.name} to become ACTIVE`,
    maxWaitMs: aws.timing.maxWaitMs.issued,
    fix: 'run `mtls-wizard run` again in a minute; it continues from the CA status',
    check: async () => {
      const now = await describeCa(ctx, aws, arn, input.name);
      return now.Status === 'ACTIVE' ? {done: true, value: now} : {done: false, waiting: `${input.name} is ${now.Status}`};
    },
  });
  return saveCaFiles(ctx, input.name, certificate, chain);
}

/**
 * The part of a CA that needs no parent: create it (or find it) and wait for AWS to make its key and CSR.
 * A step with several CAs does this for all of them at once, so their waits overlap.
 */
export async function preparePrivateCa(ctx: BackendContext, aws: AwsEnv, input: CaInput): Promise<void> {
  const pathLen = pathLenFor(ctx.state().inputs, input.name);
  const arn = ctx.state().cas[input.name]?.arn ?? (await findOrCreateCa(ctx, aws, input, pathLen));
  const ca = await describeCa(ctx, aws, arn, input.name);
  if (ca.Status === 'ACTIVE') return;
  if (ca.Status !== 'CREATING' && ca.Status !== 'PENDING_CERTIFICATE') throw unusable(input.name, arn, ca);
  await waitForCsr(ctx, aws, input.name, arn);
}

function waitForCsr(ctx: BackendContext, aws: AwsEnv, name: string, arn: string) {
  return getOrWait(ctx, aws.timing, {
    service: 'acm-pca',
    api: 'GetCertificateAuthorityCsr',
    what: `the CSR of ${name}`,
    waiting: `waiting for AWS Private CA to make the key and CSR of ${name}`,
    maxWaitMs: aws.timing.maxWaitMs.issued,
    get: () => aws.clients.pca.send(new GetCertificateAuthorityCsrCommand({CertificateAuthorityArn: arn})),
  });
}

async function findOrCreateCa(ctx: BackendContext, aws: AwsEnv, input: CaInput, pathLen: number | null): Promise<string> {
  const before = ctx.state().cas[input.name];
  // A token in state means a create call may have reached AWS before the process died: look for it first.
  const found = before?.token ? await findCaByTags(ctx, aws, input) : undefined;
  const token = before?.token ?? newToken();
  if (!found) {
    await ctx.update((d) => {
      d.cas[input.name] = {...d.cas[input.name], name: input.name, parent: input.parent, pathLen, token};
    });
  }
  const arn = found ?? (await createCa(ctx, aws, input, token));
  await ctx.update((d) => {
    d.cas[input.name] = {...d.cas[input.name]!, arn, status: 'CREATING'};
  });
  return arn;
}

async function createCa(ctx: BackendContext, aws: AwsEnv, input: CaInput, token: string): Promise<string> {
  const state = ctx.state();
  const request = (standard?: 'FIPS_140_2_LEVEL_2_OR_HIGHER') =>
    new CreateCertificateAuthorityCommand({
      CertificateAuthorityType: input.parent === null ? 'ROOT' : 'SUBORDINATE',
      CertificateAuthorityConfiguration: {
        KeyAlgorithm: state.inputs.keyAlgorithm,
        SigningAlgorithm: signingAlgorithmFor(state.inputs.keyAlgorithm),
        Subject: {CommonName: input.commonName},
      },
      // Short-lived mode is cheaper but ACM cannot issue from it and it caps certificates at 7 days.
      UsageMode: 'GENERAL_PURPOSE',
      IdempotencyToken: token,
      Tags: tagList(state, ROLE.ca(input.name)),
      ...(standard ? {KeyStorageSecurityStandard: standard} : {}),
    });
  const detail = `${input.name} (${input.parent === null ? 'ROOT' : 'SUBORDINATE'})`;
  try {
    const out = await ctx.call('CreateCertificateAuthority', detail, () => aws.clients.pca.send(request()));
    return required(out.CertificateAuthorityArn, 'CreateCertificateAuthority', 'CertificateAuthorityArn');
  } catch (error) {
    // Some Regions do not offer the default FIPS 140-2 level 3 key storage: AWS says so, and level 2 works there.
    if (!(isAwsError(error, 'InvalidArgsException') && /security standard/i.test((error as Error).message))) {
      return awsCall(ctx, 'acm-pca', 'CreateCertificateAuthority', detail, () => Promise.reject(error));
    }
    ctx.log(`this Region does not offer FIPS 140-2 level 3 key storage; creating ${input.name} with level 2`, 'warn');
    const out = await awsCall(ctx, 'acm-pca', 'CreateCertificateAuthority', detail, () => aws.clients.pca.send(request('FIPS_140_2_LEVEL_2_OR_HIGHER')));
    return required(out.CertificateAuthorityArn, 'CreateCertificateAuthority', 'CertificateAuthorityArn');
  }
}

async function issueCaCertificate(ctx: BackendContext, aws: AwsEnv, input: CaInput, csr: string, issuerArn: string, parent: LoadedCa | undefined, pathLen: number | null): Promise<string> {
  const recorded = ctx.state().cas[input.name];
  if (recorded?.certificateArn) return recorded.certificateArn;
  // IssueCertificate has no tags; its token (5-minute window) is what makes a retry return the same certificate.
  const token = recorded?.issueToken ?? newToken();
  if (!recorded?.issueToken) {
    await ctx.update((d) => {
      d.cas[input.name] = {...d.cas[input.name]!, issueToken: token};
    });
  }
  const state = ctx.state();
  const template = parent ? subordinateTemplate(pathLen ?? 0) : ROOT_TEMPLATE;
  const validity = validityFor(input.validityDays, ctx.now(), parent?.notAfter);
  if (validity.clamped) ctx.log(`${input.name} validity shortened to end with ${input.parent} (${validity.notAfter.toISOString().slice(0, 10)})`, 'warn');
  const out = await awsCall(ctx, 'acm-pca', 'IssueCertificate', `${input.name} ← ${parent ? input.parent : 'itself'} (${template})`, () =>
    aws.clients.pca.send(
      new IssueCertificateCommand({
        CertificateAuthorityArn: issuerArn,
        Csr: utf8(csr),
        SigningAlgorithm: signingAlgorithmFor(state.inputs.keyAlgorithm),
        TemplateArn: templateArn(aws.clients.region, template),
        Validity: validity.validity,
        IdempotencyToken: token,
      }),
    ),
  );
  const certificateArn = required(out.CertificateArn, 'IssueCertificate', 'CertificateArn');
  await ctx.update((d) => {
    d.cas[input.name] = {...d.cas[input.name]!, certificateArn};
  });
  return certificateArn;
}

async function describeCa(ctx: BackendContext, aws: AwsEnv, arn: string, name: string): Promise<CertificateAuthority> {
  try {
    const out = await ctx.call('DescribeCertificateAuthority', name, () => aws.clients.pca.send(new DescribeCertificateAuthorityCommand({CertificateAuthorityArn: arn})));
    const ca = required(out.CertificateAuthority, 'DescribeCertificateAuthority', 'CertificateAuthority');
    await ctx.update((d) => {
      const record = d.cas[name];
      if (record) record.status = ca.Status;
    });
    return ca;
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFoundException')) {
      throw new UserError({what: `cannot use ${name}`, why: `the CA ${arn} recorded in state no longer exists in AWS Private CA`, fix: 'run `mtls-wizard teardown` then `mtls-wizard reset --yes` to start over'});
    }
    return awsCall(ctx, 'acm-pca', 'DescribeCertificateAuthority', name, () => Promise.reject(error));
  }
}

function unusable(name: string, arn: string, ca: CertificateAuthority): UserError {
  const status = ca.Status ?? 'unknown';
  const fix =
    status === 'DISABLED'
      ? `enable it again (\`aws acm-pca update-certificate-authority --certificate-authority-arn ${arn} --status ACTIVE\`), then run \`mtls-wizard run\``
      : status === 'DELETED'
        ? `restore it (\`aws acm-pca restore-certificate-authority --certificate-authority-arn ${arn}\`), or run \`mtls-wizard teardown\` and \`mtls-wizard reset --yes\``
        : 'run `mtls-wizard teardown` then `mtls-wizard reset --yes` to start over';
  return new UserError({what: `cannot use ${name}`, why: `its CA in AWS Private CA is ${status}${ca.FailureReason ? ` (${ca.FailureReason})` : ''}`, fix});
}

export interface LoadedCa {
  readonly arn: string;
  readonly certificatePem: string;
  /** The CA's certificate then its parents' up to the root. */
  readonly chainPem: string;
  readonly notAfter: Date;
}

/** An ACTIVE CA's certificate and chain: from the files when present, else fetched from AWS and written. */
export async function loadCaFiles(ctx: BackendContext, aws: AwsEnv, name: string): Promise<LoadedCa> {
  const record = ctx.state().cas[name];
  if (!record?.arn || record.status !== 'ACTIVE') {
    throw new UserError({what: `cannot issue from ${name}`, why: `${name} is not ACTIVE in AWS Private CA yet`, fix: 'run `mtls-wizard run` to finish the CA steps first'});
  }
  if (record.certificate && record.chain && record.fingerprint && (await exists(abs(ctx, record.certificate))) && (await exists(abs(ctx, record.chain)))) {
    const [certificatePem, chainPem] = await Promise.all([readFile(abs(ctx, record.certificate), 'utf8'), readFile(abs(ctx, record.chain), 'utf8')]);
    return {arn: record.arn, certificatePem, chainPem, notAfter: parseCertificate(certificatePem).notAfter};
  }
  const arn = record.arn;
  const out = await awsCall(ctx, 'acm-pca', 'GetCertificateAuthorityCertificate', name, () => aws.clients.pca.send(new GetCertificateAuthorityCertificateCommand({CertificateAuthorityArn: arn})));
  const saved = await saveCaFiles(ctx, name, required(out.Certificate, 'GetCertificateAuthorityCertificate', 'Certificate'), out.CertificateChain);
  const certificatePem = await readFile(abs(ctx, saved.certificate!), 'utf8');
  return {arn, certificatePem, chainPem: joinPem(certificatePem, out.CertificateChain), notAfter: new Date(saved.notAfter!)};
}

/** Writes the CA's certificate and chain (no key: it never leaves AWS Private CA) and records what they say. */
async function saveCaFiles(ctx: BackendContext, name: string, certificatePem: string, parentChainPem: string | undefined): Promise<CaRecord> {
  const info = parseCertificate(certificatePem);
  await writeStateFile(ctx, LOCAL.caCertificate(name), joinPem(certificatePem));
  await writeStateFile(ctx, LOCAL.caChain(name), joinPem(certificatePem, parentChainPem));
  await ctx.update((d) => {
    d.cas[name] = {
      ...d.cas[name]!,
      certificate: LOCAL.caCertificate(name),
      chain: LOCAL.caChain(name),
      subject: info.subject,
      serial: info.serial,
      fingerprint: info.fingerprint,
      notBefore: info.notBefore.toISOString(),
      notAfter: info.notAfter.toISOString(),
      status: 'ACTIVE',
    };
  });
  return ctx.state().cas[name]!;
}
