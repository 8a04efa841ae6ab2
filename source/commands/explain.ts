/**
 * `mtls-wizard explain CLIENT_CERT [--truststore FILE] [--chain FILE] [--json] [--at DATE]`: would API Gateway let
 * this certificate in, and if not, why. Exit 0 accepted, 1 not accepted, 2 bad input. Thin: the verdict is
 * source/explain's, the truststore by default the walkthrough's pinned version.
 */
import {UsageError} from '../errors.js';
import {parseAt} from '../explain/at.js';
import {formatVerdict} from '../explain/format.js';
import {readInput, requireCertificates} from '../explain/read.js';
import {explainCertificate, type ExplainInput} from '../explain/verdict.js';
import {pinnedTruststore, revokedClient, versionName, walkthroughCas} from '../explain/walkthrough.js';
import {StateStore} from '../state/store.js';
import type {IO} from './io.js';
import type {Options} from './options.js';

export async function explainCommand(o: Options, io: IO): Promise<number> {
  const [file, ...extra] = o.positionals;
  if (!file || extra.length > 0) {
    throw new UsageError({what: 'bad explain command', why: 'the form is `mtls-wizard explain CLIENT_CERT [--truststore FILE] [--chain FILE] [--at DATE] [--json]`', fix: 'e.g. `mtls-wizard explain mtls-wizard/clients/client1/certificate.pem`'});
  }
  const now = parseAt(o.explain?.at);
  const leaf = requireCertificates(await readInput(file, 'the client certificate', 2), file, 'the client certificate', 2)[0]!;
  // With --truststore the walkthrough only adds facts (its CAs' names, revocations): a broken one is skipped.
  const loading = new StateStore(o.stateDir).load();
  const state = o.explain?.truststore ? await loading.catch(() => undefined) : await loading;

  let truststoreFile = o.explain?.truststore;
  let truststoreName = truststoreFile ? `the truststore ${truststoreFile}` : undefined;
  if (!truststoreFile) {
    if (!state) {
      throw new UsageError({what: 'failed to find the truststore to check against', why: `there is no walkthrough in ${o.stateDir}`, fix: 'pass --truststore FILE, or --state-dir with the folder of a walkthrough', field: 'truststore'});
    }
    const pinned = pinnedTruststore(state, o.stateDir);
    truststoreFile = pinned.file;
    truststoreName = versionName(pinned.versionId);
  }
  const truststore = requireCertificates(await readInput(truststoreFile, 'the truststore', 2), truststoreFile, 'the truststore', 2);
  const sent = o.explain?.chain ? requireCertificates(await readInput(o.explain.chain, 'the chain', 2), o.explain.chain, 'the chain', 2) : undefined;

  const input: ExplainInput = {
    leaf,
    truststore,
    now,
    truststoreName,
    ...(sent ? {sent} : {}),
    ...(state ? {walkthroughCas: walkthroughCas(state), revoked: revokedClient(state, leaf)} : {}),
  };
  const verdict = explainCertificate(input);
  io.stdout(o.json ? JSON.stringify(verdict, null, 2) : formatVerdict(verdict, leaf.subject));
  return verdict.accepted ? 0 : 1;
}
