/** The key pool: keys made ahead are handed out once each, first finished first; more than were made still come. */
import {describe, expect, it} from 'vitest';
import {KeyPool} from '../../source/backends/local/key-pool.js';

describe('KeyPool', () => {
  it('hands out each prefilled key once, then makes new ones', async () => {
    const pool = new KeyPool();
    pool.prefill('EC_prime256v1', 3);
    pool.prefill('EC_prime256v1', 3); // already on the way: no more are started
    const keys = await Promise.all([1, 2, 3, 4, 5].map(() => pool.take('EC_prime256v1')));
    expect(new Set(keys.map((k) => k.privateKeyPem)).size).toBe(5);
    for (const key of keys) expect(key.algorithm).toBe('EC_prime256v1');
  });

  it('keeps algorithms apart, and a key taken later is still a fresh one', async () => {
    const pool = new KeyPool();
    pool.prefill('EC_secp384r1', 1);
    const [ec384] = await Promise.all([pool.take('EC_secp384r1')]);
    expect(ec384.algorithm).toBe('EC_secp384r1');
    const again = await pool.take('EC_secp384r1');
    expect(again.privateKeyPem).not.toBe(ec384.privateKeyPem);
  });
});
