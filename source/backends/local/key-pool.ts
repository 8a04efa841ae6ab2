/**
 * Keys made ahead of time. Key generation runs on libuv's thread pool, so starting the keys the
 * walkthrough still needs early uses both cores while the steps do their other work (RSA keys take
 * ~100 ms each). At most two are generated at a time: file reads and writes (fsync included, and the module
 * loader's reads) run on the same pool of four threads, and behind four RSA keys they would wait for one
 * to finish. `run` on a fresh state dir starts them even earlier, before the walkthrough's modules
 * load (prestartKeys). Keys live in memory only until a step takes one and writes it (encrypted where it must
 * be). This module loads only node:crypto, so that early start waits for nothing.
 */
import {existsSync} from 'node:fs';
import {availableParallelism} from 'node:os';
import path from 'node:path';
import {generateKey, type KeyMaterial} from '../../pki/keys.js';
import type {KeyAlgorithm} from '../../state/constants.js';

// One queue per process: the keys prestartKeys began are the ones the backend's preflight tops up.
const ready = new Map<KeyAlgorithm, Promise<KeyMaterial>[]>();

// Keys generated at once: the cores there are, but always two pool threads left for file I/O.
const POOL_THREADS = Number(process.env['UV_THREADPOOL_SIZE']) || 4;
const MAX_GENERATING = Math.max(1, Math.min(availableParallelism(), POOL_THREADS - 2));
let generating = 0;
const queued: Array<() => void> = [];

/** generateKey, started when fewer than MAX_GENERATING are running (first asked, first started). */
function generateLimited(algorithm: KeyAlgorithm): Promise<KeyMaterial> {
  return new Promise((resolve, reject) => {
    const start = () => {
      generating++;
      generateKey(algorithm)
        .then(resolve, reject)
        .finally(() => {
          generating--;
          queued.shift()?.();
        });
    };
    if (generating < MAX_GENERATING) start();
    else queued.push(start);
  });
}

export class KeyPool {
  /** Makes sure `count` keys of this algorithm are made or on the way (keys already queued count). */
  prefill(algorithm: KeyAlgorithm, count: number): void {
    const queue = ready.get(algorithm) ?? [];
    while (queue.length < count) {
      const key = generateLimited(algorithm);
      key.catch(() => undefined); // Reported when taken; an unused failure must not crash the process.
      queue.push(key);
    }
    ready.set(algorithm, queue);
  }

  /** A key made ahead of time, or a new one. */
  take(algorithm: KeyAlgorithm): Promise<KeyMaterial> {
    return ready.get(algorithm)?.shift() ?? generateLimited(algorithm);
  }
}

/**
 * `run` on the local backend with no walkthrough in the state dir yet: every CA and client key will be needed,
 * so start them now, while the rest of the program loads. An existing walkthrough is left to the backend's
 * preflight, which knows what is missing.
 */
export function prestartKeys(o: {stateDir: string; backend?: string; keyAlgorithm: KeyAlgorithm; count: number}): void {
  if (o.backend !== undefined && o.backend !== 'local') return;
  if (existsSync(path.join(path.resolve(o.stateDir), 'state.json'))) return;
  new KeyPool().prefill(o.keyAlgorithm, o.count);
}
