/** PKCS#10 requests: the AWS backend keeps client keys local and sends only a CSR to AWS Private CA. */
import {importSigningKey, importVerifyKey, type KeyMaterial} from './keys.js';
import {checkCommonName, checkDnsName, commonNameOf} from './sign.js';
import {x509} from './x509.js';

export async function createCsr(o: {key: KeyMaterial; commonName: string; dnsName?: string}): Promise<string> {
  checkCommonName(o.commonName);
  if (o.dnsName !== undefined) checkDnsName(o.dnsName, false);
  const signing = await importSigningKey(o.key);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: commonNameOf(o.commonName),
    keys: {privateKey: signing.cryptoKey, publicKey: await importVerifyKey(o.key)},
    signingAlgorithm: signing.signParams,
    // The SAN travels as a requested extension; the CA template decides whether it passes it through.
    extensions: o.dnsName === undefined ? [] : [new x509.SubjectAlternativeNameExtension([{type: 'dns', value: o.dnsName}])],
  });
  return csr.toString('pem').replace(/\r\n/g, '\n').trimEnd() + '\n';
}
