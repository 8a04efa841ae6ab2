/** The pure parts of the client lifecycle: default issuer and name, trusted, status, and the checks of `client add`. */
import {describe, expect, it} from 'vitest';
import {checkAddClient, clientStatus, defaultIssuer, issuerChoices, issuerTrusted, listClients, nextClientName} from '../../source/lifecycle/clients.js';
import {newState} from '../../source/state/new-state.js';
import type {State} from '../../source/state/schema.js';
import {buildInputs, defaultChoices} from '../../source/wizard/inputs.js';

const NOW = new Date('2026-06-01T00:00:00Z');

/** A finished walkthrough's bookkeeping (no files: these functions read only the state). */
function walkthrough(): State {
  const state = newState('local', buildInputs(defaultChoices()));
  const ca = (name: string, parent: string | null) => ({name, parent, pathLen: null, certificate: `cas/${name}/certificate.pem`, key: `cas/${name}/key.pem`, fingerprint: `fp-${name}`});
  state.cas = {rootCA: ca('rootCA', null), intermediateCA0: ca('intermediateCA0', 'rootCA'), intermediateCA1: ca('intermediateCA1', 'rootCA'), intermediateCA2: ca('intermediateCA2', 'intermediateCA1')};
  const client = (name: string, issuer: string, serial: string) => ({name, issuer, dnsName: `${name}.mtls.test`, certificate: `clients/${name}/certificate.pem`, key: `clients/${name}/key.pem`, p12: {modern: 'x', compatible: 'y'}, serial, notBefore: '2026-01-01T00:00:00Z', notAfter: '2027-01-01T00:00:00Z'});
  state.clients = {client1: client('client1', 'intermediateCA0', '01'), client2: client('client2', 'intermediateCA2', '02')};
  const version = (id: string, cas: string[]) => ({versionId: id, file: `truststore/${id}.pem`, fingerprints: cas.map((c) => `fp-${c}`), subjects: cas.map((c) => `CN=${c}`), uploadedAt: '2026-01-01T00:00:00Z', step: id});
  state.truststore = {bucket: 'b', key: 'k', uri: 's3://b/k', versions: [version('v1', ['intermediateCA0', 'rootCA']), version('v2', ['intermediateCA0', 'rootCA', 'intermediateCA1', 'intermediateCA2'])], pinnedVersion: 'v2', warnings: []};
  return state;
}

describe('client lifecycle rules', () => {
  it('the default issuer is the issuer of the client added last, not of the one renewed last', () => {
    const state = walkthrough();
    expect(defaultIssuer(state)).toBe('intermediateCA2');
    state.clients['client3'] = {...state.clients['client1']!, name: 'client3', issuer: 'intermediateCA0'};
    expect(defaultIssuer(state)).toBe('intermediateCA0');
    // A renewal replaces client2's record in place: it stays where it was added.
    state.clients['client2'] = {...state.clients['client2']!, notBefore: '2026-05-01T00:00:00Z'};
    expect(defaultIssuer(state)).toBe('intermediateCA0');
  });

  it('trusted: every CA from the issuer up to the root in the pinned version', () => {
    const state = walkthrough();
    expect(issuerTrusted(state, 'intermediateCA2')).toBe(true);
    state.truststore!.pinnedVersion = 'v1';
    expect(issuerTrusted(state, 'intermediateCA2')).toBe(false);
    expect(issuerTrusted(state, 'intermediateCA0')).toBe(true);
    delete state.truststore!.pinnedVersion;
    expect(issuerTrusted(state, 'intermediateCA0')).toBe(false);
  });

  it('status: REVOKED over EXPIRED over ACTIVE; not issued is null', () => {
    const state = walkthrough();
    const c = state.clients['client1']!;
    expect(clientStatus(c, NOW)).toBe('ACTIVE');
    expect(clientStatus(c, new Date('2027-02-01T00:00:00Z'))).toBe('EXPIRED');
    expect(clientStatus({...c, revokedAt: '2026-02-01T00:00:00Z'}, new Date('2027-02-01T00:00:00Z'))).toBe('REVOKED');
    expect(clientStatus({name: 'x', issuer: 'rootCA', dnsName: 'x.mtls.test'}, NOW)).toBeNull();
    expect(listClients(state, NOW).map((s) => [s.name, s.status, s.trusted])).toEqual([['client1', 'ACTIVE', true], ['client2', 'ACTIVE', true]]);
  });

  it('client add refuses a partner CA (no key here) and an issuer outside the pinned truststore, naming the field', () => {
    const state = walkthrough();
    state.cas['partnerCA'] = {name: 'partnerCA', parent: null, pathLen: null, certificate: 'cas/partnerCA/certificate.pem', external: true, fingerprint: 'fp-partnerCA'};
    expect(() => checkAddClient(state, {name: 'client5', issuer: 'partnerCA'})).toThrow(expect.objectContaining({field: 'issuer', message: expect.stringMatching(/partner's CA: its private key is not here/)}));
    state.truststore!.pinnedVersion = 'v1';
    expect(() => checkAddClient(state, {name: 'client5', issuer: 'intermediateCA2'})).toThrow(expect.objectContaining({field: 'issuer', message: expect.stringMatching(/not in the pinned truststore.*truststore add/)}));
    expect(checkAddClient(state, {name: 'client5', issuer: 'intermediateCA0'})).toMatchObject({name: 'client5', issuer: 'intermediateCA0', dnsName: 'client5.mtls.test', commonName: 'client5'});
  });

  it('the proposed name is the first clientN no client or CA holds (any case), and `client add` accepts it', () => {
    const state = walkthrough();
    expect(nextClientName(state)).toBe('client3');
    state.cas['Client3'] = {...state.cas['intermediateCA0']!, name: 'Client3'};
    state.clients['client4'] = {...state.clients['client1']!, name: 'client4'};
    expect(nextClientName(state)).toBe('client5');
    expect(checkAddClient(state, {name: nextClientName(state)}).name).toBe('client5');
  });

  it('issuer choices: each CA with the reason `client add` refuses it, none for those that can issue', () => {
    const state = walkthrough();
    state.cas['partnerCA'] = {name: 'partnerCA', parent: null, pathLen: null, certificate: 'cas/partnerCA/certificate.pem', external: true, fingerprint: 'fp-partnerCA'};
    state.truststore!.pinnedVersion = 'v1';
    const choices = issuerChoices(state, 'client5');
    expect(choices.filter((c) => !c.refusal).map((c) => c.name)).toEqual(['rootCA', 'intermediateCA0']);
    expect(choices.find((c) => c.name === 'intermediateCA2')!.refusal).toMatch(/^the chain of intermediateCA2 up to its root is not in the pinned truststore/);
    expect(choices.find((c) => c.name === 'partnerCA')!.refusal).toMatch(/partner's CA: its private key is not here/);
  });
});
