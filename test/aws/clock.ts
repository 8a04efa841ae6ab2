/**
 * Runs backend work on vitest's fake clock: time moves only from one pending timer to the next, and only
 * once the real I/O (state writes) in between has had its turn. So a test waits no real time for the
 * simulated seconds and minutes, and the simulated duration is the sum of the waits on the critical path.
 */
import {vi} from 'vitest';

export function useFakeClock(): void {
  vi.useFakeTimers({toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance']});
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** File system requests in flight (state writes); crypto work is not listed, hence `busy` below. */
const fsBusy = () => process.getActiveResourcesInfo().some((r) => r.startsWith('FSReq') || r === 'CloseReq');

/**
 * Settles the promise while moving the fake clock; gives its value and the simulated milliseconds.
 * `busy` says when other work is still under way (e.g. the fake AWS answering a call): the clock waits.
 */
export async function drive<T>(promise: Promise<T>, busy: () => boolean = () => false): Promise<{value: T; ms: number}> {
  const start = Date.now();
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  const deadline = process.hrtime.bigint() + 120_000_000_000n;
  while (!settled && process.hrtime.bigint() < deadline) {
    for (let i = 0; i < 5 && !settled; i += 1) await tick();
    while (!settled && (busy() || fsBusy()) && process.hrtime.bigint() < deadline) await tick();
    if (!settled && vi.getTimerCount() > 0) await vi.advanceTimersToNextTimerAsync();
  }
  const value = await promise;
  return {value, ms: Date.now() - start};
}
