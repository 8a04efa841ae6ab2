/**
 * A fake AWS Private CA that signs for real (with the project's pki module), so the certificates the AWS
 * backend writes pass openssl and the truststore check. It follows the documented rules that matter here:
 * the root self-issues with RootCACertificate/V1, subordinates need a chain on import, a certificate may not
 * outlive its issuer, an ACTIVE CA must be disabled before deletion.
 */
import {
  ACMPCAClient,
  CreateCertificateAuthorityCommand,
  DeleteCertificateAuthorityCommand,
  DescribeCertificateAuthorityCommand,
  GetCertificateAuthorityCertificateCommand,
  GetCertificateAuthorityCsrCommand,
  GetCertificateCommand,
  ImportCertificateAuthorityCertificateCommand,
  IssueCertificateCommand,
  ListCertificateAuthoritiesCommand,
  ListTagsCommand,
  RevokeCertificateCommand,
  UpdateCertificateAuthorityCommand,
} from '@aws-sdk/client-acm-pca';
import {mockClient} from 'aws-sdk-client-mock';
import {createCsr, createRootCa, generateKey, issueCaCertificate, issueClientCertificate, keyMatchesCertificate, type KeyMaterial, parseCertificate} from '../../../source/pki/index.js';
import type {KeyAlgorithm} from '../../../source/state/schema.js';
import {x509} from '../../../source/pki/x509.js';
import {ACCOUNT, type Core, REGION, awsError, id, text} from './core.js';

export interface FakeCa {
  readonly arn: string;
  readonly type: 'ROOT' | 'SUBORDINATE';
  readonly commonName: string;
  readonly key: KeyMaterial;
  readonly tags: {Key: string; Value?: string}[];
  status: string;
  certificatePem?: string;
  chainPem?: string;
  /** Polls of the CSR that answer RequestInProgressException first. */
  csrPending: number;
  /** Date.now() when it was created (for the simulated latency). */
  readonly createdAt: number;
}

export interface IssuedCert {
  readonly arn: string;
  readonly caArn: string;
  readonly pem: string;
  readonly chain: string;
  readonly issuedAt: number;
}

const DAY = 86_400_000;

export function decodeCsr(pem: string): {publicKeyPem: string; commonName: string; dnsName?: string} {
  const csr = new x509.Pkcs10CertificateRequest(pem);
  const sanRaw = csr.extensions.find((e) => e.type === '2.5.29.17');
  const san = sanRaw ? new x509.SubjectAlternativeNameExtension(sanRaw.rawData) : undefined;
  return {publicKeyPem: csr.publicKey.toString('pem'), commonName: csr.subjectName.getField('CN')[0] ?? '', dnsName: san?.names.items.find((n) => n.type === 'dns')?.value};
}

export class FakePca {
  readonly cas = new Map<string, FakeCa>();
  readonly certificates = new Map<string, IssuedCert>();
  readonly #tokens = new Map<string, string>();
  readonly #csrs = new Map<string, string>();
  /** CreateCertificateAuthority's token (moto ignores it: turning it off proves the tag search works). */
  honourCreateTokens = true;
  /** IssueCertificate's token: AWS returns the same certificate for a repeat within 5 minutes. */
  honourIssueTokens = true;
  csrPendingPolls = 0;
  /** Serials revoked per CA ARN (as the fake found them: plain lowercase hex), with the reason. */
  readonly revoked = new Map<string, Map<string, string>>();
  /**
   * Simulated service latency, on Date.now() (so a fake clock drives it): how long a new CA takes to make
   * its key and CSR, and an issuance to complete. Until then AWS answers RequestInProgressException.
   */
  latency = {csrMs: 0, issueMs: 0};

  constructor(readonly core: Core) {}

  install(): void {
    const m = mockClient(ACMPCAClient as never) as unknown as ReturnType<typeof mockClient>;
    const h = <I extends object, O>(api: string, fn: (i: I) => Promise<O> | O) => this.core.handle<I, O>('acm-pca', api, fn) as never;
    m.on(CreateCertificateAuthorityCommand as never).callsFake(h('CreateCertificateAuthority', (i: any) => this.create(i)));
    m.on(DescribeCertificateAuthorityCommand as never).callsFake(h('DescribeCertificateAuthority', (i: any) => ({CertificateAuthority: this.describe(this.ca(i.CertificateAuthorityArn))})));
    m.on(GetCertificateAuthorityCsrCommand as never).callsFake(h('GetCertificateAuthorityCsr', (i: any) => this.csr(this.ca(i.CertificateAuthorityArn))));
    m.on(IssueCertificateCommand as never).callsFake(h('IssueCertificate', (i: any) => this.issue(i)));
    m.on(GetCertificateCommand as never).callsFake(h('GetCertificate', (i: any) => this.getCertificate(i)));
    m.on(RevokeCertificateCommand as never).callsFake(h('RevokeCertificate', (i: any) => this.revoke(i)));
    m.on(ImportCertificateAuthorityCertificateCommand as never).callsFake(h('ImportCertificateAuthorityCertificate', (i: any) => this.import(i)));
    m.on(GetCertificateAuthorityCertificateCommand as never).callsFake(
      h('GetCertificateAuthorityCertificate', (i: any) => {
        const ca = this.ca(i.CertificateAuthorityArn);
        if (!ca.certificatePem) throw awsError('InvalidStateException', 'the CA has no certificate yet');
        return {Certificate: ca.certificatePem, CertificateChain: ca.chainPem};
      }),
    );
    m.on(ListCertificateAuthoritiesCommand as never).callsFake(h('ListCertificateAuthorities', () => ({CertificateAuthorities: [...this.cas.values()].map((ca) => this.describe(ca))})));
    m.on(ListTagsCommand as never).callsFake(h('ListTags', (i: any) => ({Tags: this.ca(i.CertificateAuthorityArn).tags})));
    m.on(UpdateCertificateAuthorityCommand as never).callsFake(
      h('UpdateCertificateAuthority', (i: any) => {
        const ca = this.ca(i.CertificateAuthorityArn);
        if (ca.status !== 'ACTIVE' && ca.status !== 'DISABLED') throw awsError('InvalidStateException', `the CA is ${ca.status}`);
        ca.status = i.Status;
        return {};
      }),
    );
    m.on(DeleteCertificateAuthorityCommand as never).callsFake(
      h('DeleteCertificateAuthority', (i: any) => {
        const ca = this.ca(i.CertificateAuthorityArn);
        if (ca.status === 'ACTIVE') throw awsError('InvalidStateException', 'The certificate authority must be disabled before it can be deleted');
        const days = i.PermanentDeletionTimeInDays ?? 30;
        if (days < 7 || days > 30) throw awsError('ValidationException', 'PermanentDeletionTimeInDays must be 7 to 30');
        ca.status = 'DELETED';
        return {};
      }),
    );
  }

  ca(arn: string): FakeCa {
    const ca = this.cas.get(arn);
    if (!ca) throw awsError('ResourceNotFoundException', `Could not find certificate authority ${arn}`);
    return ca;
  }

  describe(ca: FakeCa) {
    const making = ca.status === 'PENDING_CERTIFICATE' && Date.now() < ca.createdAt + this.latency.csrMs;
    const notAfter = ca.certificatePem ? parseCertificate(ca.certificatePem).notAfter : undefined;
    return {Arn: ca.arn, Type: ca.type, Status: making ? 'CREATING' : ca.status, NotAfter: notAfter, CertificateAuthorityConfiguration: {KeyAlgorithm: ca.key.algorithm, SigningAlgorithm: 'SHA256WITHECDSA', Subject: {CommonName: ca.commonName}}};
  }

  async create(i: any) {
    const token: string | undefined = i.IdempotencyToken;
    if (this.honourCreateTokens && token && this.#tokens.has(token)) return {CertificateAuthorityArn: this.#tokens.get(token)};
    const arn = `arn:aws:acm-pca:${REGION}:${ACCOUNT}:certificate-authority/${id('ca-')}`;
    const key = await generateKey(i.CertificateAuthorityConfiguration.KeyAlgorithm as KeyAlgorithm);
    this.cas.set(arn, {arn, type: i.CertificateAuthorityType, commonName: i.CertificateAuthorityConfiguration.Subject.CommonName, key, tags: i.Tags ?? [], status: 'PENDING_CERTIFICATE', csrPending: this.csrPendingPolls, createdAt: Date.now()});
    if (token) this.#tokens.set(token, arn);
    return {CertificateAuthorityArn: arn};
  }

  async csr(ca: FakeCa) {
    if (Date.now() < ca.createdAt + this.latency.csrMs) throw awsError('RequestInProgressException', 'The CSR is being generated');
    if (ca.csrPending > 0) {
      ca.csrPending -= 1;
      throw awsError('RequestInProgressException', 'The CSR is being generated');
    }
    const pem = this.#csrs.get(ca.arn) ?? (await createCsr({key: ca.key, commonName: ca.commonName}));
    this.#csrs.set(ca.arn, pem);
    return {Csr: pem};
  }

  async issue(i: any) {
    const token: string | undefined = i.IdempotencyToken;
    const tokenKey = `${i.CertificateAuthorityArn}/${token}`;
    if (this.honourIssueTokens && token && this.#tokens.has(tokenKey)) return {CertificateArn: this.#tokens.get(tokenKey)};
    const issuer = this.ca(i.CertificateAuthorityArn);
    const template = String(i.TemplateArn ?? 'arn:aws:acm-pca:::template/EndEntityCertificate/V1').replace(/^arn:[^:]+:acm-pca:::template\//, '');
    const request = decodeCsr(text(i.Csr));
    const now = Date.now();
    const v = i.Validity;
    const notAfter = new Date(v.Type === 'DAYS' ? now + v.Value * DAY : v.Type === 'ABSOLUTE' ? v.Value * 1000 : NaN);
    let pem: string;
    if (template === 'RootCACertificate/V1') {
      if (issuer.type !== 'ROOT' || !keyMatchesCertificate(issuer.key.privateKeyPem, request.publicKeyPem)) throw awsError('InvalidArgsException', 'RootCACertificate/V1 is for the root CA’s own CSR');
      pem = (await createRootCa({key: issuer.key, commonName: request.commonName, notAfter})).pem;
    } else {
      if (issuer.status !== 'ACTIVE') throw awsError('InvalidStateException', `The certificate authority ${issuer.arn} is not in the correct state to issue certificates`);
      const issuerNotAfter = parseCertificate(issuer.certificatePem!).notAfter;
      if (notAfter > issuerNotAfter) throw awsError('ValidationException', 'The certificate validity specified exceeds the certificate authority validity');
      const signer = {certificatePem: issuer.certificatePem!, key: issuer.key};
      const pathLen = /^SubordinateCACertificate_PathLen(\d)\/V1$/.exec(template)?.[1];
      if (pathLen !== undefined) pem = (await issueCaCertificate({publicKeyPem: request.publicKeyPem, commonName: request.commonName, pathLen: Number(pathLen), issuer: signer, notAfter})).pem;
      else if (template === 'EndEntityClientAuthCertificate/V1') pem = (await issueClientCertificate({publicKeyPem: request.publicKeyPem, commonName: request.commonName, dnsName: request.dnsName ?? `${request.commonName}.invalid`, issuer: signer, notAfter})).pem;
      else throw awsError('InvalidArgsException', `the fake does not know the template ${template}`);
    }
    const arn = `${issuer.arn}/certificate/${parseCertificate(pem).serial}`;
    const chain = [issuer.certificatePem, issuer.chainPem].filter(Boolean).join('\n');
    this.certificates.set(arn, {arn, caArn: issuer.arn, pem, chain: template === 'RootCACertificate/V1' ? '' : chain, issuedAt: Date.now()});
    if (token) this.#tokens.set(tokenKey, arn);
    return {CertificateArn: arn};
  }

  getCertificate(i: any) {
    const cert = this.certificates.get(i.CertificateArn);
    if (!cert || cert.caArn !== i.CertificateAuthorityArn) throw awsError('ResourceNotFoundException', `Could not find certificate ${i.CertificateArn}`);
    if (Date.now() < cert.issuedAt + this.latency.issueMs) throw awsError('RequestInProgressException', 'The certificate is being issued');
    return {Certificate: cert.pem, ...(cert.chain ? {CertificateChain: cert.chain} : {})};
  }

  import(i: any) {
    const ca = this.ca(i.CertificateAuthorityArn);
    const certificate = text(i.Certificate);
    if (!keyMatchesCertificate(ca.key.privateKeyPem, certificate)) throw awsError('CertificateMismatchException', 'The certificate does not match the CA key');
    const chain = i.CertificateChain ? text(i.CertificateChain) : undefined;
    if (ca.type === 'SUBORDINATE' && !chain) throw awsError('InvalidRequestException', 'A subordinate CA certificate needs its CertificateChain');
    if (ca.type === 'ROOT' && !parseCertificate(certificate).selfSigned) throw awsError('InvalidRequestException', 'Only a self-signed certificate can be imported as a root');
    if (chain?.includes(certificate.trim())) throw awsError('InvalidRequestException', 'The chain must not contain the certificate being imported');
    ca.certificatePem = certificate;
    ca.chainPem = chain;
    ca.status = 'ACTIVE';
    return {};
  }

  /**
   * RevokeCertificate as documented: the issuing CA's ARN, a hexadecimal serial of a certificate that CA issued,
   * a reason of the PCA enum; the CA ACTIVE or DISABLED; a repeat is RequestAlreadyProcessedException.
   */
  revoke(i: any) {
    const ca = this.ca(i.CertificateAuthorityArn);
    if (ca.status !== 'ACTIVE' && ca.status !== 'DISABLED') throw awsError('InvalidStateException', `the CA is ${ca.status}`);
    const reasons = ['UNSPECIFIED', 'KEY_COMPROMISE', 'CERTIFICATE_AUTHORITY_COMPROMISE', 'AFFILIATION_CHANGED', 'SUPERSEDED', 'CESSATION_OF_OPERATION', 'PRIVILEGE_WITHDRAWN', 'A_A_COMPROMISE'];
    if (!reasons.includes(i.RevocationReason)) throw awsError('ValidationException', `RevocationReason ${i.RevocationReason} is not valid`);
    const serial = String(i.CertificateSerial ?? '');
    if (serial.length === 0 || serial.length > 128 || !/^[0-9a-fA-F:]+$/.test(serial)) throw awsError('InvalidRequestException', 'CertificateSerial must be in hexadecimal format');
    const plain = serial.replaceAll(':', '').toLowerCase().replace(/^(00)+(?=..)/, '');
    const issued = [...this.certificates.values()].find((c) => c.caArn === ca.arn && parseCertificate(c.pem).serial.replace(/^(00)+(?=..)/, '') === plain);
    if (!issued) throw awsError('ResourceNotFoundException', `Could not find certificate with serial ${serial}`);
    const list = this.revoked.get(ca.arn) ?? new Map<string, string>();
    if (list.has(plain)) throw awsError('RequestAlreadyProcessedException', 'Your request has already been completed.');
    list.set(plain, i.RevocationReason);
    this.revoked.set(ca.arn, list);
    return {};
  }

  /** Issues a client certificate for ACM's RequestCertificate with CertificateAuthorityArn. */
  async issueForAcm(caArn: string, dnsName: string, algorithm: KeyAlgorithm): Promise<{pem: string; chain: string; key: KeyMaterial}> {
    const ca = this.ca(caArn);
    if (ca.status !== 'ACTIVE') throw awsError('RequestFailedException', 'the CA is not ACTIVE');
    const key = await generateKey(algorithm);
    const notAfter = new Date(Date.now() + 395 * DAY);
    if (notAfter > parseCertificate(ca.certificatePem!).notAfter) throw awsError('ValidationException', 'the CA expires before the certificate would');
    const pem = (await issueClientCertificate({publicKeyPem: key.publicKeyPem, commonName: dnsName, dnsName, issuer: {certificatePem: ca.certificatePem!, key: ca.key}, notAfter})).pem;
    return {pem, chain: [ca.certificatePem, ca.chainPem].filter(Boolean).join('\n'), key};
  }
}
