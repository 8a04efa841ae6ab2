/**
 * The connection checks: real curl against the endpoint, as a person would run it, with what each one
 * should get. Used by the connect steps and by `mtls-wizard connect`.
 */
import path from 'node:path';
import type {BackendContext, EndpointHandle} from '../backends/backend.js';
import type {CheckResult, State} from '../state/schema.js';
import {type CurlRequest, type CurlResult, curlCommand, detectCurl, pkcs12ProfileFor, runCurlBatch} from '../shell/curl.js';
import {explainLine} from '../explain/for-state.js';
import {ensureOutsider} from './outsider.js';
import {clientStatus, issuerTrusted} from '../lifecycle/clients.js';
import type {Secrets} from './step.js';

export const NO_CERTIFICATE = 'no-certificate';
export const UNTRUSTED_CA = 'untrusted-ca';

export interface CheckSpec {
  readonly name: string;
  /** 200 for a client that must get in, 403 for one that must be refused. */
  readonly expected: number;
  /** Client name in state.clients, or a special case. */
  readonly kind: 'client' | 'none' | 'outsider';
}

export function clientCheck(name: string): CheckSpec {
  return {name, expected: 200, kind: 'client'};
}
export const noCertificateCheck: CheckSpec = {name: NO_CERTIFICATE, expected: 403, kind: 'none'};
export const untrustedCaCheck: CheckSpec = {name: UNTRUSTED_CA, expected: 403, kind: 'outsider'};

/**
 * What a client should get, following the state: 403 when its issuer's chain is not in the pinned truststore
 * or it expired; a revoked one 200 (API Gateway checks no CRL) unless the gateway checks revocation.
 */
export function expectedFor(state: State, name: string, o: {checkRevocation?: boolean} = {}): number {
  const client = state.clients[name];
  if (!client) return 200;
  if (!issuerTrusted(state, client.issuer)) return 403;
  const status = clientStatus(client, new Date());
  if (status === 'EXPIRED') return 403;
  if (status === 'REVOKED') return o.checkRevocation ? 403 : 200;
  return 200;
}

/** Every check that applies to what the state holds: each client, no certificate, and a CA outside the truststore. */
export function allChecks(state: State, o: {checkRevocation?: boolean} = {}): CheckSpec[] {
  const clients = Object.values(state.clients).filter((c) => c.certificate && c.key).map((c) => ({...clientCheck(c.name), expected: expectedFor(state, c.name, o)}));
  return [...clients, noCertificateCheck, untrustedCaCheck];
}

/** The request curl makes for one check (the passphrase only for clients with an encrypted key). */
export async function requestFor(ctx: BackendContext, secrets: Secrets, endpoint: EndpointHandle, spec: CheckSpec): Promise<CurlRequest> {
  const state = ctx.state();
  const abs = (p: string) => (path.isAbsolute(p) ? p : path.join(ctx.stateDir, p));
  const base: CurlRequest = {url: endpoint.url, resolve: endpoint.resolve, cacert: endpoint.caCertificate};
  if (spec.kind === 'none') return base;
  if (spec.kind === 'outsider') {
    const outsider = await ensureOutsider(ctx);
    return {...base, key: abs(outsider.key), cert: abs(outsider.certificate)};
  }
  const client = state.clients[spec.name];
  if (!client?.certificate || !client.key) throw new Error(`client ${spec.name} has no certificate yet`);
  const pass = await secrets.passphrase(ctx, spec.name, {create: false});
  // A curl whose TLS library ignores --pass for PEM keys gets the PKCS#12 file instead (compatible profile for macOS's).
  const curl = await detectCurl();
  const profile = pkcs12ProfileFor(curl);
  const p12 = profile ? client.p12?.[profile] : undefined;
  if (p12) return {...base, p12: abs(p12), passphrase: pass.value, passDisplay: pass.display};
  return {...base, key: abs(client.key), cert: abs(client.certificate), passphrase: pass.value, passDisplay: pass.display};
}

/**
 * What the checks need besides the endpoint, made or found ahead: the outsider's certificate, each client's
 * passphrase, curl's capabilities. A connect step does this while its endpoint starts; requestFor then finds
 * it all (each is idempotent, and the passphrases are cached).
 */
export async function prepareChecks(ctx: BackendContext, secrets: Secrets, specs: readonly CheckSpec[]): Promise<void> {
  await Promise.all([
    detectCurl(),
    ...specs.map(async (spec) => {
      if (spec.kind === 'outsider') await ensureOutsider(ctx);
      else if (spec.kind === 'client' && ctx.state().clients[spec.name]?.key) await secrets.passphrase(ctx, spec.name, {create: false});
    }),
  ]);
}

/** The local gateway is on 127.0.0.1 (reached through --resolve): a user's proxy must not be asked for it. */
function proxyBypass(endpoint: EndpointHandle): NodeJS.ProcessEnv | undefined {
  if (!endpoint.resolve) return undefined;
  const host = endpoint.resolve.split(':')[0]!;
  const current = process.env['NO_PROXY'] ?? process.env['no_proxy'];
  const value = current ? `${current},${host}` : host;
  return {NO_PROXY: value, no_proxy: value};
}

/** curl exits that mean the TLS handshake itself failed (a TLS alert, e.g. no or an untrusted client certificate). */
const HANDSHAKE_FAILED = new Set([35, 56, 16]);

/**
 * Whether a check got what it expected. A client that must get in needs HTTP 200. A rejection is a 403 or a
 * failed TLS handshake; a host that does not resolve (curl exit 6) or a connection nobody accepts (exit 7)
 * never reached the gateway, so it proves nothing: the check fails and says what to fix.
 */
export function judge(spec: CheckSpec, outcome: CurlResult, request: Pick<CurlRequest, 'url' | 'resolve'>): {ok: boolean; reason?: string} {
  const unreachable = unreachableReason(outcome, request);
  if (unreachable) return {ok: false, reason: unreachable};
  if (spec.expected === 200) return {ok: outcome.httpStatus === 200};
  return {ok: outcome.httpStatus === spec.expected || (outcome.httpStatus === 0 && HANDSHAKE_FAILED.has(outcome.exitCode))};
}

function unreachableReason(outcome: CurlResult, request: Pick<CurlRequest, 'url' | 'resolve'>): string | undefined {
  if (outcome.httpStatus !== 0 || (outcome.exitCode !== 6 && outcome.exitCode !== 7)) return undefined;
  const url = new URL(request.url);
  const port = request.resolve?.split(':')[1] || url.port || '443';
  const where = request.resolve ? `${url.hostname}:${port} (curl --resolve to ${request.resolve.split(':').slice(2).join(':')})` : `${url.hostname}:${port}`;
  if (outcome.exitCode === 6) {
    return `could not reach the API: ${url.hostname} does not resolve, so this proves nothing about mTLS. Fix: if the custom domain was just made, its DNS record may not be there yet (the Route 53 alias, or the record the custom-domain step printed; new records can take minutes), else the host name is wrong; check with \`dig ${url.hostname}\` and run the check again`;
  }
  return `could not reach the API: nothing accepted the connection at ${where}, so this proves nothing about mTLS. Fix: check the host and port (a wrong host, or a DNS record pointing elsewhere)${request.resolve ? ', and that the local gateway is running (`mtls-wizard gateway`)' : ''}, then run the check again`;
}

/** Runs the checks (one curl process for all, where the curl allows it) and reports each as a `check` event. */
export async function runChecks(ctx: BackendContext, secrets: Secrets, endpoint: EndpointHandle, specs: readonly CheckSpec[]): Promise<CheckResult[]> {
  await detectCurl();
  const requests: CurlRequest[] = [];
  for (const spec of specs) requests.push(await requestFor(ctx, secrets, endpoint, spec));
  // The checks are independent transfers: one curl process runs them all (each on a fresh connection with its
  // own key, or none), and they are reported in order.
  const outcomes = await ctx.call('curl', specs.map((spec) => spec.name).join(', '), () => runCurlBatch(requests, {timeoutMs: 15_000, signal: ctx.signal, env: proxyBypass(endpoint)}));
  const results: CheckResult[] = [];
  for (const [i, spec] of specs.entries()) {
    const outcome = outcomes[i]!;
    const command = curlCommand(requests[i]!);
    const verdict = judge(spec, outcome, requests[i]!);
    const ok = verdict.ok;
    if (verdict.reason) outcome.reason = verdict.reason;
    const result: CheckResult = {name: spec.name, expected: spec.expected, httpStatus: outcome.httpStatus, ok, command};
    if (outcome.reason) result.reason = outcome.reason;
    if (ctx.stepId) {
      ctx.emit({type: 'check', stepId: ctx.stepId, name: spec.name, expected: spec.expected, httpStatus: outcome.httpStatus, ok, command, reason: outcome.reason});
    }
    for (const line of outcome.keyLines) ctx.log(`curl ${spec.name}: ${line}`, 'info', {detail: true});
    const body = outcome.body.trim().slice(0, 160);
    ctx.log(`${ok ? '✓' : '✗'} ${spec.name}: HTTP ${outcome.httpStatus || '000'} (expected ${spec.expected})${body ? ` ${body}` : ''}${outcome.reason && !ok ? ` — ${outcome.reason}` : ''}`, ok ? 'info' : 'warn');
    // Not only the status: what API Gateway's rules say about the certificate that was presented (issue 11).
    const certificate = ok ? undefined : spec.kind === 'client' ? ctx.state().clients[spec.name]?.certificate : spec.kind === 'outsider' ? ctx.state().outsider?.certificate : undefined;
    if (certificate) ctx.log(await explainLine(ctx.state(), ctx.stateDir, spec.name, certificate, ctx.now()), 'warn');
    results.push(result);
  }
  return results;
}
