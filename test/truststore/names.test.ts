import {webcrypto} from 'node:crypto';
import * as x509 from '@peculiar/x509';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {checkTruststore, parsePemBundle} from '../../source/truststore/index.js';
import {openssl, opensslVerifies, Pki} from './fixtures.js';

// Subjects are shown as @peculiar/x509 writes them (what reports always showed), and issuers are matched as
// OpenSSL matches them; both are checked against those libraries, on names made by openssl and by @peculiar/x509.
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

let pki: Pki;
beforeAll(() => {
  pki = new Pki();
});
afterAll(() => pki.cleanup());

const SUBJECTS = [
  '/CN=rootCA',
  '/C=JP/ST=Tokyo/L=Chiyoda/O=Example, Inc./OU=PKI+OU=Ops/CN=Root CA',
  '/CN=Ünïcødé 認証局/O=Straße',
  '/CN= leading and trailing spaces /O=a;b<c>d"e\\\\f#g',
  '/DC=com/DC=example/emailAddress=ca@example.com/serialNumber=12345/title=Boss/givenName=Ann/SN=Lee/initials=A',
  '/CN=#not hex/1.2.3.4=custom attribute',
];

describe('subject names', () => {
  it('are shown as @peculiar/x509 shows them', () => {
    for (const [i, subj] of SUBJECTS.entries()) {
      const key = pki.path(`n${i}.key`);
      openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key]);
      const pem = openssl(['req', '-x509', '-new', '-utf8', '-multivalue-rdn', '-key', key, '-subj', subj, '-days', '30', '-sha256', '-config', pki.write(`n${i}.cnf`, '[req]\ndistinguished_name = dn\n[dn]\n')]);
      const [cert] = parsePemBundle(pem).certificates;
      const reference = new x509.X509Certificate(pem);
      expect({subj, subject: cert?.subject, issuer: cert?.issuer, selfSigned: cert?.selfSigned}).toEqual({subj, subject: reference.subject, issuer: reference.issuer, selfSigned: true});
    }
  });

  it('match an issuer whose name differs only in case, spacing and string type, as openssl does', async () => {
    const algorithm = {name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256'};
    const rootKeys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const caKeys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const validity = {notBefore: new Date(Date.now() - 86_400_000), notAfter: new Date(Date.now() + 86_400_000 * 30)};
    const root = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: '01',
      name: 'O=Example Org, CN=Root CA',
      keys: rootKeys,
      signingAlgorithm: algorithm,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(rootKeys.publicKey),
      ],
      ...validity,
    });
    const ca = await x509.X509CertificateGenerator.create({
      serialNumber: '02',
      subject: 'CN=Issuing CA',
      // UTF8String instead of PrintableString, other case, extra spaces: the same name to OpenSSL.
      // (The library's JSON name type says string, but it takes {utf8String} to choose the ASN.1 type.)
      issuer: [{O: [{utf8String: '  example   ORG '}]}, {CN: [{utf8String: 'root ca'}]}] as unknown as x509.JsonName,
      publicKey: caKeys.publicKey,
      signingKey: rootKeys.privateKey,
      signingAlgorithm: algorithm,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
        await x509.AuthorityKeyIdentifierExtension.create(rootKeys.publicKey),
      ],
      ...validity,
    });
    const rootPem = `${root.toString('pem')}\n`;
    const caPem = `${ca.toString('pem')}\n`;
    const caFile = {name: 'ca', pem: caPem, certPath: pki.write('issuing-ca.pem', caPem), keyPath: ''};
    expect(opensslVerifies(pki, rootPem, caFile)).toBe(true);
    const report = checkTruststore(rootPem + caPem);
    expect(report.errors).toEqual([]);
    expect(report.certificates.map((c) => [c.subject, c.issuer])).toEqual([
      ['O=Example Org, CN=Root CA', 'O=Example Org, CN=Root CA'],
      ['CN=Issuing CA', 'O=\\  example   ORG\\ , CN=root ca'],
    ]);
  });
});
