/**
 * A CA outside the truststore and a client certificate it issued: the proof that the gateway refuses
 * certificates it has no reason to trust. Made locally on both backends, under <state-dir>/outsider/.
 */
import path from 'node:path';
import {access} from 'node:fs/promises';
import type {BackendContext} from '../backends/backend.js';
import {createRootCa, generateKey, issueClientCertificate} from '../pki/index.js';
import type {State} from '../state/schema.js';
import {writePublicFile, writeSecretFile} from '../util/fs.js';

type Outsider = NonNullable<State['outsider']>;

const exists = (file: string) => access(file).then(() => true, () => false);

export async function ensureOutsider(ctx: BackendContext): Promise<Outsider> {
  const state = ctx.state();
  if (state.outsider && (await exists(path.join(ctx.stateDir, state.outsider.certificate)))) return state.outsider;
  const dir = 'outsider';
  const files: Outsider = {
    caCertificate: path.join(dir, 'outsiderCA.pem'),
    certificate: path.join(dir, 'certificate.pem'),
    key: path.join(dir, 'key.pem'),
  };
  // Any key will do for a certificate that must be refused; P-256 is the quickest to make.
  const algorithm = 'EC_prime256v1' as const;
  const now = ctx.now();
  const caKey = await generateKey(algorithm);
  const ca = await createRootCa({key: caKey, commonName: 'outsiderCA (not in the truststore)', notAfter: new Date(now.getTime() + 365 * 86_400_000)});
  const key = await generateKey(algorithm);
  const cert = await issueClientCertificate({
    publicKeyPem: key.publicKeyPem,
    commonName: 'outsider',
    dnsName: 'outsider.invalid',
    issuer: {certificatePem: ca.pem, key: caKey},
    notAfter: new Date(now.getTime() + 30 * 86_400_000),
  });
  await Promise.all([
    writeSecretFile(path.join(ctx.stateDir, files.key), key.privateKeyPem),
    writePublicFile(path.join(ctx.stateDir, files.caCertificate), ca.pem),
    writePublicFile(path.join(ctx.stateDir, files.certificate), cert.pem),
  ]);
  await ctx.update((draft) => {
    draft.outsider = files;
  });
  ctx.log('made a client certificate from a CA outside the truststore (outsider/)');
  return files;
}
