/** What each step takes as input, for the Current step pane, read from the stored inputs. */
import type {Inputs, StepId} from '../../state/schema.js';

export type Pair = readonly [label: string, value: string];

const days = (n: number) => `${n} days`;

export function stepInputs(stepId: StepId, inputs: Inputs | undefined): Pair[] {
  if (!inputs) return [];
  const [root, ca0, ca1, ca2] = inputs.cas;
  const [client1, client2] = inputs.clients;
  const key: Pair = ['key algorithm', inputs.keyAlgorithm];
  switch (stepId) {
    case 'root-ca':
      return root ? [['name', root.name], key, ['validity', days(root.validityDays)], ['pathLen', 'none (CA:TRUE)']] : [];
    case 'intermediate-ca':
      return ca0 ? [['name', ca0.name], ['issued by', ca0.parent ?? ''], key, ['validity', days(ca0.validityDays)], ['pathLen', '0']] : [];
    case 'api':
      return [['method', `GET ${inputs.resourcePath}`], ['integration', 'mock JSON answer']];
    case 'custom-domain':
      return [['domain', inputs.domain], ['base path', '(none) → the API stage']];
    case 'mtls':
      return ca0 ? [['truststore', `${ca0.name} + ${ca0.parent ?? ''}`], ['rule', 'the whole chain up to the root']] : [];
    case 'client-cert':
      return client1 ? [['name', client1.name], ['issued by', client1.issuer], ['SAN', client1.dnsName], ['validity', days(client1.validityDays)]] : [];
    case 'connect':
      return client1 ? [['with', `${client1.name} → expect 200`], ['without a certificate', 'expect 403']] : [];
    case 'second-chain':
      return ca1 && ca2 ? [['upper CA', `${ca1.name} ← ${ca1.parent ?? ''} (pathLen 1)`], ['lower CA', `${ca2.name} ← ${ca2.parent ?? ''} (pathLen 0)`], key] : [];
    case 'truststore-update':
      return ca1 && ca2 ? [['adds', `${ca1.name}, ${ca2.name}`], ['already there', root?.name ?? '']] : [];
    case 'client-cert-2':
      return client2 ? [['name', client2.name], ['issued by', client2.issuer], ['SAN', client2.dnsName], ['validity', days(client2.validityDays)]] : [];
    case 'connect-2':
      return client1 && client2 ? [['with', `${client2.name}, ${client1.name} → expect 200`], ['a CA outside the truststore', 'expect 403']] : [];
    default:
      return [];
  }
}
