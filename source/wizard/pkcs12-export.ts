/**
 * Each client also as PKCS#12, protected by the same passphrase: `modern` (AES-256, SHA-256 MAC) for curl,
 * browsers, OpenSSL 3, Node and current Java; `compatible` (3DES, SHA-1 MAC) for macOS Keychain, older
 * Windows and older Java. Done after the backend issued the client, so it works the same on both backends.
 */
import {access, readFile} from 'node:fs/promises';
import path from 'node:path';
import {decryptPrivateKey, exportPkcs12, type Pkcs12Profile} from '../pki/index.js';
import {writeSecretFile} from '../util/fs.js';
import {caChainPem} from './chains.js';
import type {BackendContext} from '../backends/backend.js';
import type {State} from '../state/schema.js';

export const P12_FILES: Record<Pkcs12Profile, (client: string) => string> = {
  modern: (client) => path.join('clients', client, 'client.p12'),
  compatible: (client) => path.join('clients', client, 'client-compatible.p12'),
};

const exists = (file: string) => access(file).then(() => true, () => false);

/**
 * `also` is a change to the client's state record that rides on the same state write (one write fewer); it is
 * applied on its own when the files already exist.
 */
export async function ensurePkcs12(ctx: BackendContext, clientName: string, passphrase: string, also?: (draft: State) => void): Promise<Record<Pkcs12Profile, string>> {
  const client = ctx.state().clients[clientName];
  if (!client?.certificate || !client.key) throw new Error(`client ${clientName} has no certificate yet`);
  const abs = (p: string) => path.join(ctx.stateDir, p);
  const wanted = {modern: P12_FILES.modern(clientName), compatible: P12_FILES.compatible(clientName)};
  const recorded = client.p12 ?? {};
  if (recorded['modern'] === wanted.modern && recorded['compatible'] === wanted.compatible && (await exists(abs(wanted.modern))) && (await exists(abs(wanted.compatible)))) {
    if (also) await ctx.update(also);
    return wanted;
  }
  const [certificatePem, encryptedKey] = await Promise.all([readFile(abs(client.certificate), 'utf8'), readFile(abs(client.key), 'utf8')]);
  const privateKeyPem = decryptPrivateKey(encryptedKey, passphrase);
  const chain = await caChainPem(ctx.stateDir, ctx.state(), client.issuer);
  const chainPems = chain.split(/(?=-----BEGIN CERTIFICATE-----)/).filter((p) => p.includes('BEGIN CERTIFICATE'));
  // Each file is written while the next one is made (their fsyncs overlap the key derivation).
  const writes: Promise<void>[] = [];
  for (const profile of ['modern', 'compatible'] as const) {
    const der = exportPkcs12({privateKeyPem, certificatePem, chainPems, passphrase, profile, friendlyName: clientName});
    writes.push(writeSecretFile(abs(wanted[profile]), der));
  }
  await Promise.all(writes);
  await ctx.update((draft) => {
    also?.(draft);
    const record = draft.clients[clientName];
    if (record) record.p12 = wanted;
  });
  return wanted;
}
