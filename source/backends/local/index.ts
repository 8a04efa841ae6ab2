/**
 * The embedded local backend: real keys and certificates on disk, a versioned object store standing in
 * for S3, control-plane records standing in for API Gateway, and a real mTLS gateway on 127.0.0.1.
 * Every create is check-then-act on deterministic paths, so a crash at any moment makes nothing twice.
 */
import {createHash, createPublicKey, randomBytes} from 'node:crypto';
import {access, readFile, rm} from 'node:fs/promises';
import path from 'node:path';
import {UserError} from '../../errors.js';
import {
  type KeyMaterial,
  clampNotAfter,
  createRootCa,
  encryptPrivateKey,
  generateKey,
  issueCaCertificate,
  issueClientCertificate,
  issueServerCertificate,
  parseCertificate,
} from '../../pki/index.js';
import type {CaInput, CaRecord, ClientInput, ClientRecord, DomainRecord, State, StepId, TruststoreVersion} from '../../state/schema.js';
import {checkTruststore} from '../../truststore/index.js';
import {pathLenFor} from '../../wizard/inputs.js';
import {writeFileAtomic, writePublicFile, writeSecretFile} from '../../util/fs.js';
import type {Backend, BackendContext, EndpointHandle} from '../backend.js';
import {forgetResources, recordTruststoreVersion} from '../records.js';
import {readGatewayPid} from './gateway-pid.js';
import {detectCurl} from '../../shell/curl.js';
import {KeyPool} from './key-pool.js';
import {LOCAL, type LocalApiFile, type LocalDomainFile} from './layout.js';
import {LocalObjectStore} from './object-store.js';
import {endpointUrl, startLocalGateway} from './serve.js';

const DAY = 86_400_000;
const exists = (file: string) => access(file).then(() => true, () => false);

export class LocalBackend implements Backend {
  readonly kind = 'local' as const;
  readonly #keys = new KeyPool();

  /** Starts every key the rest of the walkthrough needs (CAs, clients, the outsider), so they are ready in time. */
  async preflight(ctx: BackendContext): Promise<void> {
    const state = ctx.state();
    const missing = state.inputs.cas.filter((c) => !state.cas[c.name]?.certificate).length + state.inputs.clients.filter((c) => !state.clients[c.name]?.certificate).length;
    if (missing > 0) this.#keys.prefill(state.inputs.keyAlgorithm, missing);
    // The connect steps need `curl -V`; ask now, while the CA steps run (a missing curl is reported there).
    detectCurl().catch(() => undefined);
  }

  async ensureCa(ctx: BackendContext, input: CaInput): Promise<CaRecord> {
    const abs = (p: string) => path.join(ctx.stateDir, p);
    const existing = ctx.state().cas[input.name];
    if (existing?.certificate && existing.key && (await exists(abs(existing.certificate))) && (await exists(abs(existing.key)))) return existing;

    const state = ctx.state();
    const now = ctx.now();
    const requested = new Date(now.getTime() + input.validityDays * DAY);
    const key = await ctx.call('generate key', state.inputs.keyAlgorithm, () => this.#keys.take(state.inputs.keyAlgorithm));
    const pathLen = pathLenFor(state.inputs, input.name);
    let issued;
    let chainPem: string;
    if (input.parent === null) {
      issued = await ctx.call('self-sign root certificate', input.name, () => createRootCa({key, commonName: input.commonName, notAfter: requested}));
      chainPem = issued.pem;
    } else {
      const parent = await this.#loadIssuer(ctx, input.parent);
      const notAfter = clampNotAfter(requested, parent.notAfter);
      if (requested.getTime() - notAfter.getTime() > DAY) ctx.log(`${input.name} validity shortened to end with ${input.parent} (${notAfter.toISOString().slice(0, 10)})`, 'warn');
      issued = await ctx.call('issue CA certificate', `${input.name} ← ${input.parent} pathLen ${pathLen}`, () =>
        issueCaCertificate({publicKeyPem: key.publicKeyPem, commonName: input.commonName, pathLen: pathLen ?? 0, issuer: parent.issuer, notAfter}),
      );
      chainPem = `${issued.pem.trim()}\n${parent.chainPem.trim()}\n`;
    }
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

  async #loadIssuer(ctx: BackendContext, name: string): Promise<{issuer: {certificatePem: string; key: KeyMaterial}; notAfter: Date; chainPem: string}> {
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
    const info = parseCertificate(certificatePem);
    const key = keyFromPrivate(ctx.state().inputs.keyAlgorithm, privateKeyPem);
    return {issuer: {certificatePem, key}, notAfter: info.notAfter, chainPem};
  }

  async ensureApi(ctx: BackendContext) {
    const state = ctx.state();
    const id = state.api?.id ?? createHash('sha256').update(state.walkthroughId).digest('hex').slice(0, 10);
    const name = `${state.inputs.prefix ? `${state.inputs.prefix}-` : ''}mtls-wizard-api`;
    const file: LocalApiFile = {id, name, routes: [{method: 'GET', path: state.inputs.resourcePath}]};
    await writePublicFile(path.join(ctx.stateDir, LOCAL.apiFile(id)), `${JSON.stringify(file, null, 2)}\n`);
    await ctx.update((draft) => {
      draft.api = {id, name, resourcePath: state.inputs.resourcePath, stage: 'prod'};
    });
    return ctx.state().api!;
  }

  async ensureDomain(ctx: BackendContext): Promise<DomainRecord> {
    const state = ctx.state();
    const abs = (p: string) => path.join(ctx.stateDir, p);
    const name = state.inputs.domain;
    const existing = state.domain;
    if (existing?.basePathMapped && existing.serverCertificate && (await exists(abs(existing.serverCertificate)))) return existing;
    if (!state.api?.id) throw new UserError({what: 'cannot map the custom domain', why: 'the API does not exist yet', fix: 'run the api step first'});

    // The stand-in for a public CA (ACM's role): it signs only the server certificate.
    const now = ctx.now();
    let caPem: string;
    let caKey: KeyMaterial;
    if ((await exists(abs(LOCAL.publicCaCertificate))) && (await exists(abs(LOCAL.publicCaKey)))) {
      caPem = await readFile(abs(LOCAL.publicCaCertificate), 'utf8');
      caKey = keyFromPrivate('EC_prime256v1', await readFile(abs(LOCAL.publicCaKey), 'utf8'));
    } else {
      caKey = await generateKey('EC_prime256v1');
      caPem = (await createRootCa({key: caKey, commonName: 'mtls-wizard local public CA', notAfter: new Date(now.getTime() + 3650 * DAY)})).pem;
      await Promise.all([writeSecretFile(abs(LOCAL.publicCaKey), caKey.privateKeyPem), writePublicFile(abs(LOCAL.publicCaCertificate), caPem)]);
    }
    const serverKey = await generateKey('EC_prime256v1');
    const server = await ctx.call('issue server certificate', name, () =>
      issueServerCertificate({publicKeyPem: serverKey.publicKeyPem, dnsNames: [name], issuer: {certificatePem: caPem, key: caKey}, notAfter: new Date(now.getTime() + 395 * DAY)}),
    );
    await Promise.all([
      writeSecretFile(abs(LOCAL.serverKey(name)), serverKey.privateKeyPem),
      writePublicFile(abs(LOCAL.serverCertificate(name)), `${server.pem.trim()}\n${caPem.trim()}\n`),
    ]);
    const previous = await readDomainFile(abs(LOCAL.domainFile(name)));
    const domainFile: LocalDomainFile = {
      domainName: name,
      apiId: state.api.id,
      stage: state.api.stage ?? 'prod',
      serverCertificate: LOCAL.serverCertificate(name),
      serverKey: LOCAL.serverKey(name),
      ...(previous?.truststoreUri ? {truststoreUri: previous.truststoreUri, truststoreVersion: previous.truststoreVersion} : {}),
    };
    await writePublicFile(abs(LOCAL.domainFile(name)), `${JSON.stringify(domainFile, null, 2)}\n`);
    const port = state.inputs.port;
    const record: DomainRecord = {
      name,
      url: endpointUrl(name, port, state.inputs.resourcePath),
      resolve: `${name}:${port}:127.0.0.1`,
      caCertificate: LOCAL.publicCaCertificate,
      serverCertificate: LOCAL.serverCertificate(name),
      serverKey: LOCAL.serverKey(name),
      publicCaKey: LOCAL.publicCaKey,
      basePathMapped: true,
    };
    await ctx.update((draft) => {
      draft.domain = record;
    });
    return record;
  }

  #bucket(state: State): string {
    // S3 bucket names are 3 to 63 characters.
    const name = `${state.inputs.prefix ? `${state.inputs.prefix}-` : ''}mtls-wizard-truststore-${state.walkthroughId}`.toLowerCase();
    return name.slice(0, 63).replace(/-+$/, '');
  }

  async uploadTruststore(ctx: BackendContext, bundlePem: string, step: StepId): Promise<TruststoreVersion> {
    const state = ctx.state();
    const bucket = state.truststore?.bucket ?? this.#bucket(state);
    const key = state.truststore?.key ?? 'truststore.pem';
    const uri = `s3://${bucket}/${key}`;
    const file = LOCAL.truststoreCopy(step);
    // The token goes to state before the upload: a retry after a crash finds the same version again.
    const token = state.truststore?.pendingUpload?.step === step ? state.truststore.pendingUpload.token : randomBytes(12).toString('hex');
    await ctx.update((draft) => {
      draft.truststore ??= {bucket, key, uri, versions: [], warnings: []};
      draft.truststore.pendingUpload = {token, step, file};
    });
    await writePublicFile(path.join(ctx.stateDir, file), bundlePem);
    const store = new LocalObjectStore(path.join(ctx.stateDir, LOCAL.objectStore));
    await store.createBucket(bucket);
    const object = await ctx.call('PutObject', uri, () => store.putObject(bucket, key, bundlePem, {token}));
    return recordTruststoreVersion(ctx, {versionId: object.versionId, file, bundlePem, step, uri});
  }

  async pinTruststore(ctx: BackendContext, versionId: string): Promise<{warnings: string[]}> {
    const state = ctx.state();
    if (!state.truststore || !state.domain) throw new UserError({what: 'cannot turn on mTLS', why: 'the custom domain or the truststore is missing', fix: 'run the earlier steps first'});
    const abs = (p: string) => path.join(ctx.stateDir, p);
    const domainPath = abs(LOCAL.domainFile(state.domain.name));
    const current = await readDomainFile(domainPath);
    if (!current) throw new UserError({what: 'cannot turn on mTLS', why: `the domain record ${domainPath} is missing`, fix: 'run `mtls-wizard teardown --yes` then `mtls-wizard run`'});
    const version = state.truststore.versions.find((v) => v.versionId === versionId);
    const pem = version ? await readFile(abs(version.file), 'utf8') : '';
    // What API Gateway would put in truststoreWarnings: problems that do not stop the update.
    const report = checkTruststore(pem, {now: ctx.now()});
    const warnings = [...report.errors, ...report.warnings].map((f) => `${f.message}${f.subject ? ` (${f.subject})` : ''}`);
    const next: LocalDomainFile = {...current, truststoreUri: state.truststore.uri, truststoreVersion: versionId};
    await ctx.call('UpdateDomainName', `truststoreVersion=${versionId}`, () => writeFileAtomic(domainPath, `${JSON.stringify(next, null, 2)}\n`));
    await ctx.update((draft) => {
      draft.truststore!.pinnedVersion = versionId;
      draft.truststore!.warnings = warnings;
    });
    return {warnings};
  }

  async ensureClient(ctx: BackendContext, input: ClientInput, passphrase: string): Promise<ClientRecord> {
    const abs = (p: string) => path.join(ctx.stateDir, p);
    const existing = ctx.state().clients[input.name];
    if (existing?.certificate && existing.key && (await exists(abs(existing.certificate))) && (await exists(abs(existing.key)))) return existing;
    const issuer = await this.#loadIssuer(ctx, input.issuer);
    const key = await ctx.call('generate key', ctx.state().inputs.keyAlgorithm, () => this.#keys.take(ctx.state().inputs.keyAlgorithm));
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

  async openEndpoint(ctx: BackendContext): Promise<EndpointHandle> {
    const state = ctx.state();
    const running = await readGatewayPid(ctx.stateDir);
    if (running && state.domain) {
      ctx.log(`using the gateway already running (pid ${running.pid}, port ${running.port})`);
      return {
        url: endpointUrl(state.domain.name, running.port, state.inputs.resourcePath),
        resolve: `${state.domain.name}:${running.port}:127.0.0.1`,
        caCertificate: path.join(ctx.stateDir, state.domain.caCertificate ?? LOCAL.publicCaCertificate),
        close: async () => {},
      };
    }
    const onRequest = (log: {at: number; path: string; status: number; accepted: boolean; subject?: string; reason?: string}) =>
      ctx.emit({type: 'gateway-request', at: log.at, path: log.path, status: log.status, accepted: log.accepted, subject: log.subject, reason: log.reason});
    let gateway;
    try {
      gateway = await startLocalGateway(ctx.stateDir, state, {port: state.inputs.port, onRequest});
    } catch (error) {
      if (!portInUse(error)) throw error;
      // Another program holds the usual port: serve on a free one for these checks.
      gateway = await startLocalGateway(ctx.stateDir, state, {port: 0, onRequest});
      ctx.log(`port ${state.inputs.port} is busy; the checks use port ${gateway.port}`, 'warn');
    }
    ctx.log(`local gateway listening on 127.0.0.1:${gateway.port}`);
    return gateway;
  }

  async teardown(ctx: BackendContext): Promise<void> {
    const running = await readGatewayPid(ctx.stateDir);
    if (running) {
      try {
        process.kill(running.pid, 'SIGTERM');
        ctx.log(`stopped the local gateway (pid ${running.pid})`);
      } catch {
        // Already gone.
      }
    }
    // State first: a kill in the middle leaves files the state no longer claims (teardown removes them on a
    // re-run, and `run` overwrites them), never a state that claims files that are gone.
    await ctx.update(forgetResources);
    for (const dir of LOCAL.roots) {
      await rm(path.join(ctx.stateDir, dir), {recursive: true, force: true});
      ctx.log(`removed ${dir}/`);
    }
  }
}

/** The gateway reports a busy port as a UserError on the port field; a raw EADDRINUSE is accepted too. */
function portInUse(error: unknown): boolean {
  if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') return true;
  return error instanceof UserError && error.field === 'port' && /in use/.test(error.why ?? '');
}

async function readDomainFile(file: string): Promise<LocalDomainFile | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as LocalDomainFile;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function keyFromPrivate(algorithm: KeyMaterial['algorithm'], privateKeyPem: string): KeyMaterial {
  const publicKeyPem = createPublicKey(privateKeyPem).export({type: 'spki', format: 'pem'}).toString();
  return {algorithm, privateKeyPem, publicKeyPem};
}
