import path from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {ensureBuilt, runBuilt} from '../helpers/built-cli.js';
import {tempDir} from '../helpers/temp.js';

beforeAll(() => ensureBuilt());

describe('workshop mode', () => {
  it('--lessons tells the article\'s two failures and their fixes; --prefix names every resource', async () => {
    const dir = path.join(await tempDir(), 'alice');
    const run = await runBuilt(['run', '--yes', '--lessons', '--prefix', 'alice', '--state-dir', dir]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const out = run.stdout;
    // Lesson 1: intermediate-only truststore → warning, client1 refused with 403, then fixed.
    expect(out).toMatch(/lesson-intermediate-only: Lesson: a truststore without the root/);
    expect(out).toMatch(/API Gateway warning: .*does not chain to a root/);
    expect(out).toMatch(/✓ alice-client1: HTTP 403 \(expected 403\)/);
    expect(out).toMatch(/fixed: the domain is pinned again/);
    // Lesson 2: the full chain with rootCA again is refused as a duplicate; then only the missing CAs are added.
    expect(out).toMatch(/refused as a duplicate: CN=alice-rootCA is already in the truststore/);
    expect(out.indexOf('lesson-duplicate')).toBeLessThan(out.indexOf('[B3] truststore-update'));
    expect(out).toMatch(/CN=alice-rootCA is already in the truststore: skipped/);

    const status = JSON.parse((await runBuilt(['status', '--json', '--state-dir', dir])).stdout);
    expect(status.steps.map((s: {id: string}) => s.id)).toContain('lesson-intermediate-only');
    expect(status.steps.every((s: {status: string}) => s.status === 'done')).toBe(true);
    expect(status.cas.map((c: {name: string}) => c.name)).toEqual(['alice-rootCA', 'alice-intermediateCA0', 'alice-intermediateCA1', 'alice-intermediateCA2']);
    // Lesson 3: the throwaway client is revoked, still gets in (API Gateway checks no CRL), then the CRL check refuses it.
    expect(out).toMatch(/lesson-revocation: Lesson: a revoked certificate still gets in/);
    expect(out.indexOf('[B4] connect-2')).toBeLessThan(out.indexOf('lesson-revocation'));
    expect(out).toMatch(/✓ alice-revoked-demo: HTTP 200 \(expected 200\)/);
    expect(out).toMatch(/the gap: alice-revoked-demo is revoked, yet it got in/);
    expect(out).toMatch(/✓ alice-revoked-demo: HTTP 403 \(expected 403\)/);
    expect(status.clients.map((c: {name: string}) => c.name)).toEqual(['alice-client1', 'alice-client2', 'alice-revoked-demo']);
    expect(status.clients[2]).toMatchObject({status: 'REVOKED', revocationReason: 'keyCompromise', trusted: true});
    expect(status.cas.find((c: {name: string}) => c.name === 'alice-intermediateCA2').crl).toMatch(/cas\/alice-intermediateCA2\/crl\.pem$/);
    expect(status.checks['lesson-revocation'].map((c: {expected: number; httpStatus: number}) => [c.expected, c.httpStatus])).toEqual([[200, 200], [403, 403]]);
    expect(status.truststore.uri).toMatch(/^s3:\/\/alice-mtls-wizard-truststore-/);
    expect(status.endpoint.url).toBe('https://alice-api.mtls.test:8443/hoge/auth');
    expect(status.truststore.certificates).toHaveLength(4);
    // Both connect steps still passed after the lessons.
    expect(status.checks['connect-2'].every((c: {ok: boolean}) => c.ok)).toBe(true);
  });

  it('refuses a prefix that would break a name', async () => {
    const dir = path.join(await tempDir(), 'x');
    const run = await runBuilt(['run', '--prefix', 'Alice_1', '--state-dir', dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--prefix.*lowercase letters, digits and inner hyphens/);
  });
});
