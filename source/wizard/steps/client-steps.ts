/** Part A6 and B3: client certificates with passphrase-encrypted keys. */
import path from 'node:path';
import {ensurePkcs12} from '../pkcs12-export.js';
import {STEP_INFO} from '../plan-info.js';
import type {Step, StepContext} from '../step.js';

async function ensureClient(ctx: StepContext, index: number): Promise<boolean> {
  const input = ctx.state().inputs.clients[index];
  if (!input) throw new Error(`the plan has no client number ${index}`);
  const before = ctx.state().clients[input.name];
  const passphrase = await ctx.secrets.passphrase(ctx, input.name);
  const record = await ctx.backend.ensureClient(ctx, input, passphrase.value);
  // Where the generated passphrase is goes to state with the PKCS#12 files, in one write: the file itself is
  // already on disk at its fixed path (a crash before that write finds it there again).
  const file = passphrase.generatedFile ? path.relative(ctx.stateDir, passphrase.generatedFile) : undefined;
  const recordFile = file !== undefined && ctx.state().clients[input.name]?.passphraseFile !== file;
  if (file !== undefined) ctx.output(`${input.name} passphrase file`, file);
  const p12 = await ensurePkcs12(
    ctx,
    input.name,
    passphrase.value,
    recordFile
      ? (draft) => {
          const client = draft.clients[input.name];
          if (client) client.passphraseFile = file;
        }
      : undefined,
  );
  ctx.output(`${input.name} PKCS#12 (modern: curl, browsers, OpenSSL 3, Java 17)`, p12.modern);
  ctx.output(`${input.name} PKCS#12 (compatible: macOS Keychain, older Windows and Java)`, p12.compatible);
  const reused = Boolean(before?.certificate && before.fingerprint === record.fingerprint);
  ctx.log(reused ? `${input.name} already exists ✓ (reused)` : `issued ${input.name} from ${input.issuer} (clientAuth, SAN ${input.dnsName}); key encrypted with the passphrase`);
  if (record.certificate) ctx.output(`${input.name} certificate`, record.certificate);
  if (record.key) ctx.output(`${input.name} key (encrypted)`, record.key);
  return reused;
}

export const clientCertStep: Step = {
  ...STEP_INFO['client-cert'],
  async run(ctx) {
    return {reused: await ensureClient(ctx, 0)};
  },
};

export const clientCert2Step: Step = {
  ...STEP_INFO['client-cert-2'],
  async run(ctx) {
    return {reused: await ensureClient(ctx, 1)};
  },
};
