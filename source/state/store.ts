/**
 * Loads, validates and saves <state-dir>/state.json.
 * A file that cannot be parsed or validated is reported with its path and what is wrong, and left
 * byte-for-byte untouched: never reset, never rewritten.
 */
import {mkdir, readFile, stat} from 'node:fs/promises';
import path from 'node:path';
import {UserError} from '../errors.js';
import {writeFileAtomic} from '../util/fs.js';
import {migrate} from './migrations.js';
import {type State, stateSchema} from './schema.js';

export const STATE_FILE = 'state.json';

export class StateStore {
  readonly dir: string;
  readonly file: string;

  constructor(stateDir: string) {
    this.dir = path.resolve(stateDir);
    this.file = path.join(this.dir, STATE_FILE);
  }

  /** Absolute path of a path stored relative to the state dir. */
  resolve(relative: string): string {
    return path.isAbsolute(relative) ? relative : path.join(this.dir, relative);
  }

  /** Path relative to the state dir, as stored in the state. */
  relative(absolute: string): string {
    return path.relative(this.dir, absolute);
  }

  /** Fails when the state dir exists but is not a directory. */
  async checkDir(): Promise<void> {
    try {
      const info = await stat(this.dir);
      if (!info.isDirectory()) {
        throw new UserError({
          what: `cannot use the state directory ${this.dir}`,
          why: 'it exists and is not a directory',
          fix: 'pass --state-dir with a directory path, or move the file away',
          field: 'state-dir',
        });
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
  }

  /** The stored state, or undefined when there is none yet. */
  async load(): Promise<State | undefined> {
    await this.checkDir();
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return undefined;
      throw new UserError({
        what: `cannot read the state file ${this.file}`,
        why: (error as Error).message,
        fix: 'check its permissions',
      });
    }
    return parseState(text, this.file);
  }

  async save(state: State): Promise<void> {
    const text = `${JSON.stringify(state, null, 2)}\n`;
    try {
      await writeFileAtomic(this.file, text, 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      // No folder (yet, or again: reset or a person may remove it while a session holds this store).
      await mkdir(this.dir, {recursive: true, mode: 0o700});
      await writeFileAtomic(this.file, text, 0o600);
    }
  }
}

const brokenFix = (file: string) =>
  `fix or restore ${file}, or move it away (or run \`mtls-wizard reset --yes\`) to start over; it was left unchanged`;

/** Parses and validates state text; every failure names the file and the rule. */
export function parseState(text: string, file: string): State {
  if (text.trim() === '') {
    throw new UserError({what: `cannot load the state file ${file}`, why: 'the file is empty', fix: brokenFix(file)});
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UserError({
      what: `cannot load the state file ${file}`,
      why: `it is not valid JSON (${(error as Error).message})`,
      fix: brokenFix(file),
    });
  }
  const migrated = migrate(data, file);
  const result = stateSchema.safeParse(migrated);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : '(top level)';
    throw new UserError({
      what: `cannot load the state file ${file}`,
      why: `field ${where}: ${issue?.message ?? 'invalid'}`,
      fix: brokenFix(file),
      field: where,
    });
  }
  return result.data;
}
