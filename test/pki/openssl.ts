/** openssl as the independent oracle: run it on temp files and capture what it prints. */
import {spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

export interface Run {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs openssl without a shell; a non-zero exit is returned, not thrown, so tests can assert failures.
 * stderr is kept even on success: some verdicts (`req -verify`) are only printed there, with exit status 0.
 */
export function openssl(args: string[], env: Record<string, string> = {}): Run {
  const result = spawnSync('openssl', args, {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: {...process.env, ...env}});
  if (result.error) throw result.error;
  return {status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr};
}

/** Like openssl() but fails the test with openssl's own words when it exits non-zero. */
export function opensslOk(args: string[], env: Record<string, string> = {}): string {
  const run = openssl(args, env);
  if (run.status !== 0) throw new Error(`openssl ${args.join(' ')} failed (${run.status}): ${run.stderr}`);
  return run.stdout;
}

/** A private temp directory, made on first use (skipped suites leave nothing behind); call remove() in afterAll. */
export function tempDir(): {readonly path: string; write(name: string, content: string): string; remove(): void} {
  let made: string | undefined;
  const dir = {
    get path(): string {
      made ??= mkdtempSync(join(tmpdir(), 'mtls-pki-test-'));
      return made;
    },
    write(name: string, content: string): string {
      const file = join(dir.path, name);
      writeFileSync(file, content, {mode: 0o600});
      return file;
    },
    remove(): void {
      if (made) rmSync(made, {recursive: true, force: true});
    },
  };
  return dir;
}

/** The lines of one extension block in `openssl x509 -text`, e.g. extension(text, 'X509v3 Basic Constraints'). */
export function extension(text: string, name: string): {critical: boolean; value: string} | undefined {
  const lines = text.split('\n');
  const index = lines.findIndex((line) => line.trim().startsWith(`${name}:`));
  if (index < 0) return undefined;
  const header = lines[index] ?? '';
  return {critical: header.includes('critical'), value: (lines[index + 1] ?? '').trim()};
}
