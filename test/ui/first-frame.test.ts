import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {firstFrameLines, writeFirstFrame} from '../../source/ui/first-frame.js';
import {peekState} from '../../source/ui/peek.js';

/** A stand-in for a terminal stream that records what is written. */
function fakeTerminal(columns: number) {
  const writes: string[] = [];
  const stream = {columns, write: (chunk: string) => writes.push(chunk) > 0} as unknown as NodeJS.WriteStream;
  return {stream, writes};
}

describe('the plain-text first frame', () => {
  it('shows the stored status of every step without loading the schema, and shrugs off a broken file', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mtls-first-'));
    try {
      await writeFile(path.join(dir, 'state.json'), JSON.stringify({backend: 'local', steps: {'root-ca': {status: 'done'}, api: {status: 'failed'}, mtls: {status: 'bogus'}}}));
      const lines = firstFrameLines(dir, peekState(dir));
      expect(lines[0]).toBe(`mtls-wizard · local backend · ${dir}`);
      expect(lines[1]).toBe('Steps 1 of 11 done');
      expect(lines).toContain(' ✓ root-ca');
      expect(lines).toContain(' ✗ api');
      expect(lines).toContain(' · mtls');
      await writeFile(path.join(dir, 'state.json'), '{not json');
      expect(firstFrameLines(dir, peekState(dir))[1]).toBe('Steps 0 of 11 done');
    } finally {
      await rm(dir, {recursive: true, force: true});
    }
  });

  it('is erased together with the next write, so the screen is never blank in between; lines never wrap', () => {
    const {stream, writes} = fakeTerminal(20);
    const frame = writeFirstFrame(stream, ['a very long header line that would wrap', 'Steps', ' · root-ca']);
    expect(writes[0]).toBe('a very long header…\nSteps\n · root-ca\n');
    frame.eraseWithNextWrite();
    expect(writes).toHaveLength(1);
    stream.write('INK FRAME');
    expect(writes.slice(1)).toEqual(['\u001B[3A\r\u001B[J', 'INK FRAME']);
    stream.write('next');
    expect(writes.at(-1)).toBe('next');
  });
});
