/**
 * The one backend interface. `local/` and `aws/` implement it; `index.ts` picks one.
 * Every method is idempotent: it first looks at what the state already records (and, on AWS, what
 * exists under the walkthrough's tags), reuses it, and only then creates. Methods persist partial
 * progress themselves through ctx.update (an idempotency token before a create call, the id right
 * after it), so a crash at any point never makes a resource twice.
 */
import type {
  ApiRecord,
  CaInput,
  CaRecord,
  ClientInput,
  ClientRecord,
  DomainRecord,
  State,
  StepId,
  TruststoreVersion,
} from '../state/schema.js';
import type {RunnerEvent} from '../wizard/events.js';

export interface BackendContext {
  /** The step being run (undefined for commands such as teardown or connect). */
  readonly stepId?: StepId;
  /** Absolute path of the state directory; paths in the state are relative to it. */
  readonly stateDir: string;
  /** The current state (a snapshot; read it again after update). */
  state(): State;
  /** Change the state and persist it atomically before returning. */
  update(mutate: (draft: State) => void): Promise<State>;
  /** An activity line; `detail` lines (curl -v output and the like) are shown in the activity pane and verbose logs only. */
  log(message: string, level?: 'info' | 'warn' | 'error', options?: {detail?: boolean}): void;
  /** Times a backend call or command and reports it as a `call` event. */
  call<T>(name: string, detail: string | undefined, fn: () => Promise<T>): Promise<T>;
  /** Reports that the step waits on something outside. */
  waiting(message: string): void;
  /** Reports an output (a name, a path, an ARN, a version) for the current step. */
  output(key: string, value: string): void;
  /** Emits any other runner event (gateway requests, checks). */
  emit(event: RunnerEvent): void;
  readonly signal: AbortSignal;
  now(): Date;
}

export interface EndpointHandle {
  /** https://domain[:port]/path */
  readonly url: string;
  /** curl --resolve value when the name does not resolve by itself (local backend). */
  readonly resolve?: string;
  /** Absolute path of a CA file curl needs to trust the server (local backend). */
  readonly caCertificate?: string;
  /** Stops what openEndpoint started (nothing when the gateway was already running). */
  close(): Promise<void>;
}

/** A certificate to revoke: its issuing CA (a name in state.cas) and its serial (hex, as state records it). */
export interface RevokeRequest {
  readonly issuer: string;
  readonly serial: string;
  /** RFC 5280 name: unspecified, keyCompromise, affiliationChanged, superseded, cessationOfOperation. */
  readonly reason: string;
}

export interface RevokeResult {
  /** Nothing was sent or signed again: the revocation was already recorded. */
  readonly alreadyRevoked: boolean;
  /** The CRL file (relative to the state dir) when a CA made here signed one. */
  readonly crl?: string;
}

export interface Backend {
  readonly kind: 'local' | 'aws';
  /** Checks before anything is created: on AWS credentials, region, cost confirmation. */
  preflight(ctx: BackendContext): Promise<void>;
  /** Creates (or reuses) the CA named by input; its parent is already in ctx.state().cas. */
  ensureCa(ctx: BackendContext, input: CaInput): Promise<CaRecord>;
  /**
   * Optional: starts the CA named by input before its parent exists (on AWS: creates it and waits for its
   * key and CSR), so that a step with several CAs waits for them at the same time; ensureCa finishes it.
   */
  prepareCa?(ctx: BackendContext, input: CaInput): Promise<void>;
  ensureApi(ctx: BackendContext): Promise<ApiRecord>;
  ensureDomain(ctx: BackendContext): Promise<DomainRecord>;
  /**
   * Stores bundlePem as a new version of the truststore object and records it in state.truststore.
   * Idempotent through state.truststore.pendingUpload (a token the store can find again). `step` names what
   * uploads it: a step id, or a command's operation id (e.g. `truststore-add-…`).
   */
  uploadTruststore(ctx: BackendContext, bundlePem: string, step: string): Promise<TruststoreVersion>;
  /** Pins the custom domain to that version (mTLS on); returns the truststore warnings. */
  pinTruststore(ctx: BackendContext, versionId: string): Promise<{warnings: string[]}>;
  /** Creates (or reuses) a client certificate; its key is written encrypted with the passphrase. */
  ensureClient(ctx: BackendContext, input: ClientInput, passphrase: string): Promise<ClientRecord>;
  /**
   * Revokes a certificate. A CA with a key here records it and signs a CRL; a Private CA gets RevokeCertificate.
   * Already revoked: nothing is sent twice. API Gateway itself checks no CRL either way.
   */
  revokeCertificate(ctx: BackendContext, request: RevokeRequest): Promise<RevokeResult>;
  /**
   * Makes the endpoint reachable for curl (the local backend starts its gateway if none runs).
   * checkRevocation: the local gateway also checks each client certificate against its issuer's CRL.
   */
  openEndpoint(ctx: BackendContext, options?: {checkRevocation?: boolean}): Promise<EndpointHandle>;
  /** Removes everything the walkthrough made, in reverse order; safe to re-run. */
  teardown(ctx: BackendContext): Promise<void>;
}
