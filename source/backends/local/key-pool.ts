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

// One pool per process: the keys prestartKeys began are the ones the backend's preflight tops up.
interface Pool {
  /** Finished keys nobody has taken yet (a failed one too: it is reported to whoever takes it). */
  readonly done: Promise<KeyMaterial>[];
  /** Keys started (or waiting for a generator) and not finished. */
  inFlight: number;
  /** Takers waiting for the next key to finish. */
  readonly waiters: Array<(key: Promise<KeyMaterial>) => void>;
}
const pools = new Map<KeyAlgorithm, Pool>();

function poolFor(algorithm: KeyAlgorithm): Pool {
  let pool = pools.get(algorithm);
  if (!pool) pools.set(algorithm, (pool = {done: [], inFlight: 0, waiters: []}));
  return pool;
}

/** Keys made or on the way that nobody has claimed yet. */
const unclaimed = (pool: Pool) => pool.done.length + pool.inFlight - pool.waiters.length;

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

/** Starts one more key; when it is finished it goes to the first waiting taker, or waits for one. */
function startKey(algorithm: KeyAlgorithm, pool: Pool): void {
  pool.inFlight++;
  const key = generateLimited(algorithm);
  key.catch(() => undefined); // Reported when taken; an unused failure must not crash the process.
  const settle = () => {
    pool.inFlight--;
    const waiter = pool.waiters.shift();
    if (waiter) waiter(key);
    else pool.done.push(key);
  };
  key.then(settle, settle);
}

export class KeyPool {
  /** Makes sure `count` keys of this algorithm are made or on the way (keys not yet taken count). */
  prefill(algorithm: KeyAlgorithm, count: number): void {
    const pool = poolFor(algorithm);
    while (unclaimed(pool) < count) startKey(algorithm, pool);
  }

  /**
   * A key made ahead of time, or a new one. Keys of one algorithm are interchangeable, so a taker gets
   * whichever finishes first (RSA key generation times vary several-fold), not the one started first.
   */
  take(algorithm: KeyAlgorithm): Promise<KeyMaterial> {
    const pool = poolFor(algorithm);
    const finished = pool.done.shift();
    if (finished) return finished;
    if (unclaimed(pool) <= 0) startKey(algorithm, pool);
    return new Promise<KeyMaterial>((resolve) => pool.waiters.push(resolve));
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
