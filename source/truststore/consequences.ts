import type {Finding} from './types.js';

/**
 * What API Gateway and a client experience for each finding code.
 * Sources: reference/aws-mtls-facts.md §1.3 and §1.7. API Gateway's exact truststoreWarnings strings and its
 * handling of duplicates are unconfirmed (§8), so the wording describes the documented behaviour, not the text.
 */
interface Consequence {
  readonly apiGateway: string;
  readonly client: string;
}

const NOT_UPDATED = 'the truststore is not updated, so clients keep the behaviour of the previous version';
const WARNED = 'API Gateway accepts the bundle and reports a truststore warning for this certificate';
const BELOW_403 = 'client certificates issued below this CA get HTTP 403';

const unreadable: Consequence = {
  apiGateway: 'API Gateway expects a file of PEM certificates only; this file must not be uploaded as it is',
  client: NOT_UPDATED,
};

const table: Readonly<Record<string, Consequence>> = {
  empty: unreadable,
  'not-pem': unreadable,
  'truncated-pem': unreadable,
  'invalid-base64': unreadable,
  'invalid-certificate': unreadable,
  'not-a-certificate': unreadable,
  'private-key': {
    apiGateway:
      'never upload a private key: a truststore holds only public CA certificates, and anyone who can read the object could impersonate the key owner',
    client: NOT_UPDATED,
  },
  'too-many-certificates': {
    apiGateway: 'API Gateway refuses the truststore (quota: 1,000 certificates up to 1 MB, not adjustable)',
    client: NOT_UPDATED,
  },
  'too-large': {
    apiGateway: 'API Gateway refuses the truststore (quota: 1,000 certificates up to 1 MB, not adjustable)',
    client: NOT_UPDATED,
  },
  'duplicate-dropped': {
    apiGateway:
      'the wizard uploads the bundle without the copy; whether API Gateway accepts the same certificate twice is not documented',
    client: 'no effect',
  },
  'duplicate-subject': {
    apiGateway:
      'API Gateway allows one certificate per subject; a second, different certificate with a subject already present is refused',
    client: NOT_UPDATED,
  },
  'issuer-missing': {apiGateway: WARNED, client: `${BELOW_403}: the chain does not reach a trusted root`},
  'no-root': {apiGateway: WARNED, client: `${BELOW_403}: the chain does not reach a trusted root`},
  'bad-signature': {apiGateway: WARNED, client: `${BELOW_403}: the chain does not reach a trusted root`},
  'issuer-not-ca': {apiGateway: WARNED, client: `${BELOW_403}: its issuer may not issue certificates`},
  'chain-too-long': {apiGateway: WARNED, client: `${BELOW_403}: certificate chain too long (at most 4 CA certificates)`},
  'path-length-exceeded': {apiGateway: WARNED, client: `${BELOW_403}: a CA above it allows fewer CAs below it`},
  'weak-key': {apiGateway: WARNED, client: `${BELOW_403}: the key is weaker than API Gateway accepts`},
  'unsupported-key': {apiGateway: WARNED, client: `${BELOW_403}: API Gateway supports RSA and ECDSA keys only`},
  'weak-signature': {apiGateway: WARNED, client: `${BELOW_403}: insecure signature algorithm`},
  'unsupported-signature': {apiGateway: WARNED, client: `${BELOW_403}: API Gateway supports RSA and ECDSA signatures only`},
  expired: {apiGateway: WARNED, client: `${BELOW_403}: certificate has expired`},
  'not-yet-valid': {apiGateway: WARNED, client: `${BELOW_403} until it becomes valid: certificate is not yet valid`},
  'not-a-ca': {
    apiGateway: 'API Gateway keeps the certificate but cannot use it to verify anyone',
    client: 'no client certificate can chain through a certificate that is not a CA',
  },
};

/** Builds a finding and attaches what API Gateway and a client would experience for its code. */
export function finding(code: string, message: string, subject?: string): Finding {
  const consequence = table[code];
  return {
    code,
    message,
    ...(subject === undefined ? {} : {subject}),
    ...(consequence === undefined ? {} : {apiGateway: consequence.apiGateway, client: consequence.client}),
  };
}
