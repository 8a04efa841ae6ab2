/** `mtls-wizard gateway`: serves the local gateway in the foreground, printing the curl command of each client. */
import path from 'node:path';
import {removeGatewayPid, readGatewayPid, writeGatewayPid} from '../backends/local/gateway-pid.js';
import {startLocalGateway} from '../backends/local/serve.js';
import {UserError} from '../errors.js';
import {curlCommand, detectCurl, pkcs12ProfileFor} from '../shell/curl.js';
import {generatedPassphrasePath, PASSPHRASE_ENV} from '../wizard/secrets.js';
import type {IO} from './io.js';
import {loadExisting} from './open.js';
import type {Options} from './options.js';

export async function gatewayCommand(o: Options, io: IO, signal?: AbortSignal): Promise<number> {
  const {store, state} = await loadExisting(o.stateDir, 'serve');
  if (state.backend !== 'local') {
    throw new UserError({what: 'there is no local gateway for this walkthrough', why: 'it runs on the aws backend: API Gateway serves it', fix: 'run `mtls-wizard connect` to check it'});
  }
  const other = await readGatewayPid(store.dir);
  if (other) throw new UserError({what: 'cannot start the gateway', why: `one is already running for ${store.dir} (pid ${other.pid}, port ${other.port})`, fix: `stop it (kill ${other.pid}) or use that one`});
  const port = o.port ?? state.inputs.port;
  // A busy port comes back from the gateway as one clear error that names --port.
  const gateway = await startLocalGateway(store.dir, state, {
    port,
    checkRevocation: o.checkRevocation,
    onRequest: (log) => io.stdout(`${new Date(log.at).toISOString()} ${log.status} ${log.method} ${log.path} ${log.accepted ? 'accepted' : 'rejected'}${log.subject ? ` ${log.subject}` : ''}${log.reason ? ` ${log.reason}` : ''}${log.note ? ` — ${log.note}` : ''}`),
  });
  await writeGatewayPid(store.dir, gateway.port, {checkRevocation: o.checkRevocation});
  io.stdout(`local API Gateway for ${state.domain?.name} on 127.0.0.1:${gateway.port} (mTLS, truststore version ${state.truststore?.pinnedVersion ?? 'none yet: every request gets 403'})`);
  io.stdout(o.checkRevocation
    ? 'revocation: each client certificate is checked against its issuer\'s CRL, as a CRL-checking Lambda authorizer would (API Gateway itself does not)'
    : 'revocation: not checked, as on API Gateway (a revoked certificate still gets in; --check-revocation checks CRLs)');
  const curl = await detectCurl().catch(() => undefined);
  const pick = curl && pkcs12ProfileFor(curl);
  if (pick) io.stdout(`your curl uses ${curl?.tlsLibrary}, which ignores --pass for PEM keys: the commands use the PKCS#12 files`);
  for (const client of Object.values(state.clients)) {
    if (!client.certificate || !client.key) continue;
    const generated = client.passphraseFile ? path.join(store.dir, client.passphraseFile) : path.join(store.dir, generatedPassphrasePath(client.name));
    const passDisplay = client.passphraseFile ? `"$(cat ${generated})"` : `"$${PASSPHRASE_ENV}"`;
    const p12 = pick ? client.p12?.[pick] : undefined;
    const files = p12 ? {p12: path.join(store.dir, p12)} : {key: path.join(store.dir, client.key), cert: path.join(store.dir, client.certificate)};
    io.stdout(`\n${client.name}:\n  ${curlCommand({url: gateway.url, resolve: gateway.resolve, cacert: gateway.caCertificate, ...files, passDisplay})}`);
  }
  io.stdout(`\nwithout a certificate (403):\n  ${curlCommand({url: gateway.url, resolve: gateway.resolve, cacert: gateway.caCertificate})}`);
  io.stdout('\nPress Ctrl-C to stop.');
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    signal?.addEventListener('abort', stop, {once: true});
  });
  await gateway.close();
  await removeGatewayPid(store.dir);
  io.stdout('gateway stopped');
  return 0;
}
