/**
 * The local stand-in for an API Gateway custom domain with mutual TLS (design.md §5): HTTPS on a
 * loopback address, TLS 1.2 or newer, a client certificate requested on every handshake and checked
 * against the pinned truststore version.
 *
 * Why the TCP server in front: an HTTPS server's TLS context is fixed when the connection arrives (or
 * picked by SNI, which curl does not send to 127.0.0.1). Here a plain TCP server accepts the connection
 * paused, asks loadTruststore for the current version, makes that version's context the HTTPS server's
 * (only when it changed), and then hands it the socket. So a re-pinned truststore applies to the next
 * connection without a restart, and OpenSSL verifies every client certificate against the version that
 * was current when the connection came in; gateway-verify.ts then adds API Gateway's own rules.
 */
import {X509Certificate} from 'node:crypto';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import {UserError} from '../../errors.js';
import {type ConnectionVerdict, type GatewayRequestLog, type GatewayRoute, type RevocationCheck, handleRequest} from './gateway-http.js';
import {type ParsedTruststore, parseTruststore, verifyClientCertificate} from './gateway-verify.js';

export type {ClientCertInfo, GatewayRequestLog, GatewayRoute} from './gateway-http.js';

export interface TruststoreSnapshot {
  versionId: string;
  pem: string;
}

export interface GatewayOptions {
  /** Default 127.0.0.1; anything that is not a loopback address is refused. */
  host?: string;
  /** 0 = ephemeral. */
  port: number;
  /** The custom domain, e.g. api.mtls.test. */
  serverName: string;
  /** Server certificate (+ chain) and key. */
  serverCertPem: string;
  serverKeyPem: string;
  /** Called for every TLS handshake (cheap: cache by versionId); null = mTLS not configured yet → 403. */
  loadTruststore: () => TruststoreSnapshot | null | Promise<TruststoreSnapshot | null>;
  routes: () => GatewayRoute[];
  onRequest?: (log: GatewayRequestLog) => void;
  /** Consulted for every accepted certificate (revoked ones: a log note, or 403 with --check-revocation). */
  revocation?: RevocationCheck;
}

export interface RunningLocalGateway {
  readonly port: number;
  url(path: string): string;
  close(): Promise<void>;
}

const HANDSHAKE_TIMEOUT_MS = 10_000;
const CONTEXT_CACHE_SIZE = 16;

interface TrustContext {
  /** The truststore certificates as OpenSSL's only trust anchors (giving `ca` drops the default roots). */
  readonly ca?: string[];
  readonly trust?: ParsedTruststore;
  /** Set when every connection must be refused (no truststore yet, or it could not be loaded). */
  readonly refusal?: string;
}

export async function startGateway(o: GatewayOptions): Promise<RunningLocalGateway> {
  const host = o.host ?? '127.0.0.1';
  if (!isLoopback(host)) {
    throw new UserError({what: `refusing to start the local gateway on ${host}`, why: 'it listens on loopback addresses only (127.0.0.0/8 or ::1)', fix: 'use --host 127.0.0.1', field: 'host'});
  }
  const base = {key: o.serverKeyPem, cert: o.serverCertPem, minVersion: 'TLSv1.2' as const};
  try {
    tls.createSecureContext(base); // fail at start, not on the first connection
  } catch (error) {
    throw new UserError({what: `failed to start the local gateway for ${o.serverName}`, why: `the server certificate or key is not usable (${(error as Error).message})`, fix: 're-run the custom-domain step to issue them again'});
  }
  const contextFor = contextCache();
  const pending = new Map<string, TrustContext>(); // remote address:port → the truststore its handshake uses
  const verdicts = new WeakMap<object, ConnectionVerdict>();
  const sockets = new Set<net.Socket>();
  let current: TrustContext | undefined;

  const httpsServer = https.createServer(
    {...base, requestCert: true, rejectUnauthorized: false, handshakeTimeout: HANDSHAKE_TIMEOUT_MS},
    (req, res) => void handleRequest(req, res, verdicts.get(req.socket), o.routes, o.onRequest, o.revocation),
  );
  httpsServer.on('tlsClientError', () => undefined); // TLS 1.1, garbage, aborted handshakes: the client's problem
  httpsServer.on('secureConnection', (socket: tls.TLSSocket) => {
    const context = pending.get(endpointOf(socket));
    if (context) verdicts.set(socket, decide(socket, context));
  });

  const tcpServer = net.createServer({pauseOnConnect: true, noDelay: true}, (raw) => {
    sockets.add(raw);
    const key = endpointOf(raw);
    raw.once('close', () => {
      sockets.delete(raw);
      pending.delete(key);
    });
    raw.on('error', () => raw.destroy());
    snapshotContext(o.loadTruststore, contextFor).then((context) => {
      if (raw.destroyed) return;
      if (context !== current) {
        // Synchronous up to the emit below, so this connection's handshake gets exactly this context.
        httpsServer.setSecureContext({...base, ...(context.ca ? {ca: context.ca} : {})});
        current = context;
      }
      pending.set(key, context);
      httpsServer.emit('connection', raw);
    }).catch(() => raw.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    tcpServer.once('error', (error: NodeJS.ErrnoException) => reject(listenError(error, host, o.port)));
    tcpServer.listen(o.port, host, () => resolve());
  });
  const port = (tcpServer.address() as net.AddressInfo).port;
  return {
    port,
    url: (path) => `https://${o.serverName}:${port}${path.startsWith('/') ? path : `/${path}`}`,
    close: () =>
      new Promise<void>((resolve) => {
        tcpServer.close(() => resolve());
        httpsServer.closeAllConnections();
        for (const raw of sockets) raw.destroy();
      }),
  };
}

function endpointOf(socket: net.Socket): string {
  return `${socket.remoteAddress}|${socket.remotePort}`;
}

function decide(socket: tls.TLSSocket, context: TrustContext): ConnectionVerdict {
  const peer = socket.getPeerCertificate(false);
  const leaf = peer?.raw ? new X509Certificate(peer.raw) : undefined;
  if (context.refusal || !context.trust) {
    return {leaf, verdict: {accepted: false, reason: `Access denied. Reason: ${context.refusal ?? 'mutual TLS is not configured'}`}};
  }
  // authorized/authorizationError are OpenSSL's verdict on the chain, set by the HTTPS server.
  const opensslError = socket.authorized ? undefined : errorCode(socket.authorizationError) ?? 'CERT_UNTRUSTED';
  return {leaf, truststoreVersion: context.trust.versionId, verdict: verifyClientCertificate(leaf, context.trust, new Date(), opensslError)};
}

/** Node types authorizationError as an Error, yet for a server socket it holds OpenSSL's code string. */
function errorCode(error: unknown): string | undefined {
  if (!error) return undefined;
  if (typeof error === 'string') return error;
  const e = error as {code?: string; message?: string};
  return e.code ?? e.message;
}

async function snapshotContext(load: GatewayOptions['loadTruststore'], contextFor: (s: TruststoreSnapshot | null, refusal?: string) => TrustContext): Promise<TrustContext> {
  try {
    return contextFor(await load());
  } catch (error) {
    // Still complete the handshake so the client gets API Gateway's 403 rather than a dropped connection.
    return contextFor(null, `the truststore could not be loaded (${(error as Error).message})`);
  }
}

function contextCache(): (s: TruststoreSnapshot | null, refusal?: string) => TrustContext {
  const cache = new Map<string, TrustContext>();
  const none = new Map<string, TrustContext>();
  return (snapshot, refusal) => {
    if (!snapshot) {
      const why = refusal ?? 'mutual TLS is not configured on this domain yet (no truststore version is pinned)';
      // One object per distinct refusal, so that "nothing changed" keeps the HTTPS server's context as it is.
      let entry = none.get(why);
      if (!entry) none.set(why, (entry = {refusal: why}));
      if (none.size > CONTEXT_CACHE_SIZE) none.delete(none.keys().next().value!);
      return entry;
    }
    const cached = cache.get(snapshot.versionId);
    if (cached) return cached;
    const trust = parseTruststore(snapshot.versionId, snapshot.pem);
    // Node does not set X509_V_FLAG_PARTIAL_CHAIN: OpenSSL accepts a chain only if it reaches a self-signed root here.
    const entry: TrustContext = trust.certs.length === 0
      ? {trust, refusal: `truststore version ${snapshot.versionId} holds no certificate`}
      : {trust, ca: trust.certs.map((c) => c.toString())};
    cache.set(snapshot.versionId, entry);
    if (cache.size > CONTEXT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    return entry;
  };
}

export function isLoopback(host: string): boolean {
  if (net.isIPv4(host)) return host.startsWith('127.');
  if (net.isIPv6(host)) return host === '::1' || /^(0{0,4}:){7}0{0,3}1$/.test(host);
  return false;
}

function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  if (error.code === 'EADDRINUSE') {
    return new UserError({what: `failed to start the local gateway on ${host}:${port}`, why: 'the port is already in use', fix: 'stop what uses it or pick another port with --port', field: 'port'});
  }
  if (error.code === 'EACCES') {
    return new UserError({what: `failed to start the local gateway on ${host}:${port}`, why: 'permission denied (ports below 1024 need privileges)', fix: 'pick a port above 1024 with --port', field: 'port'});
  }
  return error;
}
