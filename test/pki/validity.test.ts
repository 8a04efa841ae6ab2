/** A child never outlives its parent and never starts before it; openssl reads the dates back. */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {UserError} from '../../source/errors.js';
import {
  clampNotAfter,
  CLOCK_SKEW_MS,
  createRootCa,
  generateKey,
  issueCaCertificate,
  issueClientCertificate,
  type Issuer,
  type KeyMaterial,
} from '../../source/pki/index.js';
import {opensslOk, tempDir} from './openssl.js';

const DAY = 86_400_000;

/** notBefore/notAfter as openssl prints them, parsed back into Dates. */
function opensslDates(file: string): {notBefore: Date; notAfter: Date} {
  const out = opensslOk(['x509', '-in', file, '-noout', '-startdate', '-enddate']);
  const start = /notBefore=(.+)/.exec(out)?.[1];
  const end = /notAfter=(.+)/.exec(out)?.[1];
  return {notBefore: new Date(String(start)), notAfter: new Date(String(end))};
}

describe('clampNotAfter', () => {
  it('keeps a date that ends before the parent and cuts one that ends after it', () => {
    const parent = new Date('2030-01-01T00:00:00Z');
    expect(clampNotAfter(new Date('2029-06-01T00:00:00Z'), parent)).toEqual(new Date('2029-06-01T00:00:00Z'));
    expect(clampNotAfter(new Date('2031-06-01T00:00:00Z'), parent)).toEqual(parent);
    expect(clampNotAfter(parent, parent)).toEqual(parent);
  });
});

describe('certificate validity windows', () => {
  const dir = tempDir();
  let rootKey: KeyMaterial;
  let childKey: KeyMaterial;
  let root: Issuer;
  let rootDates: {notBefore: Date; notAfter: Date};
  // A root that starts tomorrow: a child asking for "now minus skew" must not start before it.
  const rootStart = new Date(Math.floor((Date.now() + DAY) / 1000) * 1000);
  const rootEnd = new Date(rootStart.getTime() + 30 * DAY);

  beforeAll(async () => {
    [rootKey, childKey] = await Promise.all([generateKey('EC_prime256v1'), generateKey('EC_prime256v1')]);
    const cert = await createRootCa({key: rootKey, commonName: 'rootCA', notBefore: rootStart, notAfter: rootEnd});
    root = {certificatePem: cert.pem, key: rootKey};
    rootDates = opensslDates(dir.write('root.pem', cert.pem));
  });
  afterAll(() => dir.remove());

  it('writes the requested root window', () => {
    expect(rootDates).toEqual({notBefore: rootStart, notAfter: rootEnd});
  });

  it("clamps a child's notAfter to its parent's and its notBefore to the parent's start", async () => {
    const child = await issueCaCertificate({
      publicKeyPem: childKey.publicKeyPem, commonName: 'intermediateCA0', pathLen: 0, issuer: root,
      notAfter: new Date(rootEnd.getTime() + 365 * DAY),
    });
    const dates = opensslDates(dir.write('child.pem', child.pem));
    expect(dates).toEqual({notBefore: rootStart, notAfter: rootEnd});
    expect({notBefore: child.notBefore, notAfter: child.notAfter}).toEqual(dates);
  });

  it('raises an explicit notBefore that is earlier than the parent', async () => {
    const child = await issueClientCertificate({
      publicKeyPem: childKey.publicKeyPem, commonName: 'client1', dnsName: 'client1.mtls.test', issuer: root,
      notBefore: new Date(rootStart.getTime() - 10 * DAY), notAfter: new Date(rootStart.getTime() + DAY),
    });
    expect(opensslDates(dir.write('client.pem', child.pem))).toEqual({notBefore: rootStart, notAfter: new Date(rootStart.getTime() + DAY)});
  });

  it('backdates notBefore by the clock-skew allowance by default', async () => {
    const before = Date.now();
    const cert = await createRootCa({key: rootKey, commonName: 'skew', notAfter: new Date(before + DAY)});
    const {notBefore} = opensslDates(dir.write('skew.pem', cert.pem));
    expect(CLOCK_SKEW_MS).toBe(5 * 60_000);
    expect(notBefore.getTime()).toBeGreaterThanOrEqual(Math.floor((before - CLOCK_SKEW_MS) / 1000) * 1000);
    expect(notBefore.getTime()).toBeLessThanOrEqual(Date.now() - CLOCK_SKEW_MS + 1000);
  });

  it('refuses to issue from a CA that has already expired, naming the date', async () => {
    const old = await createRootCa({
      key: rootKey, commonName: 'oldCA', notBefore: new Date(Date.now() - 20 * DAY), notAfter: new Date(Date.now() - 10 * DAY),
    });
    const attempt = issueClientCertificate({
      publicKeyPem: childKey.publicKeyPem, commonName: 'client1', dnsName: 'client1.mtls.test',
      issuer: {certificatePem: old.pem, key: rootKey}, notAfter: new Date(Date.now() + 30 * DAY),
    });
    await expect(attempt).rejects.toBeInstanceOf(UserError);
    await expect(attempt).rejects.toThrow(old.notAfter.toISOString());
  });
});
