/**
 * Client certificates. Default: the key is made here and never leaves the machine; AWS Private CA signs
 * its CSR with EndEntityClientAuthCertificate/V1 (clientAuth only). "As in the article": ACM
 * RequestCertificate with the CA's ARN, then ExportCertificate with the passphrase (ACM's 395 days).
 * Either way the key is written encrypted (PKCS#8) with the passphrase, 0600.
 */
import {ExportCertificateCommand, RequestCertificateCommand} from '@aws-sdk/client-acm';
import {GetCertificateCommand, IssueCertificateCommand} from '@aws-sdk/client-acm-pca';
import {createPublicKey} from 'node:crypto';
import {readFile} from 'node:fs/promises';
import {ExternalError} from '../../errors.js';
import {type KeyMaterial, createCsr, decryptPrivateKey, encryptPrivateKey, generateKey, keyMatchesCertificate, parseCertificate, signingAlgorithmFor} from '../../pki/index.js';
import type {ClientInput, ClientRecord, KeyAlgorithm} from '../../state/schema.js';
import {writeSecretFile} from '../../util/fs.js';
import type {BackendContext} from '../backend.js';
import {LOCAL} from '../local/layout.js';
import {awaitCertificateIssued} from './acm.js';
import {type AwsEnv, abs, exists, required, utf8, writeStateFile} from './env.js';
import {awsCall} from './errors.js';
import {checkAcmIssuer} from './input-rules.js';
import {CLIENT_TEMPLATE, ROLE, newToken, tagList, templateArn} from './names.js';
import {type LoadedCa, loadCaFiles} from './private-ca.js';
import {findAcmCertificateByTags} from './reconcile.js';
import {daysUntil, validityFor} from './validity.js';
import {getOrWait} from './wait.js';

export async function ensureClientCertificate(ctx: BackendContext, aws: AwsEnv, input: ClientInput, passphrase: string): Promise<ClientRecord> {
  const existing = ctx.state().clients[input.name];
  if (existing?.certificate && existing.key && existing.fingerprint && (await exists(abs(ctx, existing.certificate))) && (await exists(abs(ctx, existing.key)))) return existing;
  const issuer = await loadCaFiles(ctx, aws, input.issuer);
  if (ctx.state().inputs.clientCertMode === 'acm') return viaAcm(ctx, aws, input, issuer, passphrase);
  return viaCsr(ctx, aws, input, issuer, passphrase);
}

async function viaCsr(ctx: BackendContext, aws: AwsEnv, input: ClientInput, issuer: LoadedCa, passphrase: string): Promise<ClientRecord> {
  const key = await clientKey(ctx, input, passphrase);
  const record = ctx.state().clients[input.name]!;
  const token = record.token!;
  let arn = record.arn;
  if (!arn) {
    const csr = await ctx.call('create CSR', `${input.name} (key stays here)`, () => createCsr({key, commonName: input.commonName, dnsName: input.dnsName}));
    const validity = validityFor(input.validityDays, ctx.now(), issuer.notAfter);
    if (validity.clamped) ctx.log(`${input.name} validity shortened to end with ${input.issuer} (${validity.notAfter.toISOString().slice(0, 10)})`, 'warn');
    const alg = ctx.state().inputs.keyAlgorithm;
    const out = await awsCall(ctx, 'acm-pca', 'IssueCertificate', `${input.name} ← ${input.issuer} (${CLIENT_TEMPLATE})`, () =>
      aws.clients.pca.send(
        new IssueCertificateCommand({
          CertificateAuthorityArn: issuer.arn,
          Csr: utf8(csr),
          SigningAlgorithm: signingAlgorithmFor(alg),
          TemplateArn: templateArn(aws.clients.region, CLIENT_TEMPLATE),
          Validity: validity.validity,
          IdempotencyToken: token,
        }),
      ),
    );
    const issuedArn = required(out.CertificateArn, 'IssueCertificate', 'CertificateArn');
    arn = issuedArn;
    await ctx.update((d) => {
      d.clients[input.name] = {...d.clients[input.name]!, arn: issuedArn};
    });
  }
  const ids = {CertificateAuthorityArn: issuer.arn, CertificateArn: arn};
  const got = await getOrWait(ctx, aws.timing, {
    service: 'acm-pca',
    api: 'GetCertificate',
    what: `the certificate of ${input.name}`,
    waiting: `waiting for the certificate of ${input.name} to be issued`,
    maxWaitMs: aws.timing.maxWaitMs.issued,
    get: () => aws.clients.pca.send(new GetCertificateCommand(ids)),
  });
  const certificate = required(got.Certificate, 'GetCertificate', 'Certificate');
  if (!keyMatchesCertificate(key.privateKeyPem, certificate)) {
    throw new ExternalError({what: `the certificate issued for ${input.name} does not match its key`, why: `${arn} was issued for another key`, fix: 'run `mtls-wizard teardown` and `mtls-wizard reset --yes`, then start again'});
  }
  return saveClient(ctx, input, certificate, LOCAL.clientKey(input.name));
}

/** The client's key: the one written before an interrupted issue (so a retry matches), or a new one. */
async function clientKey(ctx: BackendContext, input: ClientInput, passphrase: string): Promise<KeyMaterial> {
  const record = ctx.state().clients[input.name];
  const file = LOCAL.clientKey(input.name);
  const alg = ctx.state().inputs.keyAlgorithm;
  if (record?.token && (await exists(abs(ctx, file)))) {
    const privateKeyPem = decryptPrivateKey(await readFile(abs(ctx, file), 'utf8'), passphrase);
    return {algorithm: alg, privateKeyPem, publicKeyPem: createPublicKey(privateKeyPem).export({type: 'spki', format: 'pem'}).toString()};
  }
  const key = await ctx.call('generate key', alg, () => generateKey(alg));
  // Key first, then the token: a crash in between only leaves a key file that the next try overwrites.
  await writeSecretFile(abs(ctx, file), encryptPrivateKey(key.privateKeyPem, passphrase));
  await ctx.update((d) => {
    // Fields of a record being renewed (its passphrase file, the renewal marker) stay.
    d.clients[input.name] = {...d.clients[input.name], name: input.name, issuer: input.issuer, dnsName: input.dnsName, key: file, token: newToken()};
  });
  return key;
}

/** ACM can request RSA-2048 and the two ECDSA curves; the family must match the issuing CA's key. */
function acmKeyAlgorithm(alg: KeyAlgorithm): 'RSA_2048' | 'EC_prime256v1' | 'EC_secp384r1' {
  return alg === 'EC_prime256v1' || alg === 'EC_secp384r1' ? alg : 'RSA_2048';
}

async function viaAcm(ctx: BackendContext, aws: AwsEnv, input: ClientInput, issuer: LoadedCa, passphrase: string): Promise<ClientRecord> {
  checkAcmIssuer(input.name, input.issuer, daysUntil(issuer.notAfter, ctx.now()));
  const state = ctx.state();
  let arn = state.clients[input.name]?.arn;
  if (!arn) {
    const previous = state.clients[input.name]?.token;
    const found = previous ? await findAcmCertificateByTags(ctx, aws, input.dnsName, ROLE.client(input.name)) : undefined;
    const token = previous ?? newToken();
    if (!previous) {
      await ctx.update((d) => {
        d.clients[input.name] = {...d.clients[input.name], name: input.name, issuer: input.issuer, dnsName: input.dnsName, token};
      });
    }
    const requested =
      found ??
      required(
        (
          await awsCall(ctx, 'acm', 'RequestCertificate', `${input.dnsName} (private, from ${input.issuer})`, () =>
            aws.clients.acm.send(
              new RequestCertificateCommand({
                DomainName: input.dnsName,
                CertificateAuthorityArn: issuer.arn,
                KeyAlgorithm: acmKeyAlgorithm(state.inputs.keyAlgorithm),
                IdempotencyToken: token,
                Tags: tagList(state, ROLE.client(input.name)),
              }),
            ),
          )
        ).CertificateArn,
        'RequestCertificate',
        'CertificateArn',
      );
    arn = requested;
    await ctx.update((d) => {
      d.clients[input.name] = {...d.clients[input.name]!, arn: requested};
    });
  }
  const certificateArn = arn;
  await awaitCertificateIssued(ctx, aws, certificateArn, `the certificate of ${input.name}`, 'ACM issues private certificates without DNS validation');
  // The passphrase goes to ACM only as this request's blob; it is never logged (the call detail omits it).
  const exported = await awsCall(ctx, 'acm', 'ExportCertificate', input.name, () => aws.clients.acm.send(new ExportCertificateCommand({CertificateArn: certificateArn, Passphrase: utf8(passphrase)})));
  const certificate = required(exported.Certificate, 'ExportCertificate', 'Certificate');
  const privateKey = required(exported.PrivateKey, 'ExportCertificate', 'PrivateKey');
  const encrypted = privateKey.includes('BEGIN ENCRYPTED PRIVATE KEY') ? privateKey : encryptPrivateKey(privateKey, passphrase);
  await writeSecretFile(abs(ctx, LOCAL.clientKey(input.name)), encrypted.endsWith('\n') ? encrypted : `${encrypted}\n`);
  ctx.log(`ACM issued ${input.name} for ${input.dnsName} (its subject is the DNS name, ACM's rule) and exported its key encrypted with the passphrase`);
  return saveClient(ctx, input, certificate, LOCAL.clientKey(input.name));
}

async function saveClient(ctx: BackendContext, input: ClientInput, certificatePem: string, keyFile: string): Promise<ClientRecord> {
  const info = parseCertificate(certificatePem);
  await writeStateFile(ctx, LOCAL.clientCertificate(input.name), certificatePem);
  await ctx.update((d) => {
    d.clients[input.name] = {
      ...d.clients[input.name]!,
      name: input.name,
      issuer: input.issuer,
      dnsName: input.dnsName,
      certificate: LOCAL.clientCertificate(input.name),
      key: keyFile,
      subject: info.subject,
      serial: info.serial,
      fingerprint: info.fingerprint,
      notBefore: info.notBefore.toISOString(),
      notAfter: info.notAfter.toISOString(),
    };
  });
  return ctx.state().clients[input.name]!;
}
