/** Builds the completion screen's model from the stored state: resources, curl commands, next commands. */
import {commandLine} from '../util/invocation.js';
import path from 'node:path';
import {curlCommand} from '../shell/curl.js';
import {shellQuote} from '../shell/quote.js';
import type {State} from '../state/schema.js';
import {caSourceOf} from '../wizard/inputs.js';
import {PASSPHRASE_ENV} from '../wizard/secrets.js';
import type {CompletionModel, CurlExample} from './model/completion.js';
import {resourcesOf} from './model/resources.js';

/** The default state dir: commands shown without --state-dir when it is the one in use. */
const isDefaultDir = (dir: string) => path.resolve(dir) === path.resolve('mtls-wizard');

/** passphraseFile: the --passphrase-file in use, shown for clients whose passphrase was not generated. */
export function buildCompletion(state: State, stateDir: string, o: {passphraseFile?: string} = {}): CompletionModel {
  const resources = resourcesOf(state, stateDir);
  const abs = (p: string | undefined) => (p === undefined ? undefined : path.isAbsolute(p) ? p : path.join(stateDir, p));
  const domain = state.domain;
  const endpoint = domain ? {url: domain.url ?? `https://${domain.name}${state.inputs.resourcePath}`, resolve: domain.resolve, caCertificate: abs(domain.caCertificate)} : undefined;
  const curl: CurlExample[] = [];
  if (endpoint) {
    const base = {url: endpoint.url, resolve: endpoint.resolve, cacert: endpoint.caCertificate};
    for (const client of resources.clients) {
      if (!client.certificate || !client.key) continue;
      // The printed command refers to the passphrase; it never shows it.
      const file = client.passphraseFile ?? (o.passphraseFile && path.resolve(o.passphraseFile));
      const passDisplay = file ? `"$(cat ${shellQuote(file)})"` : `"$${PASSPHRASE_ENV}"`;
      curl.push({label: `${client.name} (issued by ${client.issuer})`, expect: '200 and a JSON answer', command: curlCommand({...base, key: client.key, cert: client.certificate, passDisplay})});
    }
    curl.push({label: 'no client certificate', expect: '403 Forbidden', command: curlCommand(base)});
  }
  const flag = isDefaultDir(stateDir) ? '' : ` --state-dir ${shellQuote(stateDir)}`;
  const next = [
    ...(state.backend === 'local' ? [{command: commandLine(`gateway${flag}`), what: 'serve the gateway, then paste a curl command above'}] : []),
    {command: commandLine(`connect${flag}`), what: 'run the accepted and rejected checks again'},
    {command: commandLine(`status${flag}`), what: 'see every step, CA, file and the endpoint'},
    {command: commandLine(`diagram${flag} --out setup.svg`), what: 'draw the CA tree, truststore and clients (or --format mermaid)'},
    {command: commandLine(`teardown${flag}`), what: state.backend === 'aws' ? (caSourceOf(state) === 'pca' ? 'remove the AWS resources (stops the monthly CA cost)' : 'remove the AWS resources and the files made here') : 'remove what the walkthrough made'},
    {command: commandLine(`reset${flag}`), what: 'delete the state directory and start over'},
  ];
  return {backend: state.backend, stateDir, walkthroughId: state.walkthroughId, resources, endpoint, curl, next};
}
