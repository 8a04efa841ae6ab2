/**
 * CAs and client certificates made on this machine: keys and certificates under the state dir
 * (`cas/<name>/…`, `clients/<name>/…`, keys 0600 in 0700 folders). The local backend uses this for all
 * of its CAs, and the aws backend with `--ca-source local` for the same files, so the two cannot drift.
 * Every create is check-then-act on deterministic paths: a crash at any moment makes nothing twice.
 */
import {createPublicKey} from 'node:crypto';
import {access, readFile} from 'node:fs/promises';
import path from 'node:path';
import {UserError} from '../errors.js';
import {type KeyMaterial, clampNotAfter, createRootCa, encryptPrivateKey, issueCaCertificate, issueClientCertificate, notAfterOf} from '../pki/index.js';
import type {CaInput, CaRecord, ClientInput, ClientRecord, KeyAlgorithm} from '../state/schema.js';
import {writePublicFile, writeSecretFile} from '../util/fs.js';
import {pathLenFor} from '../wizard/inputs.js';
import type {BackendContext} from './backend.js';
import {LOCAL} from './local/layout.js';

const DAY = 86_400_000;
const exists = (file: string) => access(file).then(() => true, () => false);

/** Where a key comes from: a pool made ahead of time, or a new one. */
export type TakeKey = (algorithm: KeyAlgorithm) => Promise<KeyMaterial>;

/** Creates (or reuses) a CA whose key and certificate are files here; its parent is already in state. */
export async function ensureLocalCa(ctx: BackendContext, input: CaInput, takeKey: TakeKey): Promise<CaRecord> {
  const abs = (p: string) => path.join(ctx.stateDir, p);
  const existing = ctx.state().cas[input.name];
  if (existing?.certificate && existing.key && (await exists(abs(existing.certificate))) && (await exists(abs(existing.key)))) return existing;

  const state = ctx.state();
  const now = ctx.now();
  const requested = new Date(now.getTime() + input.validityDays * DAY);
  const key = await ctx.call('generate key', state.inputs.keyAlgorithm, () => takeKey(state.inputs.keyAlgorithm));
  const pathLen = pathLenFor(state.inputs, input.name);
  let issued;
  let chainPem: string;
  if (input.parent === null) {
    issued = await ctx.call('self-sign root certificate', input.name, () => createRootCa({key, commonName: input.commonName, notAfter: requested}));
    chainPem = issued.pem;
  } else {
    const parent = await loadLocalIssuer(ctx, input.parent);
    const notAfter = clampNotAfter(requested, parent.notAfter);
    if (requested.getTime() - notAfter.getTime() > DAY) ctx.log(`${input.name} validity shortened to end with ${input.parent} (${notAfter.toISOString().slice(0, 10)})`, 'warn');
    issued = await ctx.call('issue CA certificate', `${input.name} ← ${input.parent} pathLen ${pathLen}`, () =>
      issueCaCertificate({publicKeyPem: key.publicKeyPem, commonName: input.commonName, pathLen: pathLen ?? 0, issuer: parent.issuer, notAfter}),
    );
    chainPem = `${issued.pem.trim()}\n${parent.chainPem.trim()}\n`;
  }
  // Key first, then certificate, then state: a crash in between leaves files at the same paths, overwritten on retry.
  // Key, certificate and chain side by side (their fsyncs overlap), then state: a crash before the state write
  // leaves files at the same paths, overwritten on retry.
  await Promise.all([
    writeSecretFile(abs(LOCAL.caKey(input.name)), key.privateKeyPem),
    writePublicFile(abs(LOCAL.caCertificate(input.name)), issued.pem),
    writePublicFile(abs(LOCAL.caChain(input.name)), chainPem),
  ]);
  const record: CaRecord = {
    name: input.name,
    parent: input.parent,
    pathLen,
    certificate: LOCAL.caCertificate(input.name),
    chain: LOCAL.caChain(input.name),
    key: LOCAL.caKey(input.name),
    subject: issued.subject,
    serial: issued.serial,
    fingerprint: issued.fingerprint,
    notBefore: issued.notBefore.toISOString(),
    notAfter: issued.notAfter.toISOString(),
    status: 'ACTIVE',
  };
  await ctx.update((draft) => {
    draft.cas[input.name] = record;
  });
  return record;
}

/** A CA made here, ready to sign: its certificate, its key, when it ends, and its chain up to the root. */
export async function loadLocalIssuer(ctx: BackendContext, name: string): Promise<{issuer: {certificatePem: string; key: KeyMaterial}; notAfter: Date; chainPem: string}> {
  const record = ctx.state().cas[name];
  if (!record?.certificate || !record.key) {
    throw new UserError({what: `cannot issue from ${name}`, why: `${name} does not exist yet`, fix: 'run the walkthrough from the start (`mtls-wizard run`)'});
  }
  const abs = (p: string) => path.join(ctx.stateDir, p);
  const [certificatePem, privateKeyPem, chainPem] = await Promise.all([
    readFile(abs(record.certificate), 'utf8'),
    readFile(abs(record.key), 'utf8'),
    readFile(abs(record.chain ?? record.certificate), 'utf8'),
  ]);
  const key = keyFromPrivate(ctx.state().inputs.keyAlgorithm, privateKeyPem);
  return {issuer: {certificatePem, key}, notAfter: notAfterOf(certificatePem), chainPem};
}

/** Creates (or reuses) a client certificate signed here; its key is written encrypted (PKCS#8) with the passphrase. */
export async function ensureLocalClient(ctx: BackendContext, input: ClientInput, passphrase: string, takeKey: TakeKey): Promise<ClientRecord> {
  const abs = (p: string) => path.join(ctx.stateDir, p);
  const existing = ctx.state().clients[input.name];
  if (existing?.certificate && existing.key && (await exists(abs(existing.certificate))) && (await exists(abs(existing.key)))) return existing;
  const issuer = await loadLocalIssuer(ctx, input.issuer);
  const key = await ctx.call('generate key', ctx.state().inputs.keyAlgorithm, () => takeKey(ctx.state().inputs.keyAlgorithm));
  const notAfter = clampNotAfter(new Date(ctx.now().getTime() + input.validityDays * DAY), issuer.notAfter);
  const issued = await ctx.call('issue client certificate', `${input.name} ← ${input.issuer}`, () =>
    issueClientCertificate({publicKeyPem: key.publicKeyPem, commonName: input.commonName, dnsName: input.dnsName, issuer: issuer.issuer, notAfter}),
  );
  await Promise.all([
    writeSecretFile(abs(LOCAL.clientKey(input.name)), encryptPrivateKey(key.privateKeyPem, passphrase)),
    writePublicFile(abs(LOCAL.clientCertificate(input.name)), issued.pem),
  ]);
  const record: ClientRecord = {
    name: input.name,
    issuer: input.issuer,
    dnsName: input.dnsName,
    certificate: LOCAL.clientCertificate(input.name),
    key: LOCAL.clientKey(input.name),
    subject: issued.subject,
    serial: issued.serial,
    fingerprint: issued.fingerprint,
    notBefore: issued.notBefore.toISOString(),
    notAfter: issued.notAfter.toISOString(),
  };
  await ctx.update((draft) => {
    draft.clients[input.name] = {...draft.clients[input.name], ...record};
  });
  return ctx.state().clients[input.name]!;
}

export function keyFromPrivate(algorithm: KeyMaterial['algorithm'], privateKeyPem: string): KeyMaterial {
  const publicKeyPem = createPublicKey(privateKeyPem).export({type: 'spki', format: 'pem'}).toString();
  return {algorithm, privateKeyPem, publicKeyPem};
}
