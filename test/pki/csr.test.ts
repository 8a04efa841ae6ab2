/** PKCS#10 requests for the AWS backend: openssl checks the self-signature and reads the subject and SAN. */
import {afterAll, describe, expect, it} from 'vitest';
import {createCsr, generateKey} from '../../source/pki/index.js';
import type {KeyAlgorithm} from '../../source/state/schema.js';
import {openssl, opensslOk, tempDir} from './openssl.js';

/** `openssl req -verify` exits 0 even when the signature is bad (3.0); its verdict is on stderr. */
function verifiedText(file: string): string {
  const run = openssl(['req', '-in', file, '-verify', '-noout', '-text']);
  expect(run.status).toBe(0);
  expect(run.stderr).toContain('verify OK');
  return run.stdout;
}

describe('createCsr', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it.each<[KeyAlgorithm, string]>([
    ['EC_prime256v1', 'ecdsa-with-SHA256'],
    ['EC_secp384r1', 'ecdsa-with-SHA384'],
    ['RSA_2048', 'sha256WithRSAEncryption'],
  ])('makes a %s request that openssl verifies, with the CN and the DNS SAN', async (algorithm, signature) => {
    const key = await generateKey(algorithm);
    const csr = await createCsr({key, commonName: 'client1', dnsName: 'client1.mtls.test'});
    expect(csr).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----\n[\s\S]+\n-----END CERTIFICATE REQUEST-----\n$/);
    const file = dir.write(`${algorithm}.csr`, csr);
    const text = verifiedText(file);
    expect(text).toContain('Subject: CN = client1');
    expect(text).toContain('Requested Extensions:');
    expect(text).toMatch(/X509v3 Subject Alternative Name: *\n *DNS:client1\.mtls\.test\n/);
    expect(text).toContain(`Signature Algorithm: ${signature}`);
    // The request carries the key it was made for.
    expect(opensslOk(['req', '-in', file, '-noout', '-pubkey'])).toBe(key.publicKeyPem);
  });

  it('leaves the SAN out when no DNS name is given', async () => {
    const key = await generateKey('EC_prime256v1');
    const file = dir.write('plain.csr', await createCsr({key, commonName: 'rootCA'}));
    const text = verifiedText(file);
    expect(text).toContain('Subject: CN = rootCA');
    expect(text).not.toContain('Subject Alternative Name');
  });
});
