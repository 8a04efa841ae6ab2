/**
 * The behaviour every backend owes the steps, checked the same way on each: files at the paths the
 * truststore steps read, chains openssl accepts, idempotent calls, a pinned truststore version, an
 * encrypted client key, an https endpoint, and a teardown that can run twice.
 */
import {readFile, stat} from 'node:fs/promises';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import type {Backend, BackendContext} from '../../source/backends/backend.js';
import {LOCAL} from '../../source/backends/local/layout.js';
import {decryptPrivateKey, keyMatchesCertificate, parseCertificate} from '../../source/pki/index.js';
import type {State, StepId} from '../../source/state/schema.js';
import {caChainPem} from '../../source/wizard/chains.js';
import {opensslOk} from '../pki/openssl.js';

export interface ContractSubject {
  readonly backend: Backend;
  readonly stateDir: string;
  context(stepId?: StepId): BackendContext;
  state(): State;
  cleanup(): Promise<void>;
}

export const CONTRACT_PASSPHRASE = 'contract-pass-1234';

export function backendContract(label: string, make: () => Promise<ContractSubject>): void {
  describe(`backend contract: ${label}`, () => {
    let s: ContractSubject;
    const file = (relative: string) => path.join(s.stateDir, relative);
    const input = (i: number) => s.state().inputs.cas[i]!;

    beforeAll(async () => {
      s = await make();
      await s.backend.preflight(s.context('root-ca'));
    });
    afterAll(async () => {
      await s?.cleanup();
    });

    test('ensureCa makes a self-signed root; its certificate and chain are where the truststore steps read them', async () => {
      const root = await s.backend.ensureCa(s.context('root-ca'), input(0));
      expect(root).toMatchObject({name: 'rootCA', parent: null, pathLen: null, certificate: LOCAL.caCertificate('rootCA'), chain: LOCAL.caChain('rootCA')});
      const pem = await readFile(file(root.certificate!), 'utf8');
      const info = parseCertificate(pem);
      expect(info).toMatchObject({selfSigned: true, isCa: true, pathLen: null, subject: 'CN=rootCA'});
      expect(root.fingerprint).toBe(info.fingerprint);
      expect((await readFile(file(root.chain!), 'utf8')).trim()).toBe(pem.trim());
      opensslOk(['verify', '-CAfile', file(root.certificate!), file(root.certificate!)]);
    });

    test('ensureCa again reuses the CA', async () => {
      const before = s.state().cas.rootCA!;
      const again = await s.backend.ensureCa(s.context('root-ca'), input(0));
      expect(again.fingerprint).toBe(before.fingerprint);
      expect(again.certificate).toBe(before.certificate);
    });

    test('a subordinate CA chains to the root, with pathLen from the depth below it', async () => {
      const int0 = await s.backend.ensureCa(s.context('intermediate-ca'), input(1));
      expect(int0).toMatchObject({name: 'intermediateCA0', parent: 'rootCA', pathLen: 0});
      const info = parseCertificate(await readFile(file(int0.certificate!), 'utf8'));
      expect(info).toMatchObject({isCa: true, pathLen: 0, issuer: 'CN=rootCA', subject: 'CN=intermediateCA0'});
      opensslOk(['verify', '-CAfile', file(LOCAL.caCertificate('rootCA')), file(int0.certificate!)]);
      const chain = await readFile(file(int0.chain!), 'utf8');
      expect((chain.match(/BEGIN CERTIFICATE/g) ?? []).length).toBe(2);
      expect(new Date(int0.notAfter!).getTime()).toBeLessThanOrEqual(new Date(s.state().cas.rootCA!.notAfter!).getTime());
    });

    test('ensureApi is idempotent and records the resource path', async () => {
      const first = await s.backend.ensureApi(s.context('api'));
      const second = await s.backend.ensureApi(s.context('api'));
      expect(first.resourcePath).toBe('/hoge/auth');
      expect(second.id).toBe(first.id);
    });

    test('ensureDomain maps the domain and gives an https URL ending in the resource path', async () => {
      const domain = await s.backend.ensureDomain(s.context('custom-domain'));
      expect(domain.name).toBe('api.mtls.test');
      expect(domain.basePathMapped).toBe(true);
      expect(domain.url).toMatch(/^https:\/\/api\.mtls\.test(:\d+)?\/hoge\/auth$/);
      expect((await s.backend.ensureDomain(s.context('custom-domain'))).url).toBe(domain.url);
    });

    test('uploadTruststore stores a checked copy as a new version; pinTruststore pins it', async () => {
      const bundle = await caChainPem(s.stateDir, s.state(), 'intermediateCA0');
      const version = await s.backend.uploadTruststore(s.context('mtls'), bundle, 'mtls');
      expect(version.versionId).toBeTruthy();
      expect(version.step).toBe('mtls');
      expect(await readFile(file(version.file), 'utf8')).toBe(bundle);
      expect(version.subjects).toEqual(['CN=intermediateCA0', 'CN=rootCA']);
      const pinned = await s.backend.pinTruststore(s.context('mtls'), version.versionId);
      expect(Array.isArray(pinned.warnings)).toBe(true);
      const ts = s.state().truststore!;
      expect(ts.pinnedVersion).toBe(version.versionId);
      expect(ts.uri).toMatch(/^s3:\/\/[a-z0-9.-]+\/.+/);
      expect(ts.pendingUpload).toBeUndefined();
    });

    test('a second upload is a new version, and re-pinning moves to it', async () => {
      const first = s.state().truststore!.versions[0]!;
      const bundle = await caChainPem(s.stateDir, s.state(), 'intermediateCA0');
      const next = await s.backend.uploadTruststore(s.context('truststore-update'), bundle, 'truststore-update');
      expect(next.versionId).not.toBe(first.versionId);
      await s.backend.pinTruststore(s.context('truststore-update'), next.versionId);
      expect(s.state().truststore!.pinnedVersion).toBe(next.versionId);
      expect(s.state().truststore!.versions.map((v) => v.step)).toEqual(['mtls', 'truststore-update']);
    });

    test('ensureClient writes a clientAuth certificate from its issuer and the key encrypted, 0600 in 0700', async () => {
      const client = await s.backend.ensureClient(s.context('client-cert'), s.state().inputs.clients[0]!, CONTRACT_PASSPHRASE);
      expect(client).toMatchObject({name: 'client1', issuer: 'intermediateCA0', certificate: LOCAL.clientCertificate('client1'), key: LOCAL.clientKey('client1')});
      const keyPem = await readFile(file(client.key!), 'utf8');
      expect(keyPem).toContain('BEGIN ENCRYPTED PRIVATE KEY');
      expect((await stat(file(client.key!))).mode & 0o777).toBe(0o600);
      expect((await stat(path.dirname(file(client.key!)))).mode & 0o777).toBe(0o700);
      const certPem = await readFile(file(client.certificate!), 'utf8');
      expect(keyMatchesCertificate(decryptPrivateKey(keyPem, CONTRACT_PASSPHRASE), certPem)).toBe(true);
      opensslOk(['verify', '-CAfile', file(LOCAL.caCertificate('rootCA')), '-untrusted', file(LOCAL.caCertificate('intermediateCA0')), '-purpose', 'sslclient', file(client.certificate!)]);
      expect(opensslOk(['x509', '-in', file(client.certificate!), '-noout', '-ext', 'extendedKeyUsage'])).toContain('TLS Web Client Authentication');
      const again = await s.backend.ensureClient(s.context('client-cert'), s.state().inputs.clients[0]!, CONTRACT_PASSPHRASE);
      expect(again.fingerprint).toBe(client.fingerprint);
    });

    test('openEndpoint gives the https URL of the domain and closes', async () => {
      const endpoint = await s.backend.openEndpoint(s.context('connect'));
      try {
        expect(endpoint.url).toMatch(/^https:\/\/api\.mtls\.test(:\d+)?\/hoge\/auth$/);
      } finally {
        await endpoint.close();
      }
    });

    test('revokeCertificate records the revocation under the issuing CA once; a repeat is already revoked', async () => {
      const client = s.state().clients.client1!;
      const first = await s.backend.revokeCertificate(s.context(), {issuer: 'intermediateCA0', serial: client.serial!, reason: 'keyCompromise'});
      expect(first.alreadyRevoked).toBe(false);
      const recorded = s.state().cas.intermediateCA0!.revoked;
      expect(recorded).toEqual([{serial: client.serial, revokedAt: expect.any(String), reason: 'keyCompromise'}]);
      // A CA with a key here signs a CRL that openssl verifies; a Private CA publishes its own (none here).
      const crl = s.state().cas.intermediateCA0!.crl;
      if (first.crl) {
        expect(crl).toBe(first.crl);
        const text = opensslOk(['crl', '-in', file(crl!), '-CAfile', file(LOCAL.caChain('intermediateCA0')), '-noout', '-text']);
        expect(text).toContain(`Serial Number: ${client.serial!.toUpperCase()}`);
      } else {
        expect(crl).toBeUndefined();
      }
      const again = await s.backend.revokeCertificate(s.context(), {issuer: 'intermediateCA0', serial: client.serial!, reason: 'keyCompromise'});
      expect(again.alreadyRevoked).toBe(true);
      expect(s.state().cas.intermediateCA0!.revoked).toEqual(recorded);
    });

    test('teardown forgets every resource, removes the files, and can run again', async () => {
      await s.backend.teardown(s.context());
      const state = s.state();
      expect(state.cas).toEqual({});
      expect(state.clients).toEqual({});
      expect(state.api ?? state.domain ?? state.truststore).toBeUndefined();
      await expect(stat(file(LOCAL.caCertificate('rootCA')))).rejects.toThrow();
      await expect(stat(file(LOCAL.clientKey('client1')))).rejects.toThrow();
      await s.backend.teardown(s.context());
    });
  });
}
