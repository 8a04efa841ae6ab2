/**
 * The very first frame, as plain text, before Ink is even loaded: the header and the steps with their
 * stored status. Loading Ink and React takes about as long again as starting Node, so this gets the
 * steps on screen at once; Ink's own first frame (the same lines) then replaces it in place.
 */
import type {Peek} from './peek.js';
import {SYMBOL} from './theme.js';

export interface FirstFrame {
  /**
   * Removes the text (cursor back up, screen cleared below) together with the next write to the stream:
   * Ink spends a while computing its first frame, and erasing earlier would blank the screen meanwhile.
   */
  eraseWithNextWrite(): void;
  /** Removes it now (when Ink will not draw). */
  erase(): void;
}

const DONE = new Set(['done', 'skipped']);

export function firstFrameLines(stateDir: string, peek: Peek): string[] {
  const done = peek.steps.filter((s) => DONE.has(s.status)).length;
  return [
    `mtls-wizard${peek.backend ? ` · ${peek.backend} backend` : ''} · ${stateDir}`,
    `Steps ${done} of ${peek.steps.length} done`,
    // Laid out as Ink's first frame draws them (pointer column, status, id), so the swap does not move anything.
    ...peek.steps.map((s) => ` ${s.status === 'running' ? SYMBOL.pending : SYMBOL[s.status]} ${s.id}`),
  ];
}

/** Writes the lines (cut to the terminal width, so none wraps and the count to erase stays right). */
export function writeFirstFrame(stream: NodeJS.WriteStream, lines: readonly string[]): FirstFrame {
  const width = Math.max(10, (stream.columns || 80) - 1);
  stream.write(`${lines.map((line) => (line.length > width ? `${line.slice(0, width - 1)}…` : line)).join('\n')}\n`);
  // Cursor up over the lines, to column 0, clear to the end of the screen.
  const sequence = `\u001B[${lines.length}A\r\u001B[J`;
  let erased = false;
  const erase = () => {
    if (erased) return;
    erased = true;
    stream.write(sequence);
  };
  return {
    erase,
    eraseWithNextWrite() {
      if (erased) return;
      const write = stream.write;
      stream.write = function (this: NodeJS.WriteStream, ...args: Parameters<NodeJS.WriteStream['write']>) {
        stream.write = write;
        erase();
        return Reflect.apply(write, this, args) as boolean;
      } as NodeJS.WriteStream['write'];
    },
  };
}
