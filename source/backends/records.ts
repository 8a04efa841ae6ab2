/** State bookkeeping both backends share: a stored truststore version, and forgetting everything on teardown. */
import type {State, TruststoreVersion} from '../state/schema.js';
import {checkTruststore} from '../truststore/index.js';
import type {BackendContext} from './backend.js';

/** Records an uploaded truststore version (replacing a record of the same id) and clears the pending upload. */
export async function recordTruststoreVersion(
  ctx: BackendContext,
  o: {versionId: string; file: string; bundlePem: string; step: string; uri: string},
): Promise<TruststoreVersion> {
  const report = checkTruststore(o.bundlePem, {now: ctx.now()});
  const version: TruststoreVersion = {
    versionId: o.versionId,
    file: o.file,
    fingerprints: report.certificates.map((c) => c.fingerprint),
    subjects: report.certificates.map((c) => c.subject),
    uploadedAt: ctx.now().toISOString(),
    step: o.step,
  };
  await ctx.update((draft) => {
    const ts = draft.truststore!;
    ts.versions = [...ts.versions.filter((v) => v.versionId !== o.versionId), version];
    delete ts.pendingUpload;
  });
  ctx.log(`stored the truststore as ${o.uri} version ${o.versionId}`);
  return version;
}

/** After teardown the state records nothing made: every step pending again, inputs kept. */
export function forgetResources(draft: State): void {
  draft.cas = {};
  draft.clients = {};
  delete draft.api;
  delete draft.domain;
  delete draft.truststore;
  delete draft.outsider;
  draft.checks = {};
  draft.steps = {};
}
