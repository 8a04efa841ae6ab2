/**
 * The AWS backend: AWS Private CA, ACM, S3, API Gateway and (optionally) Route 53, behind the same
 * interface as the local one. Loaded only for --backend aws (the SDK costs start-up time). With
 * --ca-source local the CAs and client certificates are made on this machine by the local backend's code
 * (backends/local-cas.ts), and the AWS Private CA modules and client are never loaded. The clients are
 * built on first use, from --region / --profile or else the region recorded in the walkthrough, so a resume
 * always talks to the Region its resources live in.
 */
import {UserError} from '../../errors.js';
import {caSourceOf} from '../../wizard/inputs.js';
import type {CaInput, ClientInput} from '../../state/schema.js';
import type {Backend, BackendContext, EndpointHandle, RevokeRequest, RevokeResult} from '../backend.js';
import {ensureLocalCa, ensureLocalClient} from '../local-cas.js';
import {KeyPool} from '../local/key-pool.js';
import {isLocalCa, revokeWithLocalCa} from '../revocation.js';
import type {AwsBackendOptions} from '../index.js';
import {ensureRestApi} from './api-gateway.js';
import {type AwsClients, type ClientOptions, createAwsClients} from './clients.js';
import {ensureCustomDomain, pinDomainTruststore} from './domain.js';
import type {AwsEnv} from './env.js';
import {endpointUrl} from './names.js';
import {awsPreflight, checkCurl} from './preflight.js';
import {retryingClients} from './retry.js';
import {awsTeardown, teardownPlan} from './teardown.js';
import {uploadTruststoreVersion} from './truststore-s3.js';
import {type AwsTiming, DEFAULT_TIMING} from './wait.js';

/** What tests replace: delays, the curl check, how clients are made. */
export interface AwsDeps {
  readonly timing?: Partial<AwsTiming>;
  readonly checkCurl?: () => Promise<string | void>;
  readonly createClients?: (o: ClientOptions) => Promise<AwsClients>;
}

export async function createAwsBackend(options: AwsBackendOptions, deps: AwsDeps = {}): Promise<Backend> {
  return new AwsBackend(options, deps);
}

export class AwsBackend implements Backend {
  readonly kind = 'aws' as const;
  readonly #options: AwsBackendOptions;
  readonly #deps: AwsDeps;
  readonly #keys = new KeyPool();
  #env: Promise<AwsEnv> | undefined;

  constructor(options: AwsBackendOptions, deps: AwsDeps = {}) {
    this.#options = options;
    this.#deps = deps;
  }

  #aws(ctx: BackendContext): Promise<AwsEnv> {
    if (this.#options.dryRun) {
      throw new UserError({what: 'the aws dry run makes no calls', why: 'only the plan is printed', fix: 'drop --dry-run to run it'});
    }
    this.#env ??= (async () => {
      const state = ctx.state();
      const region = this.#options.region ?? state.inputs.region ?? state.aws?.region;
      const profile = this.#options.profile ?? state.inputs.profile;
      const clients = await (this.#deps.createClients ?? createAwsClients)({region, profile, caSource: caSourceOf(state)});
      return {clients, options: this.#options, timing: {...DEFAULT_TIMING, ...this.#deps.timing, maxWaitMs: {...DEFAULT_TIMING.maxWaitMs, ...this.#deps.timing?.maxWaitMs}}};
    })();
    // A failed set-up (no Region) is retried on the next call rather than remembered.
    this.#env.catch(() => (this.#env = undefined));
    // Every send retries throttling and transient faults, reporting its waits to this context.
    return this.#env.then((env) => ({...env, clients: retryingClients(env.clients, env.timing, ctx)}));
  }

  async preflight(ctx: BackendContext): Promise<void> {
    await awsPreflight(ctx, await this.#aws(ctx), {checkCurl: this.#deps.checkCurl ?? checkCurl});
  }

  /** With --ca-source local the CA is made here exactly as the local backend makes it; else in AWS Private CA. */
  async ensureCa(ctx: BackendContext, input: CaInput) {
    if (caSourceOf(ctx.state()) === 'local') return ensureLocalCa(ctx, input, (alg) => this.#keys.take(alg));
    const {ensurePrivateCa} = await import('./private-ca.js');
    return ensurePrivateCa(ctx, await this.#aws(ctx), input);
  }

  async prepareCa(ctx: BackendContext, input: CaInput): Promise<void> {
    // CAs made on this machine (`--ca-source local`, issue 8) have nothing to wait for.
    if (caSourceOf(ctx.state()) === 'local') return;
    const {preparePrivateCa} = await import('./private-ca.js');
    await preparePrivateCa(ctx, await this.#aws(ctx), input);
  }

  async ensureApi(ctx: BackendContext) {
    return ensureRestApi(ctx, await this.#aws(ctx));
  }

  async ensureDomain(ctx: BackendContext) {
    return ensureCustomDomain(ctx, await this.#aws(ctx));
  }

  async uploadTruststore(ctx: BackendContext, bundlePem: string, step: string) {
    return uploadTruststoreVersion(ctx, await this.#aws(ctx), bundlePem, step);
  }

  async pinTruststore(ctx: BackendContext, versionId: string): Promise<{warnings: string[]}> {
    const state = ctx.state();
    if (!state.truststore || !state.domain) throw new UserError({what: 'cannot turn on mTLS', why: 'the custom domain or the truststore is missing', fix: 'run the earlier steps first (`mtls-wizard run`)'});
    return {warnings: await pinDomainTruststore(ctx, await this.#aws(ctx), state.truststore.uri, versionId)};
  }

  async ensureClient(ctx: BackendContext, input: ClientInput, passphrase: string) {
    if (caSourceOf(ctx.state()) === 'local') return ensureLocalClient(ctx, input, passphrase, (alg) => this.#keys.take(alg));
    const {ensureClientCertificate} = await import('./client-certs.js');
    return ensureClientCertificate(ctx, await this.#aws(ctx), input, passphrase);
  }

  async revokeCertificate(ctx: BackendContext, request: RevokeRequest): Promise<RevokeResult> {
    // A CA made here signs a CRL; only a Private CA loads the ACM PCA client (and its module).
    if (isLocalCa(ctx, request.issuer)) return revokeWithLocalCa(ctx, request);
    const {revokeOnAws} = await import('./revoke.js');
    return revokeOnAws(ctx, () => this.#aws(ctx), request);
  }

  /** The real domain: public DNS and a public certificate, so curl needs neither --resolve nor --cacert. */
  async openEndpoint(ctx: BackendContext, options: {checkRevocation?: boolean} = {}): Promise<EndpointHandle> {
    if (options.checkRevocation) {
      throw new UserError({
        what: 'cannot check revocation on the aws backend',
        why: 'API Gateway checks no CRL, and the wizard deploys no CRL-checking Lambda authorizer',
        fix: 'drop --check-revocation (a revoked client still gets in on AWS); to enforce revocation, add a REQUEST authorizer that checks the CRL',
        field: 'check-revocation',
      });
    }
    return {url: endpointUrl(ctx.state()), close: async () => {}};
  }

  async teardown(ctx: BackendContext): Promise<void> {
    if (this.#options.dryRun) {
      const print = this.#options.print ?? ((line: string) => ctx.log(line));
      print('dry run: teardown would make these calls, in this order (none is made):');
      for (const line of teardownPlan(ctx.state())) print(`  ${line}`);
      return;
    }
    await awsTeardown(ctx, await this.#aws(ctx));
  }
}
