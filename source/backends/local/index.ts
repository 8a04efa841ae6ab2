/**
 * The embedded local backend: real keys and certificates on disk, a versioned object store standing in
 * for S3, control-plane records standing in for API Gateway, and a real mTLS gateway on 127.0.0.1.
 * Every create is check-then-act on deterministic paths, so a crash at any moment makes nothing twice.
 */
import {createHash, randomBytes} from 'node:crypto';
import {access, readFile, rm} from 'node:fs/promises';
import path from 'node:path';
import {UserError} from '../../errors.js';
import {type KeyMaterial, createRootCa, generateKey, issueServerCertificate} from '../../pki/index.js';
import type {CaInput, CaRecord, ClientInput, ClientRecord, DomainRecord, State, TruststoreVersion} from '../../state/schema.js';
import {checkTruststore} from '../../truststore/index.js';
import {writeFileAtomic, writePublicFile, writeSecretFile} from '../../util/fs.js';
import type {Backend, BackendContext, EndpointHandle, RevokeRequest, RevokeResult} from '../backend.js';
import {ensureLocalCa, ensureLocalClient, keyFromPrivate} from '../local-cas.js';
import {revokeWithLocalCa} from '../revocation.js';
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

  ensureCa(ctx: BackendContext, input: CaInput): Promise<CaRecord> {
    return ensureLocalCa(ctx, input, (alg) => this.#keys.take(alg));
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

  async uploadTruststore(ctx: BackendContext, bundlePem: string, step: string): Promise<TruststoreVersion> {
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

  ensureClient(ctx: BackendContext, input: ClientInput, passphrase: string): Promise<ClientRecord> {
    return ensureLocalClient(ctx, input, passphrase, (alg) => this.#keys.take(alg));
  }

  async revokeCertificate(ctx: BackendContext, request: RevokeRequest): Promise<RevokeResult> {
    return revokeWithLocalCa(ctx, request);
  }

  async openEndpoint(ctx: BackendContext, options: {checkRevocation?: boolean} = {}): Promise<EndpointHandle> {
    const state = ctx.state();
    const checkRevocation = Boolean(options.checkRevocation);
    const running = await readGatewayPid(ctx.stateDir);
    // A running gateway is used only when it checks revocation the same way; else the checks get their own.
    if (running && state.domain && Boolean(running.checkRevocation) === checkRevocation) {
      ctx.log(`using the gateway already running (pid ${running.pid}, port ${running.port})`);
      return {
        url: endpointUrl(state.domain.name, running.port, state.inputs.resourcePath),
        resolve: `${state.domain.name}:${running.port}:127.0.0.1`,
        caCertificate: path.join(ctx.stateDir, state.domain.caCertificate ?? LOCAL.publicCaCertificate),
        close: async () => {},
      };
    }
    const onRequest = (log: {at: number; path: string; status: number; accepted: boolean; subject?: string; reason?: string; note?: string}) => {
      ctx.emit({type: 'gateway-request', at: log.at, path: log.path, status: log.status, accepted: log.accepted, subject: log.subject, reason: log.reason ?? log.note});
      if (log.note) ctx.log(`gateway: ${log.note}`, 'warn');
      else if (!log.accepted && log.reason && /revoked|CRL/.test(log.reason)) ctx.log(`gateway: ${log.reason}`);
    };
    let gateway;
    try {
      gateway = await startLocalGateway(ctx.stateDir, state, {port: running ? 0 : state.inputs.port, onRequest, checkRevocation});
    } catch (error) {
      if (!portInUse(error)) throw error;
      // Another program holds the usual port: serve on a free one for these checks.
      gateway = await startLocalGateway(ctx.stateDir, state, {port: 0, onRequest, checkRevocation});
      ctx.log(`port ${state.inputs.port} is busy; the checks use port ${gateway.port}`, 'warn');
    }
    ctx.log(`local gateway listening on 127.0.0.1:${gateway.port}${checkRevocation ? ' (checking each client certificate against its issuer\'s CRL)' : ''}`);
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
