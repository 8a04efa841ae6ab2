/**
 * `mtls-wizard diagram [--format svg|mermaid] [--out FILE]`: the current setup as a picture. Standard output
 * without --out; the file is written atomically. Thin: the model and writers live in source/diagram/.
 */
import path from 'node:path';
import {UsageError, UserError} from '../errors.js';
import {diagramModel} from '../diagram/model.js';
import {diagramMermaid} from '../diagram/mermaid.js';
import {diagramSvg} from '../diagram/svg.js';
import {writeFileAtomic} from '../util/fs.js';
import type {IO} from './io.js';
import {loadExisting} from './open.js';
import type {Options} from './options.js';

export async function diagramCommand(o: Options, io: IO): Promise<number> {
  const format = o.explain?.format ?? 'svg';
  if (format !== 'svg' && format !== 'mermaid') {
    throw new UsageError({what: `bad value for --format: "${format}"`, why: 'it must be svg or mermaid', fix: '--format svg', field: 'format'});
  }
  const {store, state} = await loadExisting(o.stateDir, 'draw');
  const model = await diagramModel(state, store.dir);
  const text = format === 'svg' ? diagramSvg(model) : diagramMermaid(model);
  if (!o.explain?.out) {
    io.stdout(text);
    return 0;
  }
  const out = path.resolve(o.explain.out);
  try {
    await writeFileAtomic(out, text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? `the folder ${path.dirname(out)} does not exist` : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : String(code ?? error);
    throw new UserError({what: `failed to write the diagram to ${out}`, why, fix: 'pass --out with a file path in an existing, writable folder', field: 'out'});
  }
  io.stderr(`wrote ${out} (${format})`);
  return 0;
}
