/**
 * Preflight: credentials shown, Region consistent, curl present, and nothing billable before the person has
 * seen the monthly cost and said yes (once per walkthrough).
 */
import {afterEach, describe, expect, test} from 'vitest';
import {costLines, estimateCost} from '../../source/backends/aws/cost.js';
import {checkCurl} from '../../source/backends/aws/preflight.js';
import {UserError} from '../../source/errors.js';
import {buildInputs, defaultChoices} from '../../source/wizard/inputs.js';
import {newState} from '../../source/state/new-state.js';
import {DefaultsPrompter, type ConfirmQuestion, type Prompter} from '../../source/wizard/prompter.js';
import {awsHarness, type AwsHarness} from './harness.js';

let h: AwsHarness | undefined;
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

class Answering extends DefaultsPrompter implements Prompter {
  override readonly isInteractive = true as never;
  readonly asked: ConfirmQuestion[] = [];
  constructor(readonly answer: boolean) {
    super();
  }
  override async confirm(q: ConfirmQuestion) {
    this.asked.push(q);
    return this.answer;
  }
}

describe('cost guard', () => {
  test('the estimate: $400 per general-purpose CA a month, the 30-day free first CA, per-certificate fees', () => {
    const state = newState('aws', buildInputs(defaultChoices()));
    expect(estimateCost(state)).toMatchObject({totalCas: 4, newCas: 4, monthlyUsd: 1600, certificates: 6});
    const text = costLines(state).join('\n');
    expect(text).toContain('4 general-purpose CAs × $400/month = $1,600/month');
    expect(text).toContain('about $2.19 an hour');
    expect(text).toContain('$50/month per CA');
    expect(text).toContain('free for its first 30 days');
    expect(text).toContain('mtls-wizard teardown');
  });

  test('headless without --yes: refused with the fix, after the identity check and before any billable call', async () => {
    h = await awsHarness({options: {yes: false}});
    const outcome = await h.run();
    expect(outcome.ok).toBe(false);
    expect(h.fake.apis()).toEqual(['GetCallerIdentity']);
    expect(h.state().steps['root-ca']!.error).toMatch(/cannot create AWS Private CAs without your consent: they cost about \$1,600 a month until deleted\. Fix: run again with --yes/);
    expect(h.state().aws?.accountId).toBe('111122223333');
  });

  test('asked once: accepted, recorded, and not asked again on resume', async () => {
    const prompter = new Answering(true);
    h = await awsHarness({options: {yes: false}, prompter});
    expect((await h.run('root-ca')).ok).toBe(true);
    expect(prompter.asked.map((q) => q.id)).toEqual(['aws-cost']);
    expect(prompter.asked[0]!.message).toContain('Create 4 AWS Private CAs (about $1,600/month until teardown)?');
    expect(h.state().aws?.costConfirmedAt).toBeTruthy();
    await h.restart({yes: false, prompter});
    expect((await h.run('intermediate-ca')).ok).toBe(true);
    expect(prompter.asked.filter((q) => q.id === 'aws-cost')).toHaveLength(1);
  });

  test('declined interactively: stops without creating anything', async () => {
    const prompter = new Answering(false);
    h = await awsHarness({options: {yes: false}, prompter});
    const outcome = await h.run();
    expect(outcome.ok).toBe(false);
    expect(h.fake.core.count('CreateCertificateAuthority')).toBe(0);
    expect(h.fake.core.count('RequestCertificate')).toBe(0);
  });

  test('curl missing: refused after the identity check and before anything billable', async () => {
    h = await awsHarness({deps: {checkCurl: () => Promise.reject(new UserError({what: 'cannot find curl', fix: 'install curl'}))}});
    const outcome = await h.run();
    expect(outcome.ok).toBe(false);
    expect(h.fake.apis()).toEqual(['GetCallerIdentity']);
    expect(h.state().steps['root-ca']!.error).toBe('cannot find curl. Fix: install curl');
  });

  test('the real curl check names the curl it found', async () => {
    expect(await checkCurl()).toMatch(/^curl \d+\.\d+/);
  });

  test('shows the account and caller; a resume talks to the recorded Region and refuses another --region', async () => {
    h = await awsHarness();
    expect((await h.run('root-ca')).ok).toBe(true);
    expect(h.events.some((e) => e.type === 'log' && e.message === 'AWS account 111122223333 as arn:aws:iam::111122223333:user/tester in us-east-1')).toBe(true);
    expect(h.state().aws).toMatchObject({accountId: '111122223333', region: 'us-east-1'});
    await h.session.update((d) => void (d.aws!.region = 'ap-northeast-1'));
    await h.restart({region: 'us-east-1'});
    const before = h.fake.calls.length;
    expect((await h.run('intermediate-ca')).ok).toBe(false);
    expect(h.state().steps['intermediate-ca']!.error).toBe("cannot continue in us-east-1: this walkthrough's resources are in ap-northeast-1. Fix: pass --region ap-northeast-1");
    expect(h.fake.calls.length).toBe(before);
    // Without --region the recorded Region wins over AWS_REGION (us-east-1 in the test environment).
    await h.restart();
    expect((await h.run('intermediate-ca')).ok).toBe(true);
    expect(h.events.some((e) => e.type === 'log' && e.message.endsWith('user/tester in ap-northeast-1'))).toBe(true);
  });
});
