/**
 * Revocation by a CA made on this machine (it has a `key` file): the revocation is recorded in
 * `cas[issuer].revoked` and the CA signs a new CRL listing every serial it revoked, written to
 * `cas/<issuer>/crl.pem`. Shared by the local backend and by the aws backend's locally made CAs
 * (`--ca-source local`), so that both revoke the same way.
 */
import {createPublicKey} from 'node:crypto';
import {readFile} from 'node:fs/promises';
import path from 'node:path';
import {UserError} from '../errors.js';
import {createCrl, crlLists} from '../pki/crl.js';
import type {KeyMaterial} from '../pki/index.js';
import {writePublicFile} from '../util/fs.js';
import type {BackendContext, RevokeRequest, RevokeResult} from './backend.js';

export const crlPath = (caName: string) => path.join('cas', caName, 'crl.pem');

/** True when the CA's revocations are this machine's to sign (a key file here, no Private CA ARN). */
export function isLocalCa(ctx: BackendContext, caName: string): boolean {
  const ca = ctx.state().cas[caName];
  return Boolean(ca?.key && !ca.arn);
}

/** The revocation already recorded for a serial, if any. */
export function recordedRevocation(ctx: BackendContext, request: {issuer: string; serial: string}) {
  return ctx.state().cas[request.issuer]?.revoked?.find((r) => r.serial === request.serial.toLowerCase());
}

/** Records the revocation (once) and writes a CRL signed by the CA that lists all of its revoked serials. */
export async function revokeWithLocalCa(ctx: BackendContext, request: RevokeRequest): Promise<RevokeResult> {
  const ca = ctx.state().cas[request.issuer];
  if (!ca?.key || !ca.certificate) {
    throw new UserError({what: `cannot revoke a certificate of ${request.issuer}`, why: `${request.issuer} has no private key on this machine to sign a CRL`, fix: 'revoke it where the CA lives', field: 'issuer'});
  }
  const serial = request.serial.toLowerCase();
  const already = recordedRevocation(ctx, request);
  const file = crlPath(request.issuer);
  const abs = (p: string) => path.join(ctx.stateDir, p);
  // Recorded and on the CRL on disk: done. Recorded but not on it (a crash before the CRL was written): sign it now.
  if (already && ca.crl === file) {
    const current = await readFile(abs(file), 'utf8').catch(() => undefined);
    if (current && crlLists(current, serial)) return {alreadyRevoked: true, crl: file};
  }
  if (!already) {
    await ctx.update((draft) => {
      const record = draft.cas[request.issuer]!;
      record.revoked = [...(record.revoked ?? []), {serial, revokedAt: ctx.now().toISOString(), reason: request.reason}];
    });
  }
  const record = ctx.state().cas[request.issuer]!;
  const number = (record.crlNumber ?? 0) + 1;
  const [caCertificatePem, privateKeyPem] = await Promise.all([readFile(abs(ca.certificate), 'utf8'), readFile(abs(ca.key), 'utf8')]);
  const caKey: KeyMaterial = {algorithm: algorithmOf(privateKeyPem, ctx.state().inputs.keyAlgorithm), privateKeyPem, publicKeyPem: createPublicKey(privateKeyPem).export({type: 'spki', format: 'pem'}).toString()};
  const pem = await ctx.call('sign CRL', `${request.issuer} #${number} (${record.revoked?.length ?? 0} revoked)`, () =>
    createCrl({caCertificatePem, caKey, entries: record.revoked ?? [], number, now: ctx.now()}),
  );
  // The number is taken before the file is written, so a crash in between never makes two CRLs with one number.
  await ctx.update((draft) => {
    draft.cas[request.issuer]!.crlNumber = number;
  });
  await writePublicFile(abs(file), pem);
  await ctx.update((draft) => {
    draft.cas[request.issuer]!.crl = file;
  });
  ctx.log(`${request.issuer} signed CRL #${number} listing ${record.revoked?.length ?? 0} revoked serial(s): ${file}`);
  return {alreadyRevoked: Boolean(already), crl: file};
}

/** A CA made with another algorithm than the walkthrough's current input (e.g. issue 8's CAs) still signs. */
function algorithmOf(privateKeyPem: string, fallback: KeyMaterial['algorithm']): KeyMaterial['algorithm'] {
  const k = createPublicKey(privateKeyPem);
  if (k.asymmetricKeyType === 'ec') return k.asymmetricKeyDetails?.namedCurve === 'secp384r1' ? 'EC_secp384r1' : 'EC_prime256v1';
  if (k.asymmetricKeyType === 'rsa') return (k.asymmetricKeyDetails?.modulusLength ?? 2048) >= 4096 ? 'RSA_4096' : 'RSA_2048';
  return fallback;
}
