/**
 * `mtls-wizard` in a terminal: the Ink wizard, or with --plain the same flow as plain lines and
 * @inquirer/prompts. Kept tiny: each front end is loaded only when chosen.
 */
import path from 'node:path';
import type {IO, Options} from '../app/options.js';
import {firstFrameLines, writeFirstFrame} from './first-frame.js';
import {peekState} from './peek.js';

export async function startInteractive(o: Options, io: IO): Promise<number> {
  if (o.plain) return (await import('./start-plain.js')).startPlain(o, io);
  const peek = peekState(o.stateDir);
  const first = writeFirstFrame(process.stdout, firstFrameLines(path.resolve(o.stateDir), peek));
  let ink: typeof import('./start-ink.js');
  try {
    ink = await loadInk();
  } catch (error) {
    first.erase();
    throw error;
  }
  return ink.startInk(o, io, {peek, beforeFirstRender: () => first.eraseWithNextWrite()});
}

/**
 * Ink's layout engine (yoga-layout) compiles its WebAssembly from an inline data: URL, through fetch()
 * when fetch exists; in Node that first loads the whole undici HTTP client, about 20 ms before the first
 * frame. Hidden for the duration of the import, yoga takes its synchronous base64 path instead.
 */
async function loadInk(): Promise<typeof import('./start-ink.js')> {
  const global = globalThis as {fetch?: typeof fetch};
  const saved = global.fetch;
  global.fetch = undefined;
  try {
    return await import('./start-ink.js');
  } finally {
    global.fetch = saved;
  }
}
