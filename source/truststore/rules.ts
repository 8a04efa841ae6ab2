import {finding} from './consequences.js';
import type {Finding, TrustCertificate} from './types.js';

/**
 * API Gateway's limits and algorithm rules (reference/aws-mtls-facts.md §1.3).
 * The quota says "1 MB"; we read it as 1,000,000 bytes, the smaller of 10^6 and 2^20, so that a bundle we call
 * fine can never be refused for size.
 */
export const MAX_CERTIFICATES = 1000;
export const MAX_BUNDLE_BYTES = 1_000_000;
/** CA certificates in one chain, the root included and the client certificate excluded. */
export const MAX_CA_CERTIFICATES = 4;

const STRONG_SIGNATURE = /^(sha(256|384|512)WithRSAEncryption|ecdsa-with-SHA(256|384|512)|rsassaPss \(SHA-(256|384|512)\))$/;
const STRONG_CURVES = new Set(['P-256', 'P-384', 'P-521']);
const WEAK_CURVES = new Set(['P-192', 'P-224']);

/** Key and signature findings for one certificate: RSA ≥ 2048, ECDSA ≥ P-256, SHA-256 or stronger. */
export function algorithmFindings(cert: TrustCertificate): Finding[] {
  const findings: Finding[] = [];
  const key = keyProblem(cert.keyDescription);
  if (key) findings.push(finding(key.code, `${cert.subject} has a ${cert.keyDescription} key: ${key.why}`, cert.subject));
  if (!STRONG_SIGNATURE.test(cert.signatureAlgorithm)) {
    const unsupported = cert.signatureAlgorithm.startsWith('ED');
    const code = unsupported ? 'unsupported-signature' : 'weak-signature';
    const why = unsupported
      ? 'API Gateway supports RSA and ECDSA signatures only'
      : 'API Gateway requires SHA-256 or stronger; re-issue it with -sha256 or stronger';
    findings.push(finding(code, `${cert.subject} is signed with ${cert.signatureAlgorithm}: ${why}`, cert.subject));
  }
  return findings;
}

function keyProblem(description: string): {code: string; why: string} | undefined {
  const rsa = /^RSA(?:-PSS)? (\d+)$/.exec(description);
  if (rsa) {
    return Number(rsa[1]) >= 2048 ? undefined : {code: 'weak-key', why: 'API Gateway requires RSA keys of 2048 bits or more'};
  }
  const curve = /^EC (.+)$/.exec(description)?.[1];
  if (curve !== undefined && STRONG_CURVES.has(curve)) return undefined;
  if (curve !== undefined && WEAK_CURVES.has(curve)) {
    return {code: 'weak-key', why: 'API Gateway requires ECDSA keys of 256 bits or more (P-256, P-384, P-521)'};
  }
  return {code: 'unsupported-key', why: 'API Gateway supports RSA (2048 bits or more) and ECDSA (P-256, P-384, P-521) keys only'};
}

/** Expired or not yet valid, judged at `now`. */
export function validityFinding(cert: TrustCertificate, now: Date): Finding | undefined {
  if (now.getTime() > cert.notAfter.getTime()) {
    return finding('expired', `${cert.subject} expired on ${cert.notAfter.toISOString()}`, cert.subject);
  }
  if (now.getTime() < cert.notBefore.getTime()) {
    return finding('not-yet-valid', `${cert.subject} is not valid before ${cert.notBefore.toISOString()}`, cert.subject);
  }
  return undefined;
}

/** A certificate without CA:TRUE can sign nothing, so it is dead weight in a truststore. */
export function caFinding(cert: TrustCertificate): Finding | undefined {
  if (cert.isCa) return undefined;
  return finding(
    'not-a-ca',
    `${cert.subject} is not a CA certificate (no basicConstraints CA:TRUE): it cannot issue client certificates; remove it from the truststore`,
    cert.subject,
  );
}
