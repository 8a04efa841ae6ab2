/**
 * explain for a certificate of the walkthrough, against its pinned truststore version: what the connect
 * checks log when a check does not go as expected. Never throws: a verdict that cannot be formed is a line.
 */
import {readFile} from 'node:fs/promises';
import path from 'node:path';
import type {State} from '../state/schema.js';
import {verdictLine} from './format.js';
import {certificatesIn} from './read.js';
import {explainCertificate} from './verdict.js';
import {pinnedTruststore, revokedClient, versionName, walkthroughCas} from './walkthrough.js';

export async function explainLine(state: State, stateDir: string, name: string, certificateFile: string, now: Date): Promise<string> {
  try {
    const abs = (p: string) => (path.isAbsolute(p) ? p : path.join(stateDir, p));
    const leaf = certificatesIn(new Uint8Array(await readFile(abs(certificateFile)))).certificates[0];
    if (!leaf) return `explain ${name}: its certificate file cannot be read`;
    const pinned = pinnedTruststore(state, stateDir);
    const truststore = certificatesIn(new Uint8Array(await readFile(pinned.file))).certificates;
    const verdict = explainCertificate({leaf, truststore, now, truststoreName: versionName(pinned.versionId), walkthroughCas: walkthroughCas(state), revoked: revokedClient(state, leaf)});
    return verdictLine(verdict, name);
  } catch (error) {
    return `explain ${name}: no verdict (${error instanceof Error ? error.message : String(error)})`;
  }
}
