/**
 * The client-certificate decision, worded like API Gateway's execution log ("Access denied. Reason: …").
 *
 * Two verifiers must both agree. OpenSSL (the TLS handshake, with the truststore as its only trust
 * anchors and no partial-chain trust) checks signatures, basic constraints, path length and purpose.
 * This file adds what API Gateway does and OpenSSL does not: the chain is built from the truststore
 * alone (API Gateway ignores intermediates a client sends: a root-only truststore rejects a leaf issued
 * by an intermediate), it must end at a self-signed root in the truststore, hold at most 4 CA
 * certificates, and use allowed algorithms; a self-signed client certificate is refused.
 */
import {X509Certificate} from 'node:crypto';
import {algorithmProblem} from './gateway-algorithms.js';

export interface ParsedTruststore {
  readonly versionId: string;
  readonly certs: readonly X509Certificate[];
}

export type Verdict =
  | {readonly accepted: true; readonly chain: readonly X509Certificate[]}
  | {readonly accepted: false; readonly reason: string};

/** API Gateway's limit: a root plus up to 3 intermediates; the leaf does not count. */
export const MAX_CA_CERTIFICATES = 4;

const deny = (why: string): Verdict => ({accepted: false, reason: `Access denied. Reason: ${why}`});

export function parseTruststore(versionId: string, pem: string): ParsedTruststore {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  const certs: X509Certificate[] = [];
  for (const block of blocks) {
    try {
      certs.push(new X509Certificate(block));
    } catch {
      // API Gateway skips what it cannot parse and reports it as a truststore warning; so do we.
    }
  }
  return {versionId, certs};
}

export function verifyClientCertificate(
  leaf: X509Certificate | undefined,
  trust: ParsedTruststore,
  now: Date,
  opensslError?: string,
): Verdict {
  if (!leaf) return deny('no client certificate presented');
  if (isSelfSigned(leaf)) return deny('self signed certificate');

  const chain = [leaf];
  // Walk up through the truststore only; one step past the limit is enough to know the chain is too long.
  for (let cert = leaf; chain.length <= MAX_CA_CERTIFICATES + 1; ) {
    const issuer = trust.certs.find((c) => !chain.includes(c) && cert.checkIssued(c) && cert.verify(c.publicKey));
    if (!issuer) {
      const where = cert === leaf
        ? `no certificate in truststore version ${trust.versionId} issued ${dn(leaf.subject)} (issuer ${dn(leaf.issuer)})`
        : `the chain stops at ${dn(cert.subject)}: its issuer ${dn(cert.issuer)} is not in the truststore, so it does not reach a self-signed root`;
      return deny(`Could not find issuer for certificate (${where})`);
    }
    chain.push(issuer);
    if (isSelfSigned(issuer)) break;
    cert = issuer;
  }

  const caCount = chain.length - 1;
  if (caCount > MAX_CA_CERTIFICATES) {
    return deny(`certificate chain too long (more than ${MAX_CA_CERTIFICATES} CA certificates; API Gateway allows a root and up to 3 intermediates)`);
  }
  for (const cert of chain) {
    if (now.getTime() > Date.parse(cert.validTo)) return deny(`certificate has expired (${dn(cert.subject)}, notAfter ${cert.validTo})`);
    if (now.getTime() < Date.parse(cert.validFrom)) return deny(`certificate is not yet valid (${dn(cert.subject)}, notBefore ${cert.validFrom})`);
  }
  for (const cert of chain) {
    const problem = algorithmProblem(cert);
    if (problem?.kind === 'signature') {
      return deny(`Client cert using an insecure Signature Algorithm (${problem.detail} on ${dn(cert.subject)}; SHA-256 or stronger is required)`);
    }
    if (problem) return deny(`Client cert using an insecure key (${problem.detail} on ${dn(cert.subject)}; RSA 2048+ or ECDSA P-256+ is required)`);
  }
  if (opensslError) return deny(opensslReason(opensslError));
  return {accepted: true, chain};
}

function isSelfSigned(cert: X509Certificate): boolean {
  return cert.subject === cert.issuer && cert.verify(cert.publicKey);
}

/** RFC 2253 order (most specific first), as `$context.identity.clientCert.subjectDN` shows it. */
export function dn(nodeName: string): string {
  return nodeName.split('\n').filter(Boolean).reverse().join(',');
}

// Node reports OpenSSL's verify result as a code; API Gateway logs OpenSSL's own wording.
const OPENSSL_TEXT: Record<string, string> = {
  UNABLE_TO_GET_ISSUER_CERT: 'Could not find issuer for certificate',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'Could not find issuer for certificate',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'Could not find issuer for certificate',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'self signed certificate in certificate chain',
  CERT_HAS_EXPIRED: 'certificate has expired',
  CERT_NOT_YET_VALID: 'certificate is not yet valid',
  CERT_SIGNATURE_FAILURE: 'certificate signature failure',
  CERT_CHAIN_TOO_LONG: 'certificate chain too long',
  INVALID_CA: 'invalid CA certificate',
  PATH_LENGTH_EXCEEDED: 'path length constraint exceeded',
  INVALID_PURPOSE: 'unsupported certificate purpose (the client certificate needs extendedKeyUsage clientAuth)',
  CERT_UNTRUSTED: 'certificate not trusted',
  CERT_REJECTED: 'certificate rejected',
  EE_KEY_TOO_SMALL: 'Client cert using an insecure key',
  CA_KEY_TOO_SMALL: 'Client cert using an insecure key',
  CA_MD_TOO_WEAK: 'Client cert using an insecure Signature Algorithm',
};

export function opensslReason(code: string): string {
  return OPENSSL_TEXT[code] ?? code.toLowerCase().replaceAll('_', ' ');
}
