/**
 * What each step is called and why it exists, and the order of the plan: everything about the plan
 * that needs no crypto, so `status` and the first frame of the wizard can show it without loading the steps.
 */
import type {State, StepId} from '../state/schema.js';
import type {StepInfo} from './events.js';

export interface StepMeta {
  readonly id: StepId;
  readonly part: 'A' | 'B';
  readonly title: string;
  readonly why: string;
}

export const STEP_INFO: Readonly<Record<StepId, StepMeta>> = {
  'root-ca': {
    id: 'root-ca',
    part: 'A',
    title: 'Create the root CA',
    why:
      'The root CA is the anchor every client certificate is traced back to. It is self-signed, marked CA:TRUE ' +
      'without a path length limit, so the hierarchy can grow below it later.',
  },
  'intermediate-ca': {
    id: 'intermediate-ca',
    part: 'A',
    title: 'Create the intermediate CA that issues client certificates',
    why:
      'Client certificates come from a subordinate CA, not from the root, so the root key can stay put. ' +
      'This CA gets pathLen 0: it may issue end-entity certificates but no further CAs.',
  },
  'api': {
    id: 'api',
    part: 'A',
    title: 'Create the REST API',
    why:
      'A small REST API with one GET method that answers with JSON, including the subject of the client certificate ' +
      'it saw. Its default execute-api endpoint is turned off: otherwise clients could call it and skip mTLS.',
  },
  'custom-domain': {
    id: 'custom-domain',
    part: 'A',
    title: 'Set up the custom domain',
    why:
      'mTLS lives on a custom domain, not on the API itself. The domain needs a server certificate from a public ' +
      'CA (clients check it as usual) and a mapping from the domain to the API stage.',
  },
  'mtls': {
    id: 'mtls',
    part: 'A',
    title: 'Turn on mTLS with a truststore',
    why:
      'The truststore is one PEM file holding the issuing CA and every CA above it up to the root: API Gateway ' +
      'does not build the rest of the chain for you. It is stored as a new object version, and the domain is ' +
      'pinned to that version, so later uploads change nothing until you re-pin.',
  },
  'client-cert': {
    id: 'client-cert',
    part: 'A',
    title: 'Issue the first client certificate',
    why:
      'The client certificate is what a caller shows to get in. It comes from the intermediate CA, allows client ' +
      'authentication only, and its private key is stored encrypted with a passphrase (PKCS#8, AES-256).',
  },
  'lesson-intermediate-only': {
    id: 'lesson-intermediate-only',
    part: 'A',
    title: 'Lesson: a truststore without the root',
    why:
      'The article\'s first failure, on purpose: a truststore with only the issuing CA. It is accepted, but every ' +
      'client is refused with 403, because API Gateway needs the whole chain up to a root. Then it is fixed.',
  },
  'connect': {
    id: 'connect',
    part: 'A',
    title: 'Connect with curl',
    why:
      'The proof: curl with the client key, certificate and passphrase gets the JSON answer, and the same request ' +
      'without a certificate is refused with 403.',
  },
  'second-chain': {
    id: 'second-chain',
    part: 'B',
    title: 'Create a second, deeper CA chain',
    why:
      'A second branch under the same root, two levels deep: the upper CA gets pathLen 1 so it can sign one more ' +
      'CA, the lower gets pathLen 0. API Gateway allows at most four CA certificates in a chain; this one has three.',
  },
  'lesson-duplicate': {
    id: 'lesson-duplicate',
    part: 'B',
    title: 'Lesson: adding a certificate that is already there',
    why:
      'The article\'s second failure, on purpose: adding the new chain with its root, although the root is already ' +
      'in the truststore. A registered certificate cannot be registered again; only the missing ones may be added.',
  },
  'truststore-update': {
    id: 'truststore-update',
    part: 'B',
    title: 'Add the second chain to the truststore',
    why:
      'Only what is missing goes in: the two new CAs. The root is already there, and a certificate that is ' +
      'already registered must not be added a second time. The result is a new version, and the domain is re-pinned to it.',
  },
  'client-cert-2': {
    id: 'client-cert-2',
    part: 'B',
    title: 'Issue a client certificate from the deeper chain',
    why:
      'A second client, issued by the lowest CA of the new chain. It only works because that CA and the CA above ' +
      'it are now in the truststore, next to the root they lead to.',
  },
  'connect-2': {
    id: 'connect-2',
    part: 'B',
    title: 'Connect with both clients, and with a stranger',
    why:
      'Both chains now work through one truststore: the new client and the first one are accepted. A certificate ' +
      'from a CA that is not in the truststore is refused with 403.',
  },
  'lesson-revocation': {
    id: 'lesson-revocation',
    part: 'B',
    title: 'Lesson: a revoked certificate still gets in',
    why:
      'API Gateway checks no CRL and no OCSP. A throwaway client is issued and revoked, and it still gets in: ' +
      'revocation alone does not lock anyone out. Then a CRL check (what a Lambda authorizer would do) refuses it.',
  },
};

const BASE: readonly StepId[] = ['root-ca', 'intermediate-ca', 'api', 'custom-domain', 'mtls', 'client-cert', 'connect', 'second-chain', 'truststore-update', 'client-cert-2', 'connect-2'];

/** With --lessons, the article's two failures come as steps of their own, each just before its fix; the revocation gap last. */
const WITH_LESSONS: readonly StepId[] = BASE.flatMap((id): StepId[] =>
  id === 'connect' ? ['lesson-intermediate-only', id] : id === 'truststore-update' ? ['lesson-duplicate', id] : id === 'connect-2' ? [id, 'lesson-revocation'] : [id],
);

export function planIds(state: Pick<State, 'inputs'> | undefined): readonly StepId[] {
  return state?.inputs.lessons ? WITH_LESSONS : BASE;
}

export function isFinished(state: State, id: StepId): boolean {
  const status = state.steps[id]?.status;
  return status === 'done' || status === 'skipped';
}

/** The first step not finished yet, or undefined when the walkthrough is complete. */
export function nextStepId(state: State): StepId | undefined {
  return planIds(state).find((id) => !isFinished(state, id));
}

export function stepInfos(state: State | undefined): StepInfo[] {
  return planIds(state).map((id) => ({...STEP_INFO[id], status: state?.steps[id]?.status ?? 'pending'}));
}

export function hasProgress(state: State): boolean {
  return Object.values(state.steps).some((s) => s.status !== 'pending');
}
