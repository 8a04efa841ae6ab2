/** Which CAs the pinned truststore trusts (lifecycle/trust.ts) and how partner CAs are named (truststore-plan.ts). */
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {isTrusted, trustedCas} from '../../source/lifecycle/trust.js';
import {caNameFromSubject, planPartnerAdd} from '../../source/lifecycle/truststore-plan.js';
import {newState} from '../../source/state/new-state.js';
import type {State} from '../../source/state/schema.js';
import {buildInputs, defaultChoices} from '../../source/wizard/inputs.js';
import {type PartnerPki, makePartnerPki} from '../local/openssl-fixtures.js';

const ca = (name: string, parent: string | null, fingerprint: string) => ({name, parent, pathLen: null, fingerprint, certificate: `cas/${name}/certificate.pem`});

function stateWith(pinned: string[]): State {
  const state = newState('local', buildInputs(defaultChoices()));
  state.cas = {root: ca('root', null, 'r'), mid: ca('mid', 'root', 'm'), low: ca('low', 'mid', 'l'), other: ca('other', null, 'o')};
  state.truststore = {bucket: 'b', key: 'k', uri: 's3://b/k', warnings: [], pinnedVersion: 'v2', versions: [
    {versionId: 'v1', file: 'truststore/a.pem', fingerprints: ['r', 'm', 'l', 'o'], subjects: [], uploadedAt: new Date().toISOString(), step: 'mtls'},
    {versionId: 'v2', file: 'truststore/b.pem', fingerprints: pinned, subjects: [], uploadedAt: new Date().toISOString(), step: 'x'},
  ]};
  return state;
}

describe('trustedCas / isTrusted', () => {
  it('trusts a CA only when it and every CA above it are in the pinned version', () => {
    expect([...trustedCas(stateWith(['r', 'm', 'l']))].sort()).toEqual(['low', 'mid', 'root']);
    // mid retired: low still has its certificate in the bundle but its chain is broken, as API Gateway sees it.
    expect([...trustedCas(stateWith(['r', 'l', 'o']))].sort()).toEqual(['other', 'root']);
    expect(isTrusted(stateWith(['r', 'l']), 'low')).toBe(false);
    expect(isTrusted(stateWith(['r', 'm']), 'mid')).toBe(true);
    expect(isTrusted(stateWith(['r', 'm']), 'unknown')).toBe(false);
  });

  it('trusts nothing before a version is pinned', () => {
    const state = stateWith(['r']);
    delete state.truststore!.pinnedVersion;
    expect(trustedCas(state).size).toBe(0);
  });
});

describe('partner CA names', () => {
  let dir: string;
  let partner: PartnerPki;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mtls-names-'));
    partner = await makePartnerPki(dir, 'Acme Corp');
  });
  afterAll(() => rm(dir, {recursive: true, force: true}));

  it('takes the common name, file-safe, and makes it unique when the name is taken', async () => {
    expect(caNameFromSubject('O=Acme, CN=Acme Root CA')).toBe('Acme-Root-CA');
    expect(caNameFromSubject('CN=../../etc')).toBe('etc');
    expect(caNameFromSubject('O=No Common Name')).toBe('partnerCA');
    const state = stateWith([]);
    state.cas['Acme-Corp-Root-CA'] = ca('Acme-Corp-Root-CA', null, 'someone-else');
    const plan = planPartnerAdd(state, '', await readFile(partner.chainFile, 'utf8'), partner.chainFile, new Date());
    expect(plan.chain.map((c) => [c.name, c.parent])).toEqual([
      ['Acme-Corp-Root-CA-2', null],
      ['Acme-Corp-Issuing-CA', 'Acme-Corp-Root-CA-2'],
    ]);
    expect(plan.added.map((c) => c.name)).toEqual(['Acme-Corp-Root-CA-2', 'Acme-Corp-Issuing-CA']);
  });
});
