/** CRLs signed by a CA made here, read back by openssl (the oracle) and by the gateway's lookup. */
import {writeFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {awsSerial, checkRevocation, createCrl} from '../../source/pki/crl.js';
import {createRootCa, generateKey, issueClientCertificate} from '../../source/pki/index.js';
import {openssl, opensslOk, tempDir} from './openssl.js';

const DAY = 86_400_000;

async function setup() {
  const caKey = await generateKey('EC_prime256v1');
  const ca = await createRootCa({key: caKey, commonName: 'crlRoot', notAfter: new Date(Date.now() + 30 * DAY)});
  const leafKey = await generateKey('EC_prime256v1');
  const leaf = await issueClientCertificate({publicKeyPem: leafKey.publicKeyPem, commonName: 'c1', dnsName: 'c1.mtls.test', issuer: {certificatePem: ca.pem, key: caKey}, notAfter: new Date(Date.now() + 10 * DAY)});
  return {caKey, ca, leaf};
}

describe('CRLs', () => {
  it('lists every serial with its reason; a high-bit serial is written as a positive INTEGER that openssl matches', async () => {
    const {caKey, ca, leaf} = await setup();
    const now = new Date();
    const pem = await createCrl({caCertificatePem: ca.pem, caKey, number: 3, now, entries: [
      {serial: leaf.serial, revokedAt: now.toISOString(), reason: 'superseded'},
      {serial: '8badf00d', revokedAt: now.toISOString(), reason: 'unspecified'},
    ]});
    expect(pem).toMatch(/^-----BEGIN X509 CRL-----/);
    const dir = tempDir();
    try {
      const crl = dir.write('crl.pem', pem);
      const caFile = dir.write('ca.pem', ca.pem);
      const leafFile = dir.write('leaf.pem', leaf.pem);
      const text = opensslOk(['crl', '-in', crl, '-CAfile', caFile, '-noout', '-text']);
      expect(text).toContain(`Serial Number: ${leaf.serial.toUpperCase()}`);
      expect(text).toContain('Serial Number: 8BADF00D');
      expect(text).toContain('Superseded');
      expect(text).toMatch(/CRL Number:\s*\n\s*3/);
      const verify = openssl(['verify', '-crl_check', '-CAfile', caFile, '-CRLfile', crl, leafFile]);
      expect(verify.status).not.toBe(0);
      expect(verify.stdout + verify.stderr).toContain('certificate revoked');
    } finally {
      dir.remove();
    }
    expect(await checkRevocation(leaf.pem, ca.pem, pem, now)).toMatchObject({status: 'revoked', reason: 'superseded', serial: leaf.serial});
  });

  it('the lookup: good, no CRL, a CRL signed by another key, an expired CRL', async () => {
    const {caKey, ca, leaf} = await setup();
    const now = new Date();
    const empty = await createCrl({caCertificatePem: ca.pem, caKey, number: 1, now, entries: []});
    expect(await checkRevocation(leaf.pem, ca.pem, empty, now)).toEqual({status: 'good'});
    expect(await checkRevocation(leaf.pem, ca.pem, undefined, now)).toEqual({status: 'no-crl'});
    // Same subject and certificate, another key: the signature does not verify.
    const otherKey = await generateKey('EC_prime256v1');
    const forged = await createCrl({caCertificatePem: ca.pem, caKey: otherKey, number: 1, now, entries: [{serial: leaf.serial, revokedAt: now.toISOString(), reason: 'keyCompromise'}]});
    expect(await checkRevocation(leaf.pem, ca.pem, forged, now)).toMatchObject({status: 'bad-crl', why: expect.stringContaining('not signed by')});
    expect(await checkRevocation(leaf.pem, ca.pem, empty, new Date(now.getTime() + 8 * DAY))).toMatchObject({status: 'bad-crl', why: expect.stringContaining('expired')});
  });

  it('serials for RevokeCertificate: lowercase colon-separated bytes of the magnitude, as openssl -text prints them', () => {
    expect(awsSerial('3D295FD401')).toBe('3d:29:5f:d4:01');
    expect(awsSerial('008BADF00D')).toBe('8b:ad:f0:0d');
    expect(awsSerial('1234')).toBe('12:34');
    expect(awsSerial('abc')).toBe('0a:bc');
  });
});
