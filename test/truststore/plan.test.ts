import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {UserError} from '../../source/errors.js';
import {checkTruststore, planAddition} from '../../source/truststore/index.js';
import {articleHierarchy, opensslVerifies, Pki, type Cert} from './fixtures.js';

let pki: Pki;
let other: Pki;
let a: ReturnType<typeof articleHierarchy>;

beforeAll(() => {
  pki = new Pki();
  other = new Pki();
  a = articleHierarchy(pki);
});
afterAll(() => {
  pki.cleanup();
  other.cleanup();
});

const bundleOf = (...certs: Cert[]) => certs.map((c) => c.pem).join('');
const subjects = (certs: readonly {subject: string}[]) => certs.map((c) => c.subject);

describe('planAddition', () => {
  it('builds the first truststore from nothing, root first (article part A)', () => {
    const plan = planAddition('', bundleOf(a.intermediateCA0, a.rootCA));
    expect(subjects(plan.added)).toEqual(['CN=rootCA', 'CN=intermediateCA0']);
    expect(plan.alreadyPresent).toEqual([]);
    expect(plan.refused).toEqual([]);
    expect(checkTruststore(plan.bundle).ok).toBe(true);
    expect(opensslVerifies(pki, plan.bundle, a.client1)).toBe(true);
  });

  it('adds only what is missing: rootCA is already there (article part B)', () => {
    const existing = bundleOf(a.intermediateCA0, a.rootCA);
    const plan = planAddition(existing, bundleOf(a.intermediateCA2, a.intermediateCA1, a.rootCA));
    expect(subjects(plan.added)).toEqual(['CN=intermediateCA1', 'CN=intermediateCA2']);
    expect(subjects(plan.alreadyPresent)).toEqual(['CN=rootCA']);
    expect(plan.refused).toEqual([]);
    expect(plan.bundle).toBe(existing + bundleOf(a.intermediateCA1, a.intermediateCA2));
    const report = checkTruststore(plan.bundle);
    expect(report).toMatchObject({ok: true, warnings: []});
    expect(opensslVerifies(pki, plan.bundle, a.client1)).toBe(true);
    expect(opensslVerifies(pki, plan.bundle, a.client2)).toBe(true);
  });

  it('is idempotent: the same chain again adds nothing', () => {
    const once = planAddition(bundleOf(a.intermediateCA0, a.rootCA), bundleOf(a.intermediateCA2, a.intermediateCA1, a.rootCA)).bundle;
    const twice = planAddition(once, bundleOf(a.rootCA, a.intermediateCA1, a.intermediateCA2, a.intermediateCA2));
    expect(twice.added).toEqual([]);
    expect(subjects(twice.alreadyPresent)).toEqual(['CN=rootCA', 'CN=intermediateCA1', 'CN=intermediateCA2']);
    expect(twice.bundle).toBe(once);
  });

  it('refuses a different CA with a subject already registered, and what chains only through it', () => {
    const impostorRoot = other.root('rootCA');
    const orphan = other.ca('orphanCA', impostorRoot);
    const existing = bundleOf(a.intermediateCA0, a.rootCA);
    const plan = planAddition(existing, bundleOf(orphan, impostorRoot));
    expect(plan.added).toEqual([]);
    expect(plan.refused.map((f) => `${f.code} ${f.subject}`)).toEqual(['duplicate-subject CN=rootCA', 'bad-signature CN=orphanCA']);
    expect(plan.refused[0]?.message).toMatch(/truststore already holds a different certificate with this subject/);
    expect(plan.bundle).toBe(existing);
  });

  it('refuses a CA whose issuer is nowhere, and a weak one, but adds the rest', () => {
    const weak = other.ca('weakCA', a.rootCA, {key: 'rsa1024'});
    const plan = planAddition(bundleOf(a.rootCA), bundleOf(a.intermediateCA2, weak, a.intermediateCA0));
    expect(subjects(plan.added)).toEqual(['CN=intermediateCA0']);
    expect(plan.refused.map((f) => `${f.code} ${f.subject}`).sort()).toEqual(['issuer-missing CN=intermediateCA2', 'weak-key CN=weakCA']);
    expect(checkTruststore(plan.bundle).ok).toBe(true);
  });

  it('reports unreadable parts of the chain without echoing a private key', () => {
    const key = `-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n`;
    const plan = planAddition(bundleOf(a.rootCA), key + a.intermediateCA0.pem);
    expect(subjects(plan.added)).toEqual(['CN=intermediateCA0']);
    expect(plan.refused.map((f) => f.code)).toEqual(['private-key']);
    expect(JSON.stringify(plan.refused)).not.toContain('MIGHAgEA');
  });

  it('refuses to work on an existing truststore it cannot read', () => {
    expect(() => planAddition('garbage', a.rootCA.pem)).toThrow(UserError);
  });
});
