/**
 * Keys made ahead of time. Key generation runs on libuv's thread pool, so starting every key the
 * walkthrough still needs at once uses both cores while the steps do their other work (RSA keys take
 * ~100 ms each). Keys live in memory only until a step takes one and writes it (encrypted where it must be).
 */
import {generateKey, type KeyMaterial} from '../../pki/index.js';
import type {KeyAlgorithm} from '../../state/schema.js';

export class KeyPool {
  readonly #ready = new Map<KeyAlgorithm, Promise<KeyMaterial>[]>();

  /** Starts generating `count` more keys of this algorithm. */
  prefill(algorithm: KeyAlgorithm, count: number): void {
    const queue = this.#ready.get(algorithm) ?? [];
    for (let i = 0; i < count; i++) {
      const key = generateKey(algorithm);
      key.catch(() => undefined); // Reported when taken; an unused failure must not crash the process.
      queue.push(key);
    }
    this.#ready.set(algorithm, queue);
  }

  /** A key made ahead of time, or a new one. */
  take(algorithm: KeyAlgorithm): Promise<KeyMaterial> {
    return this.#ready.get(algorithm)?.shift() ?? generateKey(algorithm);
  }
}
