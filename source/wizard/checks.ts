/**
 * The connection checks: real curl against the endpoint, as a person would run it, with what each one
 * should get. Used by the connect steps and by `mtls-wizard connect`.
 */
import path from 'node:path';
import type {BackendContext, EndpointHandle} from '../backends/backend.js';
import type {CheckResult, State} from '../state/schema.js';
import {type CurlRequest, curlCommand, detectCurl, pkcs12ProfileFor, runCurl} from '../shell/curl.js';
import {explainLine} from '../explain/for-state.js';
import {ensureOutsider} from './outsider.js';
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

/** Every check that applies to what the state holds: each client, no certificate, and a CA outside the truststore. */
export function allChecks(state: State): CheckSpec[] {
  const clients = Object.values(state.clients).filter((c) => c.certificate && c.key).map((c) => clientCheck(c.name));
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

/** The local gateway is on 127.0.0.1 (reached through --resolve): a user's proxy must not be asked for it. */
function proxyBypass(endpoint: EndpointHandle): NodeJS.ProcessEnv | undefined {
  if (!endpoint.resolve) return undefined;
  const host = endpoint.resolve.split(':')[0]!;
  const current = process.env['NO_PROXY'] ?? process.env['no_proxy'];
  const value = current ? `${current},${host}` : host;
  return {NO_PROXY: value, no_proxy: value};
}

/** Runs the checks one after another and reports each as a `check` event. */
export async function runChecks(ctx: BackendContext, secrets: Secrets, endpoint: EndpointHandle, specs: readonly CheckSpec[]): Promise<CheckResult[]> {
  await detectCurl();
  const requests: CurlRequest[] = [];
  for (const spec of specs) requests.push(await requestFor(ctx, secrets, endpoint, spec));
  // The checks are independent: run the curls side by side, report them in order.
  const outcomes = await Promise.all(
    specs.map((spec, i) => ctx.call(`curl ${spec.name}`, undefined, () => runCurl(requests[i]!, {timeoutMs: 15_000, signal: ctx.signal, env: proxyBypass(endpoint)}))),
  );
  const results: CheckResult[] = [];
  for (const [i, spec] of specs.entries()) {
    const outcome = outcomes[i]!;
    const command = curlCommand(requests[i]!);
    const ok = spec.expected === 200 ? outcome.httpStatus === 200 : outcome.httpStatus === spec.expected || outcome.httpStatus === 0;
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
