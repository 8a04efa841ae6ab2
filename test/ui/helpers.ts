/**
 * Condition-based helpers for ink-testing-library (after Shopify cli-kit's testing/ui.ts): never a fixed
 * delay. Each wait yields to the event loop (setImmediate, then a zero timer) so React can flush and
 * useInput can re-register its handler, and checks again, until the frame shows what we wait for.
 */
import type {render} from 'ink-testing-library';

export type Rendered = ReturnType<typeof render>;

export const KEY = {
  enter: '\r',
  up: '\u001B[A',
  down: '\u001B[B',
  escape: '\u001B',
  backspace: '\u007F',
  tab: '\t',
  ctrlC: '\u0003',
} as const;

const tick = () => new Promise<void>((resolve) => setImmediate(() => setTimeout(resolve, 0)));

/** Waits until the last frame satisfies the predicate (or contains the text); fails with the frame after timeoutMs. */
export async function waitForFrame(instance: Rendered, expected: string | ((frame: string) => boolean), timeoutMs = 5000): Promise<string> {
  const check = typeof expected === 'string' ? (f: string) => f.includes(expected) : expected;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frame = instance.lastFrame() ?? '';
    if (check(frame)) return frame;
    if (Date.now() > deadline) throw new Error(`the frame never showed ${typeof expected === 'string' ? JSON.stringify(expected) : 'what was expected'}; last frame:\n${frame}`);
    await tick();
  }
}

/** Waits until a condition outside the frame holds (a promise settled, a callback ran). */
export async function waitFor(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await tick();
  }
}

/**
 * Presses a key once the app is listening, and waits until the frame changes (or shows `until`).
 * useInput subscribes in an effect, so a key written before effects ran would be lost: a couple of ticks first.
 */
export async function press(instance: Rendered, key: string, until?: string | ((frame: string) => boolean)): Promise<string> {
  await tick();
  await tick();
  const before = instance.lastFrame() ?? '';
  instance.stdin.write(key);
  return waitForFrame(instance, until ?? ((frame) => frame !== before));
}

/** Types text one character at a time, as a person would. */
export async function type(instance: Rendered, text: string): Promise<void> {
  for (const ch of text) await press(instance, ch);
}
