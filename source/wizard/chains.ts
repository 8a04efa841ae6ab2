/** Reads certificates the state points at: a CA's chain up to the root, as PEM. */
import {readFile} from 'node:fs/promises';
import path from 'node:path';
import {UserError} from '../errors.js';
import type {State} from '../state/schema.js';

/** The CA's certificate followed by its parents' up to the root (leaf-to-root order). */
export async function caChainPem(stateDir: string, state: State, caName: string): Promise<string> {
  const parts: string[] = [];
  const seen = new Set<string>();
  let name: string | null = caName;
  while (name !== null) {
    if (seen.has(name)) throw new Error(`CA ${name} is its own ancestor in the state`);
    seen.add(name);
    const record: State['cas'][string] | undefined = state.cas[name];
    if (!record?.certificate) {
      throw new UserError({
        what: `cannot build the chain of ${caName}`,
        why: `the certificate of ${name} is not recorded yet`,
        fix: 'run `mtls-wizard run` to finish the CA steps first',
      });
    }
    parts.push(await readStateFile(stateDir, record.certificate, `certificate of ${name}`));
    name = record.parent;
  }
  return parts.map((p) => p.trim()).join('\n') + '\n';
}

export async function readStateFile(stateDir: string, relative: string, what: string): Promise<string> {
  const file = path.isAbsolute(relative) ? relative : path.join(stateDir, relative);
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new UserError({
      what: `cannot read the ${what}`,
      why: `${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      fix: 'restore the file, or run `mtls-wizard teardown` and `mtls-wizard run` to make it again',
    });
  }
}
