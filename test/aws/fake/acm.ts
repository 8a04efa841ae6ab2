/**
 * A fake ACM: a public certificate waits for DNS validation (the CNAME appears after `recordDelay`
 * describes, and the certificate is ISSUED after `validationDelay` more); a private one is signed by the
 * fake Private CA and exported with the passphrase as encrypted PKCS#8.
 */
import {ACMClient, DeleteCertificateCommand, DescribeCertificateCommand, ExportCertificateCommand, ListCertificatesCommand, ListTagsForCertificateCommand, RequestCertificateCommand} from '@aws-sdk/client-acm';
import {mockClient} from 'aws-sdk-client-mock';
import {encryptPrivateKey, type KeyMaterial} from '../../../source/pki/index.js';
import type {KeyAlgorithm} from '../../../source/state/schema.js';
import {ACCOUNT, type Core, REGION, awsError, id, text} from './core.js';
import type {FakePca} from './pca.js';

export interface FakeAcmCertificate {
  readonly arn: string;
  readonly domainName: string;
  readonly tags: {Key: string; Value?: string}[];
  readonly privateCa?: string;
  status: string;
  describes: number;
  pem?: string;
  chain?: string;
  key?: KeyMaterial;
}

export class FakeAcm {
  readonly certificates = new Map<string, FakeAcmCertificate>();
  readonly #tokens = new Map<string, string>();
  honourTokens = true;
  /** Describes before the validation CNAME shows, and then before the certificate is ISSUED. */
  recordDelay = 1;
  validationDelay = 1;
  /** Certificates ARNs that API Gateway still uses (DeleteCertificate answers ResourceInUse). */
  inUse: (arn: string) => boolean = () => false;

  constructor(readonly core: Core, readonly pca: FakePca) {}

  install(): void {
    const m = mockClient(ACMClient);
    const h = <I extends object, O>(api: string, fn: (i: I) => Promise<O> | O) => this.core.handle<I, O>('acm', api, fn) as never;
    m.on(RequestCertificateCommand).callsFake(h('RequestCertificate', (i: any) => this.request(i)));
    m.on(DescribeCertificateCommand).callsFake(h('DescribeCertificate', (i: any) => ({Certificate: this.describe(this.get(i.CertificateArn))})));
    m.on(ListCertificatesCommand).callsFake(h('ListCertificates', () => ({CertificateSummaryList: [...this.certificates.values()].map((c) => ({CertificateArn: c.arn, DomainName: c.domainName, Status: c.status}))})));
    m.on(ListTagsForCertificateCommand).callsFake(h('ListTagsForCertificate', (i: any) => ({Tags: this.get(i.CertificateArn).tags})));
    m.on(ExportCertificateCommand).callsFake(
      h('ExportCertificate', (i: any) => {
        const cert = this.get(i.CertificateArn);
        if (!cert.key || cert.status !== 'ISSUED') throw awsError('RequestInProgressException', 'the certificate is not ready');
        const passphrase = text(i.Passphrase);
        if (passphrase.length < 4) throw awsError('ValidationException', 'the passphrase is too short');
        return {Certificate: cert.pem, CertificateChain: cert.chain, PrivateKey: encryptPrivateKey(cert.key.privateKeyPem, passphrase)};
      }),
    );
    m.on(DeleteCertificateCommand).callsFake(
      h('DeleteCertificate', (i: any) => {
        const cert = this.get(i.CertificateArn);
        if (this.inUse(cert.arn)) throw awsError('ResourceInUseException', `Certificate ${cert.arn} is in use.`);
        this.certificates.delete(cert.arn);
        return {};
      }),
    );
  }

  get(arn: string): FakeAcmCertificate {
    const cert = this.certificates.get(arn);
    if (!cert) throw awsError('ResourceNotFoundException', `Could not find certificate ${arn}`);
    return cert;
  }

  async request(i: any) {
    if (!/\./.test(i.DomainName)) throw awsError('ValidationException', 'DomainName must contain a dot');
    const token: string | undefined = i.IdempotencyToken;
    if (this.honourTokens && token && this.#tokens.has(token)) return {CertificateArn: this.#tokens.get(token)};
    const arn = `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/${id('cert-')}`;
    const cert: FakeAcmCertificate = {arn, domainName: i.DomainName, tags: i.Tags ?? [], privateCa: i.CertificateAuthorityArn, status: 'PENDING_VALIDATION', describes: 0};
    if (i.CertificateAuthorityArn) {
      const issued = await this.pca.issueForAcm(i.CertificateAuthorityArn, i.DomainName, (i.KeyAlgorithm ?? 'RSA_2048') as KeyAlgorithm);
      Object.assign(cert, {status: 'ISSUED', pem: issued.pem, chain: issued.chain, key: issued.key});
    }
    this.certificates.set(arn, cert);
    if (token) this.#tokens.set(token, arn);
    return {CertificateArn: arn};
  }

  describe(cert: FakeAcmCertificate) {
    cert.describes += 1;
    if (!cert.privateCa && cert.status === 'PENDING_VALIDATION' && cert.describes > this.recordDelay + this.validationDelay) cert.status = 'ISSUED';
    const withRecord = cert.privateCa === undefined && cert.describes > this.recordDelay;
    return {
      CertificateArn: cert.arn,
      DomainName: cert.domainName,
      Status: cert.status,
      Type: cert.privateCa ? 'PRIVATE' : 'AMAZON_ISSUED',
      DomainValidationOptions: cert.privateCa
        ? undefined
        : [
            {
              DomainName: cert.domainName,
              ValidationMethod: 'DNS',
              ValidationStatus: cert.status === 'ISSUED' ? 'SUCCESS' : 'PENDING_VALIDATION',
              ...(withRecord ? {ResourceRecord: {Name: `_x1.${cert.domainName}.`, Type: 'CNAME', Value: `_x2.acm-validations.aws.`}} : {}),
            },
          ],
    };
  }
}
