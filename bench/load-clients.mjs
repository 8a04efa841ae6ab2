// The clients of bench/gateway-load.mjs: real TLS clients (node:https) that each present one identity
// (client1, client2, the outsider, or no certificate) and send their requests one after another.
import {createPrivateKey} from 'node:crypto';
import {readFile} from 'node:fs/promises';
import https from 'node:https';
import tls from 'node:tls';
import {join} from 'node:path';

/**
 * The identities a workshop room has, read from a finished walkthrough's state dir and `status --json`.
 * Client keys are decrypted once with their passphrase, as a client program loads its key at start.
 */
export async function loadIdentities(dir, status) {
  const read = (file) => readFile(file, 'utf8');
  const trusted = [];
  for (const client of status.clients) {
    if (!client.passphraseFile) throw new Error(`client ${client.name} has no passphrase file in ${dir}`);
    const passphrase = (await read(client.passphraseFile)).trim();
    const key = createPrivateKey({key: await read(client.key), format: 'pem', passphrase});
    trusted.push({
      name: client.name,
      subject: client.subject,
      cert: await read(client.certificate),
      key: key.export({type: 'pkcs8', format: 'pem'}),
    });
  }
  const outsider = {name: 'outsider', cert: await read(join(dir, 'outsider', 'certificate.pem')), key: await read(join(dir, 'outsider', 'key.pem'))};
  return {trusted, outsider, none: {name: 'no-certificate'}};
}

/**
 * An agent per client, as separate programs would have. `fresh`: a new connection and a full handshake
 * (no session resumption) for every request, like one curl per request. `keepalive`: one connection
 * per client, reused for all its requests.
 */
function agentFor(mode) {
  return mode === 'keepalive'
    ? new https.Agent({keepAlive: true, maxSockets: 1})
    : new https.Agent({keepAlive: false, maxCachedSessions: 0});
}

/** One GET; resolves with the status, the body and the latency in ms, or with the error that stopped it. */
function request(target, secureContext, agent, timeoutMs) {
  return new Promise((resolve) => {
    const started = performance.now();
    const done = (result) => resolve({...result, ms: performance.now() - started});
    const req = https.request(
      {
        host: '127.0.0.1',
        port: target.port,
        path: target.path,
        servername: target.domain,
        headers: {host: `${target.domain}:${target.port}`},
        secureContext,
        agent,
        timeout: timeoutMs,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => done({status: res.statusCode, body}));
        res.on('error', (error) => done({error: error.code ?? error.message}));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (error) => done({error: error.code ?? error.message}));
    req.end();
  });
}

/** What a request should have got; null when it did, else what went wrong. */
function judge(result, identity, expected) {
  if (result.error) return `error ${result.error}`;
  if (result.status !== expected) return `HTTP ${result.status}`;
  if (expected === 200 && !result.body.includes(`"subjectDN":"${identity.subject}"`)) return `200 for the wrong subject: ${result.body.slice(0, 120)}`;
  if (expected === 403 && !result.body.includes('"Forbidden"')) return `403 with an unexpected body: ${result.body.slice(0, 120)}`;
  return null;
}

/**
 * One client: `count` requests in a row with one identity; returns each request's latency and verdict.
 * Its TLS context (trusted server CA, certificate, key) is built once, as a client program would: left to
 * https.request, it would be rebuilt for every connection and the clients would mostly measure themselves.
 */
export async function runClient(target, identity, expected, count, mode, timeoutMs) {
  const agent = agentFor(mode);
  const secureContext = tls.createSecureContext({ca: target.ca, ...(identity.cert ? {cert: identity.cert, key: identity.key} : {})});
  const results = [];
  try {
    for (let i = 0; i < count; i++) {
      const result = await request(target, secureContext, agent, timeoutMs);
      results.push({ms: result.ms, expected, problem: judge(result, identity, expected), client: identity.name});
    }
  } finally {
    agent.destroy();
  }
  return results;
}

/** A single request, for the "still answers" check after the load. */
export async function probe(target, identity, expected, timeoutMs) {
  const [result] = await runClient(target, identity, expected, 1, 'fresh', timeoutMs);
  return result;
}
