/** One parsed certificate from a truststore bundle (or a client certificate checked against one). */
export interface TrustCertificate {
  /** Normalised PEM: one BEGIN/END CERTIFICATE block, 64-character lines, trailing newline. */
  readonly pem: string;
  readonly der: Uint8Array;
  /** SHA-256 of the DER, lowercase hex without separators. */
  readonly fingerprint: string;
  /** One-line distinguished name, e.g. "CN=rootCA" or "C=JP, O=Example, CN=rootCA". */
  readonly subject: string;
  readonly issuer: string;
  /** Serial number in uppercase hex, as OpenSSL prints it. */
  readonly serial: string;
  readonly isCa: boolean;
  /** basicConstraints pathLenConstraint; null when absent (no limit) or not a CA. */
  readonly pathLen: number | null;
  /** Subject equals issuer and the signature verifies with the certificate's own key. */
  readonly selfSigned: boolean;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** "EC P-256", "RSA 2048", "Ed25519". */
  readonly keyDescription: string;
  /** "ecdsa-with-SHA256", "sha256WithRSAEncryption", "sha1WithRSAEncryption", … */
  readonly signatureAlgorithm: string;
}

/** A problem or note about a bundle, with what API Gateway and a client would experience. */
export interface Finding {
  /** Stable machine-readable code, e.g. "issuer-missing". */
  readonly code: string;
  readonly message: string;
  /** Subject DN of the certificate the finding is about, when there is one. */
  readonly subject?: string;
  /** What API Gateway does with such a bundle. */
  readonly apiGateway?: string;
  /** What a client calling the API would see. */
  readonly client?: string;
}

export interface CertificateSummary {
  subject: string;
  issuer: string;
  fingerprint: string;
  notBefore: string;
  notAfter: string;
  isCa: boolean;
  selfSigned: boolean;
  keyDescription: string;
}

export interface CheckReport {
  /** True when there are no errors (warnings allowed). */
  ok: boolean;
  certificates: CertificateSummary[];
  errors: Finding[];
  warnings: Finding[];
  /** The deduplicated bundle, normalised PEM, in input order. */
  bundle: string;
}

export interface CheckOptions {
  /** The clock used for validity checks; defaults to the current time. */
  readonly now?: Date;
}
