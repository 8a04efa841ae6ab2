/**
 * The HTTP half of the local gateway: what API Gateway answers once the TLS handshake is over.
 * Rejected client certificates get 403 {"message":"Forbidden"}; an unknown resource gets 403
 * {"message":"Missing Authentication Token"}; a route gets the client certificate the way
 * `$context.identity.clientCert` shows it.
 */
import type {X509Certificate} from 'node:crypto';
import type {IncomingMessage, ServerResponse} from 'node:http';
import {dn, type Verdict} from './gateway-verify.js';

export interface ClientCertInfo {
  subjectDN: string;
  issuerDN: string;
  serialNumber: string;
  validity: {notBefore: string; notAfter: string};
  clientCertPem: string;
}

export interface GatewayRoute {
  method: string;
  path: string;
  respond(req: {clientCert: ClientCertInfo}): {status: number; body: unknown};
}

export interface GatewayRequestLog {
  at: number;
  method: string;
  path: string;
  status: number;
  /** Whether mutual TLS let the request in (an unknown path is accepted yet answered 403). */
  accepted: boolean;
  subject?: string;
  reason?: string;
  /** Said of an accepted request, e.g. that its certificate is revoked but API Gateway does not check. */
  note?: string;
  truststoreVersion?: string;
}

/** What a revocation check (the local stand-in for a CRL-checking authorizer) says of an accepted certificate. */
export interface RevocationAnswer {
  /** Refuse with 403 Forbidden, logging this reason. */
  readonly deny?: string;
  /** Accept, and say this in the log. */
  readonly note?: string;
}
export type RevocationCheck = (leaf: X509Certificate, chain: readonly X509Certificate[]) => Promise<RevocationAnswer>;

/** What the handshake decided for one connection; every request on it gets the same answer. */
export interface ConnectionVerdict {
  readonly verdict: Verdict;
  readonly leaf?: X509Certificate;
  readonly truststoreVersion?: string;
}

export function clientCertInfo(leaf: X509Certificate): ClientCertInfo {
  return {
    subjectDN: dn(leaf.subject),
    issuerDN: dn(leaf.issuer),
    // API Gateway shows the serial as colon-separated hex bytes.
    serialNumber: (leaf.serialNumber.length % 2 ? `0${leaf.serialNumber}` : leaf.serialNumber).toLowerCase().match(/../g)!.join(':'),
    validity: {notBefore: leaf.validFrom, notAfter: leaf.validTo},
    clientCertPem: leaf.toString(),
  };
}

export async function handleRequest(
  req: IncomingMessage,
  res: ServerResponse,
  conn: ConnectionVerdict | undefined,
  routes: () => GatewayRoute[],
  onRequest: ((log: GatewayRequestLog) => void) | undefined,
  revocation?: RevocationCheck,
): Promise<void> {
  const method = req.method ?? 'GET';
  const path = new URL(req.url ?? '/', 'https://gateway.invalid').pathname;
  const base = {at: Date.now(), method, path, subject: conn?.leaf ? dn(conn.leaf.subject) : undefined, truststoreVersion: conn?.truststoreVersion};
  const send = (status: number, body: unknown, errorType: string | undefined, log: Omit<GatewayRequestLog, 'at' | 'method' | 'path' | 'status'>) => {
    const headers: Record<string, string> = {'content-type': 'application/json'};
    if (errorType) headers['x-amzn-ErrorType'] = errorType;
    // Logged before the answer leaves, so whoever sees the response can already see its log line.
    report(onRequest, {...base, status, ...log});
    res.writeHead(status, headers).end(JSON.stringify(body));
  };
  // Drain any request body so keep-alive connections stay usable.
  req.resume();

  const verdict = conn?.verdict ?? {accepted: false, reason: 'Access denied. Reason: the TLS handshake was not verified'};
  if (!verdict.accepted || !conn?.leaf) {
    send(403, {message: 'Forbidden'}, 'ForbiddenException', {accepted: false, reason: verdict.accepted ? undefined : verdict.reason});
    return;
  }
  let note: string | undefined;
  if (revocation) {
    let answer: RevocationAnswer;
    try {
      answer = await revocation(conn.leaf, verdict.chain);
    } catch (error) {
      answer = {deny: `Access denied. Reason: the revocation check failed (${(error as Error).message}); a CRL-checking authorizer denies on error`};
    }
    if (answer.deny) {
      send(403, {message: 'Forbidden'}, 'ForbiddenException', {accepted: false, reason: answer.deny});
      return;
    }
    note = answer.note;
  }
  const route = safeRoutes(routes).find((r) => r.method.toUpperCase() === method && r.path === path);
  if (!route) {
    send(403, {message: 'Missing Authentication Token'}, 'MissingAuthenticationTokenException', {
      accepted: true,
      reason: `no resource matches ${method} ${path}; API Gateway answers "Missing Authentication Token" for an unknown resource`,
    });
    return;
  }
  let answer: {status: number; body: unknown};
  try {
    answer = route.respond({clientCert: clientCertInfo(conn.leaf)});
  } catch (error) {
    send(500, {message: 'Internal server error'}, undefined, {accepted: true, reason: `the route ${method} ${path} failed: ${(error as Error).message}`});
    return;
  }
  send(answer.status, answer.body, undefined, {accepted: true, note});
}

function safeRoutes(routes: () => GatewayRoute[]): GatewayRoute[] {
  try {
    return routes();
  } catch {
    return [];
  }
}

function report(onRequest: ((log: GatewayRequestLog) => void) | undefined, log: GatewayRequestLog): void {
  if (!onRequest) return;
  const clean = Object.fromEntries(Object.entries(log).filter(([, v]) => v !== undefined)) as unknown as GatewayRequestLog;
  try {
    onRequest(clean);
  } catch {
    // A listener's bug must not take the gateway down.
  }
}
