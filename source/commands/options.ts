/**
 * Flags, --config FILE and environment → one validated set of options. Nothing else reads process.env
 * for configuration. Every bad value is one UsageError naming the flag (or config field) and the rule.
 */
import path from 'node:path';
import {parseArgs} from 'node:util';
import {UsageError} from '../errors.js';
import {ALL_STEP_IDS, KEY_ALGORITHMS, STEP_IDS, type StepId} from '../state/constants.js';
import type {ConfigFile} from './config-file.js';
import {type InputChoices, checkChoices, defaultChoices} from '../wizard/inputs.js';
import {MAX_ATTEMPTS_FIX, maxAttemptsProblem} from '../backends/aws/max-attempts.js';

export const COMMANDS = ['run', 'status', 'reset', 'connect', 'gateway', 'teardown', 'truststore', 'client', 'inspect', 'explain', 'diagram'] as const;
export type Command = (typeof COMMANDS)[number];

/** Flag name → type; the same names in camelCase are the --config file's fields. */
const FLAGS = {
  'state-dir': {type: 'string'},
  backend: {type: 'string'},
  yes: {type: 'boolean', short: 'y'},
  json: {type: 'boolean'},
  plain: {type: 'boolean'},
  help: {type: 'boolean', short: 'h'},
  version: {type: 'boolean', short: 'V'},
  until: {type: 'string'},
  'key-algorithm': {type: 'string'},
  domain: {type: 'string'},
  'resource-path': {type: 'string'},
  'passphrase-file': {type: 'string'},
  config: {type: 'string'},
  port: {type: 'string'},
  prefix: {type: 'string'},
  lessons: {type: 'boolean'},
  region: {type: 'string'},
  profile: {type: 'string'},
  bucket: {type: 'string'},
  'dry-run': {type: 'boolean'},
  'ca-names': {type: 'string'},
  'client-names': {type: 'string'},
  'root-validity-days': {type: 'string'},
  'intermediate-validity-days': {type: 'string'},
  'client-validity-days': {type: 'string'},
  'client-cert-mode': {type: 'string'},
  'hosted-zone-id': {type: 'string'},
  'ca-source': {type: 'string'},
  verbose: {type: 'boolean', short: 'v'},
  'check-revocation': {type: 'boolean'},
  issuer: {type: 'string'},
  'validity-days': {type: 'string'},
  reason: {type: 'string'},
  truststore: {type: 'string'},
  chain: {type: 'string'},
  at: {type: 'string'},
  certificate: {type: 'string'},
  format: {type: 'string'},
  out: {type: 'string'},
} as const;

type FlagName = keyof typeof FLAGS;

/** Which flags each command takes (besides the global ones). */
const GLOBAL: FlagName[] = ['state-dir', 'help', 'version', 'json', 'plain', 'yes', 'backend', 'verbose'];
const INPUT_FLAGS: FlagName[] = [
  'until', 'key-algorithm', 'domain', 'resource-path', 'passphrase-file', 'config', 'port', 'prefix', 'lessons',
  'region', 'profile', 'bucket', 'dry-run', 'ca-names', 'client-names', 'root-validity-days',
  'intermediate-validity-days', 'client-validity-days', 'client-cert-mode', 'hosted-zone-id',
  'ca-source',
];
const ALLOWED: Record<Command, FlagName[]> = {
  run: [...GLOBAL, ...INPUT_FLAGS],
  status: GLOBAL,
  reset: GLOBAL,
  connect: [...GLOBAL, 'passphrase-file', 'check-revocation'],
  gateway: [...GLOBAL, 'port', 'passphrase-file', 'check-revocation'],
  teardown: [...GLOBAL, 'region', 'profile', 'dry-run'],
  truststore: GLOBAL,
  client: [...GLOBAL, 'issuer', 'validity-days', 'passphrase-file', 'reason'],
  inspect: [...GLOBAL, 'passphrase-file', 'certificate', 'at'],
  explain: [...GLOBAL, 'truststore', 'chain', 'at'],
  diagram: [...GLOBAL, 'format', 'out'],
};

export interface Options {
  readonly command: Command;
  /** True when no command was named (the default action). */
  readonly implicit: boolean;
  readonly positionals: readonly string[];
  readonly stateDir: string;
  readonly backend?: 'local' | 'aws';
  readonly yes: boolean;
  readonly json: boolean;
  readonly plain: boolean;
  /** Line output with every call's timing and curl's -v lines. */
  readonly verbose: boolean;
  readonly help: boolean;
  readonly version: boolean;
  readonly until?: StepId;
  readonly dryRun: boolean;
  readonly passphraseFile?: string;
  /** Port override for `gateway`. */
  readonly port?: number;
  /** gateway/connect: check client certificates against their issuer's CRL (a CRL-checking authorizer). */
  readonly checkRevocation: boolean;
  /** client add: --issuer, --validity-days; client revoke: --reason. */
  readonly issuer?: string;
  readonly validityDays?: number;
  readonly reason?: string;
  /** inspect / explain / diagram (issue 11): --truststore, --chain, --at, --certificate, --format, --out as given. */
  readonly explain?: {readonly truststore?: string; readonly chain?: string; readonly at?: string; readonly certificate?: string; readonly format?: string; readonly out?: string};
  /** Inputs with defaults applied, validated. */
  readonly choices: InputChoices;
  /** Names of the inputs the user gave explicitly (flags or config), to compare with a stored walkthrough. */
  readonly given: ReadonlySet<string>;
}

const camel = (flag: string) => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function parseInteger(value: string | number, flag: string): number {
  const n = typeof value === 'number' ? value : /^-?\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n)) throw new UsageError({what: `bad value for --${flag}`, why: `"${value}" is not a whole number`, fix: `pass --${flag} with a whole number`, field: flag});
  return n;
}

function parseNameList(value: string | string[], flag: string, count: number): string[] {
  const names = Array.isArray(value) ? value : value.split(',').map((s) => s.trim());
  if (names.length !== count) throw new UsageError({what: `bad value for --${flag}`, why: `it needs exactly ${count} names, comma-separated`, fix: flag === 'ca-names' ? '--ca-names rootCA,intermediateCA0,intermediateCA1,intermediateCA2' : '--client-names client1,client2', field: flag});
  return names;
}

/** --ca-source against the backend and the client mode: refused up front, before anything is made. */
export function checkCaSource(backend: 'local' | 'aws' | undefined, choices: InputChoices): void {
  if (backend === 'local' && choices.caSource === 'pca') {
    throw new UsageError({what: '--ca-source pca does not apply to the local backend', why: 'the local backend always makes its CAs on this machine (only --ca-source local is accepted there)', fix: 'drop --ca-source, or add --backend aws', field: 'ca-source'});
  }
  if (choices.caSource === 'local' && choices.clientCertMode === 'acm') {
    throw new UsageError({what: 'cannot use --client-cert-mode acm with --ca-source local', why: 'ACM issues private certificates only from an AWS Private CA, and the CAs are made on this machine', fix: 'drop --client-cert-mode (the client certificates are then issued here), or use --ca-source pca', field: 'client-cert-mode'});
  }
}

export async function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<Options> {
  let parsed;
  try {
    parsed = parseArgs({args: [...argv], options: FLAGS, allowPositionals: true, strict: true});
  } catch (error) {
    const text = (error as Error).message;
    const ambiguous = /^Option '(--[\w-]+)' argument is ambiguous/.exec(text);
    if (ambiguous) {
      throw new UsageError({what: `bad value for ${ambiguous[1]}`, why: 'a value that starts with "-" must be attached with =', fix: `write ${ambiguous[1]}=VALUE`});
    }
    const message = text.split('\n')[0]!.replace(/\. To specify a positional argument.*$/s, '');
    throw new UsageError({what: 'bad command line', why: message, fix: 'see `mtls-wizard --help`'});
  }
  const {values, positionals} = parsed;
  const first = positionals[0];
  let command: Command = 'run';
  let implicit = true;
  if (first !== undefined) {
    if (!(COMMANDS as readonly string[]).includes(first)) {
      throw new UsageError({what: `unknown command "${first}"`, why: `commands are ${COMMANDS.join(', ')}`, fix: 'see `mtls-wizard --help`'});
    }
    command = first as Command;
    implicit = false;
  }
  const rest = positionals.slice(1);
  const takesArguments = command === 'truststore' || command === 'client' || command === 'inspect' || command === 'explain';
  if (!takesArguments && rest.length > 0) {
    throw new UsageError({what: `unexpected argument "${rest[0]}"`, why: `\`${command}\` takes no arguments`, fix: `see \`mtls-wizard ${command} --help\``});
  }
  for (const name of Object.keys(values) as FlagName[]) {
    if (!ALLOWED[command].includes(name)) {
      throw new UsageError({what: `--${name} does not apply to \`${command}\``, why: `\`${command}\` takes ${ALLOWED[command].map((f) => `--${f}`).join(', ')}`, fix: 'remove the flag', field: name});
    }
  }

  const config: ConfigFile = values.config ? (await import('./config-file.js')).loadConfig(values.config) : {};
  const given = new Set<string>();
  /** A value from the flag, else the config file; records that it was given. */
  const pick = <K extends keyof ConfigFile>(key: K): ConfigFile[K] | string | boolean | undefined => {
    const flag = values[kebab(key) as FlagName];
    if (flag !== undefined) {
      given.add(key);
      return flag as string | boolean;
    }
    if (config[key] !== undefined) given.add(key);
    return config[key];
  };

  const choices = defaultChoices();
  const keyAlgorithm = pick('keyAlgorithm');
  if (keyAlgorithm !== undefined) {
    if (!(KEY_ALGORITHMS as readonly string[]).includes(String(keyAlgorithm))) {
      throw new UsageError({what: `bad value for --key-algorithm: "${String(keyAlgorithm)}"`, why: `it must be one of ${KEY_ALGORITHMS.join(', ')}`, fix: '--key-algorithm EC_prime256v1', field: 'key-algorithm'});
    }
    choices.keyAlgorithm = keyAlgorithm as InputChoices['keyAlgorithm'];
  }
  const str = (key: 'domain' | 'resourcePath' | 'prefix' | 'region' | 'profile' | 'bucket' | 'hostedZoneId') => {
    const v = pick(key);
    return v === undefined ? undefined : String(v);
  };
  choices.domain = str('domain') ?? choices.domain;
  choices.resourcePath = str('resourcePath') ?? choices.resourcePath;
  choices.prefix = str('prefix') ?? choices.prefix;
  // Only what the user says explicitly: otherwise the SDK's own chain (AWS_REGION, profile) decides.
  choices.region = str('region');
  choices.profile = str('profile');
  choices.bucket = str('bucket');
  choices.hostedZoneId = str('hostedZoneId');
  choices.lessons = Boolean(pick('lessons') ?? false);
  const mode = pick('clientCertMode');
  if (mode !== undefined) {
    if (mode !== 'csr' && mode !== 'acm') throw new UsageError({what: `bad value for --client-cert-mode: "${String(mode)}"`, why: 'it must be csr (a local key and CSR, the default) or acm (ACM issues and exports, as in the article)', fix: '--client-cert-mode csr', field: 'client-cert-mode'});
    choices.clientCertMode = mode;
  }
  for (const key of ['rootValidityDays', 'intermediateValidityDays', 'clientValidityDays'] as const) {
    const v = pick(key);
    if (v !== undefined) choices[key] = parseInteger(v as string | number, kebab(key));
  }
  const port = pick('port');
  if (port !== undefined) choices.port = parseInteger(port as string | number, 'port');
  const caNames = pick('caNames');
  if (caNames !== undefined) {
    const [root, intermediate0, intermediate1, intermediate2] = parseNameList(caNames as string | string[], 'ca-names', 4);
    choices.names = {...choices.names, root: root!, intermediate0: intermediate0!, intermediate1: intermediate1!, intermediate2: intermediate2!};
  }
  const clientNames = pick('clientNames');
  if (clientNames !== undefined) {
    const [client1, client2] = parseNameList(clientNames as string | string[], 'client-names', 2);
    choices.names = {...choices.names, client1: client1!, client2: client2!};
  }
  const problem = checkChoices(choices);
  if (problem) {
    const [field, rule] = problem;
    const value = field === 'domain' ? ` "${choices.domain}"` : '';
    throw new UsageError({what: `bad value for --${field}${value}`, why: `it ${rule}`, fix: `pass a valid --${field} (or ${camel(field)} in --config)`, field});
  }

  const backendValue = pick('backend') ?? env['MTLS_WIZARD_BACKEND'] ?? undefined;
  if (backendValue !== undefined && backendValue !== 'local' && backendValue !== 'aws') {
    throw new UsageError({what: `bad value for --backend: "${String(backendValue)}"`, why: 'it must be local or aws', fix: '--backend local', field: 'backend'});
  }
  const maxAttempts = env['AWS_MAX_ATTEMPTS']?.trim();
  const maxAttemptsRule = backendValue === 'aws' && maxAttempts ? maxAttemptsProblem(maxAttempts) : undefined;
  if (maxAttemptsRule) throw new UsageError({what: 'bad value for the environment variable AWS_MAX_ATTEMPTS', why: `it ${maxAttemptsRule}`, fix: MAX_ATTEMPTS_FIX, field: 'AWS_MAX_ATTEMPTS'});
  const caSourceValue = pick('caSource') ?? env['MTLS_WIZARD_CA_SOURCE'] ?? undefined;
  if (caSourceValue !== undefined) {
    given.add('caSource');
    if (caSourceValue !== 'pca' && caSourceValue !== 'local') {
      throw new UsageError({what: `bad value for --ca-source: "${String(caSourceValue)}"`, why: 'it must be pca (AWS Private CA, the default on aws) or local (the CAs are made on this machine)', fix: '--ca-source local (or caSource in --config, MTLS_WIZARD_CA_SOURCE)', field: 'ca-source'});
    }
    choices.caSource = caSourceValue;
    checkCaSource(backendValue as 'local' | 'aws' | undefined, choices);
  }
  const untilValue = pick('until');
  if (untilValue !== undefined && !(ALL_STEP_IDS as readonly string[]).includes(String(untilValue))) {
    throw new UsageError({what: `bad value for --until: "${String(untilValue)}"`, why: `there is no such step; steps are ${STEP_IDS.join(', ')}`, fix: '--until mtls', field: 'until'});
  }
  const stateDirValue = pick('stateDir') ?? (env['MTLS_WIZARD_STATE_DIR'] || undefined) ?? './mtls-wizard';
  const passphraseFile = pick('passphraseFile');
  const gatewayPort = command === 'gateway' && values.port !== undefined ? choices.port : undefined;

  return {
    command,
    implicit,
    positionals: rest,
    stateDir: path.resolve(String(stateDirValue)),
    backend: backendValue as 'local' | 'aws' | undefined,
    yes: Boolean(pick('yes') ?? false),
    json: Boolean(values.json),
    plain: Boolean(values.plain),
    verbose: Boolean(values.verbose),
    help: Boolean(values.help),
    version: Boolean(values.version),
    until: untilValue as StepId | undefined,
    dryRun: Boolean(pick('dryRun') ?? false),
    passphraseFile: passphraseFile === undefined ? undefined : String(passphraseFile),
    port: gatewayPort,
    checkRevocation: Boolean(values['check-revocation']),
    ...(values.issuer !== undefined ? {issuer: values.issuer} : {}),
    ...(values['validity-days'] !== undefined ? {validityDays: parseInteger(values['validity-days'], 'validity-days')} : {}),
    ...(values.reason !== undefined ? {reason: values.reason} : {}),
    explain: {truststore: values.truststore, chain: values.chain, at: values.at, certificate: values.certificate, format: values.format, out: values.out},
    choices,
    given,
  };
}
