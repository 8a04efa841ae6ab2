/** What every part of the AWS backend works with: the clients, the timing, the options and a few helpers. */
import {access} from 'node:fs/promises';
import path from 'node:path';
import {ExternalError} from '../../errors.js';
import {writePublicFile} from '../../util/fs.js';
import type {BackendContext} from '../backend.js';
import type {AwsBackendOptions} from '../index.js';
import type {AwsClients} from './clients.js';
import type {AwsTiming} from './wait.js';

export interface AwsEnv {
  readonly clients: AwsClients;
  readonly timing: AwsTiming;
  readonly options: AwsBackendOptions;
}

export const exists = (file: string) => access(file).then(() => true, () => false);

export const abs = (ctx: BackendContext, relative: string) => path.join(ctx.stateDir, relative);

export async function writeStateFile(ctx: BackendContext, relative: string, content: string): Promise<void> {
  await writePublicFile(abs(ctx, relative), content.endsWith('\n') ? content : `${content}\n`);
}

/** A field AWS documents as always returned; its absence means the service (or an emulator) misbehaved. */
export function required<T>(value: T | undefined | null, api: string, field: string): T {
  if (value === undefined || value === null || value === '') {
    throw new ExternalError({what: `AWS ${api} returned no ${field}`, why: 'the response lacks a field AWS always returns', fix: 'run `mtls-wizard run` again; if it persists, check the endpoint (AWS_ENDPOINT_URL) you point the wizard at'});
  }
  return value;
}

export const utf8 = (text: string) => new TextEncoder().encode(text);

/** Joins PEM texts, one block after another, with a final newline. */
export function joinPem(...parts: (string | undefined)[]): string {
  return `${parts
    .filter((p): p is string => Boolean(p && p.trim()))
    .map((p) => p.trim())
    .join('\n')}\n`;
}

/** Yes when --yes was given, else asks (a headless prompter answers the default). */
export async function confirm(env: AwsEnv, id: string, message: string, fallback: boolean): Promise<boolean> {
  if (env.options.yes) return true;
  if (!env.options.prompter) return fallback;
  return env.options.prompter.confirm({id, message, default: fallback});
}

/**
 * Our own word on the Node.js version, said once at preflight (the SDK's ten-line NodeVersionSupportWarning
 * is kept off the screen, see clients.ts): undefined on Node.js 22 and later.
 */
export function nodeSupportNote(version: string = process.version): string | undefined {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1]);
  if (!Number.isFinite(major) || major >= 22) return undefined;
  const ended = major === 20 ? ' (April 2026)' : '';
  return `Node.js ${major} is past its end of life${ended}, and AWS SDK releases from January 2027 need Node.js 22 or later: this run works; upgrade Node.js (e.g. \`nvm install 22\`) to keep getting AWS SDK fixes`;
}

