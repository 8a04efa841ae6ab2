/** The --config FILE loader: JSON with the flags' names in camelCase, validated field by field. */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import * as z from 'zod/mini';
import '../state/schema.js'; // sets zod's English messages
import {UsageError} from '../errors.js';

const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

const configSchema = z.partial(
  z.strictObject({
    stateDir: z.string(),
    backend: z.string(),
    yes: z.boolean(),
    until: z.string(),
    keyAlgorithm: z.string(),
    domain: z.string(),
    resourcePath: z.string(),
    passphraseFile: z.string(),
    port: z.number(),
    prefix: z.string(),
    lessons: z.boolean(),
    region: z.string(),
    profile: z.string(),
    bucket: z.string(),
    dryRun: z.boolean(),
    caNames: z.array(z.string()),
    clientNames: z.array(z.string()),
    rootValidityDays: z.number(),
    intermediateValidityDays: z.number(),
    clientValidityDays: z.number(),
    clientCertMode: z.string(),
    hostedZoneId: z.string(),
    caSource: z.string(),
  }),
);
export type ConfigFile = z.infer<typeof configSchema>;

export function loadConfig(file: string): ConfigFile {
  const where = path.resolve(file);
  let text: string;
  try {
    text = readFileSync(where, 'utf8');
  } catch (error) {
    throw new UsageError({what: `cannot read --config ${where}`, why: (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist' : (error as Error).message, fix: 'pass the path of a JSON config file', field: 'config'});
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UsageError({what: `cannot read --config ${where}`, why: `it is not valid JSON (${(error as Error).message})`, fix: 'fix the JSON', field: 'config'});
  }
  const result = configSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    if (issue.code === 'unrecognized_keys') {
      const key = issue.keys[0] ?? '';
      throw new UsageError({what: `bad --config ${where}`, why: `unknown field "${key}"`, fix: `use the flags' names in camelCase (e.g. keyAlgorithm, domain, passphraseFile)`, field: key});
    }
    const field = issue.path.join('.') || '(top level)';
    const why = issue.path.length === 0 ? 'it must hold a JSON object' : `field ${field}: ${issue.message}`;
    throw new UsageError({what: `bad --config ${where}`, why, fix: 'correct that field', field});
  }
  return result.data;
}

