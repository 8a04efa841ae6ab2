/**
 * The AWS Region to propose, found the way the SDK itself finds it: AWS_REGION, then the `region` of the
 * profile in the shared config file (AWS_CONFIG_FILE, else ~/.aws/config; the profile from the answer,
 * else AWS_PROFILE, else `default`). A light read of that one INI file: loading the SDK just for this
 * would cost start-up time. Says where the proposal came from, so the person can judge it.
 */
import {readFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface RegionProposal {
  /** The Region the SDK would use; undefined when nothing sets one. */
  readonly region?: string;
  /** Where it came from, in words ("AWS_REGION", "profile work in ~/.aws/config"), or why there is none. */
  readonly source: string;
}

/** The shared config file the SDK reads, and how to name it to the person. */
export function sharedConfigFile(env: NodeJS.ProcessEnv): {file: string; shown: string} {
  if (env['AWS_CONFIG_FILE']) return {file: env['AWS_CONFIG_FILE'], shown: env['AWS_CONFIG_FILE']};
  const home = env['HOME'] || os.homedir();
  return {file: path.join(home, '.aws', 'config'), shown: '~/.aws/config'};
}

/** The `region` of a profile in a shared config file's text: `[default]` or `[profile NAME]` (`[NAME]` tolerated). */
export function profileRegion(text: string, profile: string): string | undefined {
  let inSection = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s[#;].*$/, '').trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[\s*(.+?)\s*\]$/.exec(line);
    if (header) {
      const name = header[1]!.replace(/^profile\s+/, '').trim();
      inSection = name === profile;
      continue;
    }
    if (!inSection || /^\s/.test(raw)) continue; // indented lines belong to a nested block (e.g. s3 =)
    const kv = /^([A-Za-z0-9_]+)\s*=\s*(.*)$/.exec(line);
    if (kv && kv[1]!.toLowerCase() === 'region' && kv[2]) return kv[2].trim();
  }
  return undefined;
}

export function proposeRegion(env: NodeJS.ProcessEnv, profile: string | undefined): RegionProposal {
  if (env['AWS_REGION']) return {region: env['AWS_REGION'], source: 'from AWS_REGION'};
  const name = profile || env['AWS_PROFILE'] || 'default';
  const config = sharedConfigFile(env);
  let text: string;
  try {
    text = readFileSync(config.file, 'utf8');
  } catch {
    return {source: `AWS_REGION is not set and there is no ${config.shown}`};
  }
  const region = profileRegion(text, name);
  if (region) return {region, source: `from profile ${name} in ${config.shown}`};
  return {source: `AWS_REGION is not set and profile ${name} in ${config.shown} has no region`};
}
