/**
 * The guided questions asked before a new walkthrough starts. They go through the Prompter port, so the
 * Ink wizard, --plain and tests ask exactly the same things. Every question has a default (Enter accepts
 * it) and a bad answer is refused in place with the rule from inputs.ts that it broke.
 */
import {CA_MONTHLY_USD} from '../backends/aws/cost.js';
import {KEY_ALGORITHMS, type KeyAlgorithm} from '../state/constants.js';
import {proposeRegion} from './aws-region.js';
import {type CaSource, type InputChoices, checkCaName, checkChoices, checkDomain, checkResourcePath, checkValidityDays} from './inputs.js';
import type {Choice, Prompter} from './prompter.js';

export type BackendChoice = 'local' | 'aws';

export interface Answers {
  readonly backend: BackendChoice;
  readonly choices: InputChoices;
  /** True when the person accepted the AWS cost (always false for local). */
  readonly costConfirmed: boolean;
}

export interface AskOptions {
  /** Proposed backend (from --backend); local when unset. */
  readonly backend?: BackendChoice;
  /** Proposed inputs: the defaults with any flags and --config applied. */
  readonly choices: InputChoices;
  /** Where AWS_REGION, AWS_PROFILE and AWS_CONFIG_FILE are read (process.env when unset). */
  readonly env?: NodeJS.ProcessEnv;
}

const ALGORITHM_HINTS: Record<KeyAlgorithm, string> = {
  EC_prime256v1: 'ECDSA P-256: small and fast (default)',
  EC_secp384r1: 'ECDSA P-384',
  RSA_2048: 'RSA 2048: the most widely supported',
  RSA_4096: 'RSA 4096: slower to generate',
};

/** The hierarchy has four CAs; each bills monthly while it exists (the price lives in backends/aws/cost.ts). */
const CA_COUNT = 4;
const COST_NOTE =
  `AWS Private CA bills each CA monthly: ${CA_COUNT} CAs × $${CA_MONTHLY_USD} = $${(CA_COUNT * CA_MONTHLY_USD).toLocaleString('en-US')}/month, ` +
  'pro rata until they are deleted, plus a fee per certificate. `mtls-wizard teardown` stops the billing.';

const LOCAL_CA_NOTE =
  'The CAs and client certificates are made on this machine (free); the REST API, custom domain, public ACM certificate ' +
  'and S3 truststore are made in your account and cost cents. `mtls-wizard teardown` removes them and the files.';

/** A text rule for a whole number of days, with an extra upper bound (a child never outlives its parent). */
function daysRule(limit?: {days: number; parent: string}) {
  return (value: string): string | undefined => {
    if (!/^\s*\d+\s*$/.test(value)) return 'must be a whole number of days';
    const days = Number(value);
    const rule = checkValidityDays(days);
    if (rule) return rule;
    if (limit && days > limit.days) return `must not be longer than the ${limit.parent}'s ${limit.days} days (a child never outlives its parent)`;
    return undefined;
  };
}

/** A name rule that also refuses a name already taken by an earlier answer. */
function nameRule(taken: readonly string[]) {
  return (value: string): string | undefined => {
    const rule = checkCaName(value);
    if (rule) return rule;
    if (taken.some((n) => n.toLowerCase() === value.toLowerCase())) return 'every CA and client name must be different';
    return undefined;
  };
}

async function askBackend(prompter: Prompter, proposed: BackendChoice): Promise<BackendChoice> {
  const choices: Choice<BackendChoice>[] = [
    {value: 'local', label: 'local', hint: 'no AWS account, no cost, offline: real keys and a real mTLS gateway on 127.0.0.1'},
    {value: 'aws', label: 'aws', hint: 'real API Gateway, ACM and S3 in your account; the CAs in AWS Private CA (costs money) or on this machine (cents)'},
  ];
  return prompter.select({id: 'backend', message: 'Where should the walkthrough run?', choices, default: proposed});
}

async function askAws(prompter: Prompter, choices: InputChoices, env: NodeJS.ProcessEnv): Promise<boolean> {
  // Profile first: the Region proposed is the one the SDK would take for that profile.
  const profile = await prompter.text({
    id: 'profile',
    message: `AWS profile (empty: the default credential chain${env['AWS_PROFILE'] ? `, AWS_PROFILE=${env['AWS_PROFILE']}` : ''})`,
    default: choices.profile ?? '',
    validate: (v) => (/^[A-Za-z0-9_.@+-]*$/.test(v) ? undefined : 'may hold only letters, digits and _ . @ + -'),
  });
  choices.profile = profile === '' ? undefined : profile;
  const proposal = choices.region ? {region: choices.region, source: 'from --region'} : proposeRegion(env, choices.profile);
  choices.region = await prompter.text({
    id: 'region',
    message: `AWS region (${proposal.region ? `proposed ${proposal.source}` : `${proposal.source}: us-east-1 proposed`})`,
    default: proposal.region ?? 'us-east-1',
    validate: (v) => (/^[a-z]{2}(-[a-z]+)+-\d+$/.test(v) ? undefined : 'must be a region name such as us-east-1 or ap-northeast-1'),
  });
  // ACM issues private certificates only from a Private CA: with --client-cert-mode acm there is no choice.
  if (choices.clientCertMode !== 'acm') {
    choices.caSource = await prompter.select<CaSource>({
      id: 'ca-source',
      message: 'Where should the CA hierarchy live?',
      choices: [
        {value: 'pca', label: 'AWS Private CA', hint: `${CA_COUNT} CAs × $${CA_MONTHLY_USD} a month, pro rata (the article's way)`},
        {value: 'local', label: 'this machine', hint: 'free; the CA keys are files here (API Gateway, ACM, S3 stay real: cents)'},
      ],
      default: choices.caSource ?? 'pca',
    });
  }
  const note = choices.caSource === 'local' ? LOCAL_CA_NOTE : COST_NOTE;
  return prompter.confirm({id: 'aws-cost', message: `${note} Go ahead on AWS?`, default: false});
}

/** Asks every input of a new walkthrough; returns the validated choices. */
export async function askInputs(prompter: Prompter, o: AskOptions): Promise<Answers> {
  const choices: InputChoices = structuredClone(o.choices);
  let backend = await askBackend(prompter, o.backend ?? 'local');
  let costConfirmed = false;
  // Declining the cost goes back to the backend question, where Enter now means local.
  while (backend === 'aws') {
    costConfirmed = await askAws(prompter, choices, o.env ?? process.env);
    if (costConfirmed) break;
    backend = await askBackend(prompter, 'local');
  }

  // The CA source is an aws choice; on the local backend the CAs are always made here.
  if (backend === 'local') delete choices.caSource;

  choices.keyAlgorithm = await prompter.select({
    id: 'key-algorithm',
    message: 'Key algorithm for every CA and client key',
    choices: KEY_ALGORITHMS.map((a) => ({value: a, label: a, hint: ALGORITHM_HINTS[a]})),
    default: choices.keyAlgorithm,
  });

  const n = choices.names;
  const clients = [n.client1, n.client2];
  const root = await prompter.text({id: 'ca-root', message: 'Name of the root CA', default: n.root, validate: nameRule(clients)});
  const intermediate0 = await prompter.text({id: 'ca-intermediate0', message: `Name of the intermediate CA under ${root} that issues ${n.client1}`, default: n.intermediate0, validate: nameRule([...clients, root])});
  const intermediate1 = await prompter.text({id: 'ca-intermediate1', message: `Name of the upper CA of the second chain (under ${root}, pathLen 1)`, default: n.intermediate1, validate: nameRule([...clients, root, intermediate0])});
  const intermediate2 = await prompter.text({id: 'ca-intermediate2', message: `Name of the lower CA of the second chain (under ${intermediate1}) that issues ${n.client2}`, default: n.intermediate2, validate: nameRule([...clients, root, intermediate0, intermediate1])});
  choices.names = {...n, root, intermediate0, intermediate1, intermediate2};

  const rootDays = Number(await prompter.text({id: 'root-validity-days', message: `Validity of ${root} in days`, default: String(choices.rootValidityDays), validate: daysRule()}));
  const intermediateDays = Number(await prompter.text({id: 'intermediate-validity-days', message: 'Validity of the intermediate CAs in days', default: String(Math.min(choices.intermediateValidityDays, rootDays)), validate: daysRule({days: rootDays, parent: 'root CA'})}));
  const clientDays = Number(await prompter.text({id: 'client-validity-days', message: 'Validity of the client certificates in days', default: String(Math.min(choices.clientValidityDays, intermediateDays)), validate: daysRule({days: intermediateDays, parent: 'issuing CA'})}));
  choices.rootValidityDays = rootDays;
  choices.intermediateValidityDays = intermediateDays;
  choices.clientValidityDays = clientDays;

  choices.domain = await prompter.text({id: 'domain', message: 'Custom domain of the API', default: choices.domain, validate: checkDomain});
  choices.resourcePath = await prompter.text({id: 'resource-path', message: 'Resource path of the API method (GET)', default: choices.resourcePath, validate: checkResourcePath});

  const problem = checkChoices(choices);
  // Each answer was checked on its own; this catches a combination the questions above did not foresee.
  if (problem) throw new Error(`the answers broke the rule for ${problem[0]}: ${problem[1]}`);
  return {backend, choices, costConfirmed};
}
