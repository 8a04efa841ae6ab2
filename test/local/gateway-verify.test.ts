/** The client-certificate decision on its own, with certificates openssl makes (RSA, RSA-PSS, small curves). */
import {X509Certificate} from 'node:crypto';
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {signatureAlgorithm} from '../../source/backends/local/gateway-algorithms.js';
import {parseTruststore, verifyClientCertificate} from '../../source/backends/local/gateway-verify.js';
import {openssl} from './openssl-fixtures.js';

let dir: string;
const cert = async (name: string) => new X509Certificate(await readFile(path.join(dir, `${name}.pem`)));

/** rsaRoot (RSA-2048) issues: rsaLeaf (RSA-2048, SHA-256), pssLeaf (RSA-PSS SHA-256), p224Leaf (EC P-224), sha384Leaf. */
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mtls-verify-'));
  const f = (n: string) => path.join(dir, n);
  await writeFile(f('ca.cnf'), '[req]\ndistinguished_name=dn\n[dn]\n[v3]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\nsubjectKeyIdentifier=hash\n');
  await writeFile(f('leaf.ext'), 'basicConstraints=critical,CA:FALSE\nextendedKeyUsage=clientAuth\nauthorityKeyIdentifier=keyid\n');
  await openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', f('rsaRoot.key')], dir);
  await openssl(['req', '-x509', '-new', '-key', f('rsaRoot.key'), '-subj', '/CN=rsaRoot', '-days', '30', '-sha256', '-config', f('ca.cnf'), '-extensions', 'v3', '-out', f('rsaRoot.pem')], dir);
  const leaf = async (name: string, keyArgs: string[], signArgs: string[]) => {
    await openssl(['genpkey', ...keyArgs, '-out', f(`${name}.key`)], dir);
    await openssl(['req', '-new', '-key', f(`${name}.key`), '-subj', `/CN=${name}`, '-out', f(`${name}.csr`)], dir);
    await openssl(['x509', '-req', '-in', f(`${name}.csr`), '-CA', f('rsaRoot.pem'), '-CAkey', f('rsaRoot.key'), '-set_serial', '7', '-days', '10',
      ...signArgs, '-extfile', f('leaf.ext'), '-out', f(`${name}.pem`)], dir);
  };
  const rsa2048 = ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'];
  await leaf('rsaLeaf', rsa2048, ['-sha256']);
  await leaf('pssLeaf', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'], ['-sha256', '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:32']);
  await leaf('p224Leaf', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-224'], ['-sha256']);
  await leaf('sha384Leaf', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'], ['-sha384']);
});
afterAll(() => rm(dir, {recursive: true, force: true}));

describe('verifyClientCertificate', () => {
  test('RSA-2048, RSA-PSS and SHA-384 chains meet the rules', async () => {
    const trust = parseTruststore('v1', (await cert('rsaRoot')).toString());
    for (const name of ['rsaLeaf', 'pssLeaf', 'sha384Leaf']) {
      const verdict = verifyClientCertificate(await cert(name), trust, new Date());
      expect(verdict, name).toMatchObject({accepted: true});
    }
    expect(signatureAlgorithm((await cert('pssLeaf')).raw)).toEqual({name: 'RSASSA-PSS', hash: 'SHA-256'});
    expect(signatureAlgorithm((await cert('sha384Leaf')).raw)).toEqual({name: 'sha384WithRSAEncryption', hash: 'SHA-384'});
  });

  test('an EC key on P-224 is refused as an insecure key', async () => {
    const trust = parseTruststore('v1', (await cert('rsaRoot')).toString());
    expect(verifyClientCertificate(await cert('p224Leaf'), trust, new Date())).toEqual({
      accepted: false,
      reason: 'Access denied. Reason: Client cert using an insecure key (EC secp224r1 on CN=p224Leaf; RSA 2048+ or ECDSA P-256+ is required)',
    });
  });

  test('validity is judged at the given time: not yet valid, then expired', async () => {
    const trust = parseTruststore('v1', (await cert('rsaRoot')).toString());
    const leaf = await cert('rsaLeaf');
    expect(verifyClientCertificate(leaf, trust, new Date('2001-01-01'))).toMatchObject({reason: expect.stringMatching(/^Access denied\. Reason: certificate is not yet valid \(CN=rsaLeaf/)});
    const later = new Date(Date.parse(leaf.validTo) + 1000);
    expect(verifyClientCertificate(leaf, trust, later)).toMatchObject({reason: expect.stringMatching(/^Access denied\. Reason: certificate has expired \(CN=rsaLeaf/)});
  });

  test('an OpenSSL verdict the rules above do not cover is still a refusal, in OpenSSL words', async () => {
    const trust = parseTruststore('v1', (await cert('rsaRoot')).toString());
    expect(verifyClientCertificate(await cert('rsaLeaf'), trust, new Date(), 'INVALID_PURPOSE')).toMatchObject({
      accepted: false, reason: expect.stringMatching(/^Access denied\. Reason: unsupported certificate purpose/),
    });
  });
});
