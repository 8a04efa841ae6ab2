/**
 * Moves a stored state forward to STATE_VERSION. One function per version step, each with a fixture test.
 * A state from a newer release is refused (never downgraded), so an old binary cannot damage it.
 */
import {UserError} from '../errors.js';
import {STATE_VERSION} from './schema.js';

type Migration = (data: Record<string, unknown>) => Record<string, unknown>;

/** migrations[n] turns version n into version n + 1. None yet: version 1 is the first. */
const migrations: Record<number, Migration> = {};

export function migrate(data: unknown, file: string): unknown {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new UserError({
      what: `cannot load the state file ${file}`,
      why: 'it must hold a JSON object',
      fix: `fix or move away ${file}; it was left unchanged`,
    });
  }
  let current = data as Record<string, unknown>;
  const version = current['version'];
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new UserError({
      what: `cannot load the state file ${file}`,
      why: 'field version: must be a whole number (the state format version)',
      fix: `fix or move away ${file}; it was left unchanged`,
      field: 'version',
    });
  }
  if (version > STATE_VERSION) {
    throw new UserError({
      what: `cannot load the state file ${file}`,
      why: `it was written by a newer mtls-wizard (state version ${version}; this one reads up to ${STATE_VERSION})`,
      fix: 'upgrade mtls-wizard (npm install -g mtls-wizard@latest); the file was left unchanged',
      field: 'version',
    });
  }
  for (let v = version; v < STATE_VERSION; v++) {
    const step = migrations[v];
    if (!step) throw new Error(`no migration from state version ${v}`);
    current = {...step(current), version: v + 1};
  }
  return current;
}
