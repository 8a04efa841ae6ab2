import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {checkDomain, defaultChoices} from '../../source/wizard/inputs.js';
import {askInputs} from '../../source/wizard/questions.js';
import {ENTER, ScriptedPrompter} from './scripted-prompter.js';
import type {SelectQuestion, TextQuestion} from '../../source/wizard/prompter.js';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** No AWS settings at all: HOME points at a folder without ~/.aws. */
const NO_AWS_ENV = {HOME: '/nonexistent-home-for-tests'};

/** Also keeps what each question said, and the choices offered. */
class RecordingPrompter extends ScriptedPrompter {
  readonly messages = new Map<string, string>();
  readonly offered = new Map<string, string[]>();
  override async text(q: TextQuestion): Promise<string> {
    this.messages.set(q.id, q.message);
    return super.text(q);
  }
  override async select<T extends string>(q: SelectQuestion<T>): Promise<T> {
    this.messages.set(q.id, q.message);
    this.offered.set(q.id, q.choices.map((c) => `${c.label}: ${c.hint ?? ''}`));
    return super.select(q);
  }
}

describe('the guided questions', () => {
  it('Enter at every question gives the article defaults on the local backend', async () => {
    const prompter = new ScriptedPrompter();
    const answers = await askInputs(prompter, {choices: defaultChoices()});
    expect(answers).toEqual({backend: 'local', choices: defaultChoices(), costConfirmed: false});
    expect(prompter.asked).toEqual([
      'backend', 'key-algorithm', 'ca-root', 'ca-intermediate0', 'ca-intermediate1', 'ca-intermediate2',
      'root-validity-days', 'intermediate-validity-days', 'client-validity-days', 'domain', 'resource-path',
    ]);
  });

  it('proposes what flags and --config already chose', async () => {
    const choices = {...defaultChoices(), domain: 'api.example.org', keyAlgorithm: 'RSA_2048' as const};
    const answers = await askInputs(new ScriptedPrompter(), {backend: 'local', choices});
    expect(answers.choices.domain).toBe('api.example.org');
    expect(answers.choices.keyAlgorithm).toBe('RSA_2048');
  });

  it('refuses bad answers with the rule they broke, and takes the next good one', async () => {
    const prompter = new ScriptedPrompter({
      domain: ['my_api.test', 'api.example.org'],
      'resource-path': ['hoge', '/v1/ping'],
      'ca-intermediate0': ['rootCA', 'subCA'],
      'root-validity-days': ['ten', '400'],
      'intermediate-validity-days': ['500', '300'],
      'client-validity-days': ['301', ENTER],
    });
    const {choices} = await askInputs(prompter, {choices: defaultChoices()});
    expect(prompter.refused).toEqual([
      {id: 'ca-intermediate0', answer: 'rootCA', rule: 'every CA and client name must be different'},
      {id: 'root-validity-days', answer: 'ten', rule: 'must be a whole number of days'},
      {id: 'intermediate-validity-days', answer: '500', rule: "must not be longer than the root CA's 400 days (a child never outlives its parent)"},
      {id: 'client-validity-days', answer: '301', rule: "must not be longer than the issuing CA's 300 days (a child never outlives its parent)"},
      {id: 'domain', answer: 'my_api.test', rule: checkDomain('my_api.test')!},
      {id: 'resource-path', answer: 'hoge', rule: 'must start with /, e.g. /hoge/auth'},
    ]);
    expect(choices).toMatchObject({domain: 'api.example.org', resourcePath: '/v1/ping', rootValidityDays: 400, intermediateValidityDays: 300, clientValidityDays: 300});
    expect(choices.names.intermediate0).toBe('subCA');
  });

  it('on aws asks profile, region, where the CAs live and the cost; declining the cost goes back to the backend question', async () => {
    const prompter = new ScriptedPrompter({backend: ['aws', ENTER], region: 'eu-west-1', 'aws-cost': ENTER});
    const declined = await askInputs(prompter, {choices: defaultChoices(), env: NO_AWS_ENV});
    expect(declined.backend).toBe('local');
    expect(declined.costConfirmed).toBe(false);
    expect(declined.choices.caSource).toBeUndefined();
    expect(prompter.asked.slice(0, 6)).toEqual(['backend', 'profile', 'region', 'ca-source', 'aws-cost', 'backend']);

    const yes = new ScriptedPrompter({backend: 'aws', region: ['moon-1', 'ap-northeast-1'], profile: 'workshop', 'aws-cost': true});
    const accepted = await askInputs(yes, {choices: defaultChoices(), env: NO_AWS_ENV});
    expect(accepted).toMatchObject({backend: 'aws', costConfirmed: true, choices: {region: 'ap-northeast-1', profile: 'workshop'}});
    expect(yes.refused.map((r) => r.id)).toEqual(['region']);
  });

  describe('on aws', () => {
    let home: string;
    beforeEach(() => {
      home = mkdtempSync(path.join(os.tmpdir(), 'mtls-aws-config-'));
    });
    afterEach(() => rmSync(home, {recursive: true, force: true}));

    it('proposes AWS_REGION, as the SDK would, and says so', async () => {
      const prompter = new RecordingPrompter({backend: 'aws', 'aws-cost': true});
      const answers = await askInputs(prompter, {choices: defaultChoices(), env: {HOME: home, AWS_REGION: 'ap-northeast-1'}});
      expect(answers.choices.region).toBe('ap-northeast-1');
      expect(prompter.messages.get('region')).toMatch(/proposed from AWS_REGION/);
    });

    it("without AWS_REGION proposes the profile's region from the shared config (AWS_PROFILE, AWS_CONFIG_FILE)", async () => {
      writeFileSync(path.join(home, 'config'), '[default]\nregion = eu-west-1\n\n[profile work]\noutput = json\nregion = ap-southeast-2 ; the team region\n');
      const viaEnv = new RecordingPrompter({backend: 'aws', 'aws-cost': true});
      const env = {HOME: home, AWS_CONFIG_FILE: path.join(home, 'config'), AWS_PROFILE: 'work'};
      expect((await askInputs(viaEnv, {choices: defaultChoices(), env})).choices.region).toBe('ap-southeast-2');
      expect(viaEnv.messages.get('region')).toContain(`proposed from profile work in ${path.join(home, 'config')}`);

      // The profile typed in the wizard wins over AWS_PROFILE; ~/.aws/config is the default file.
      mkdirSync(path.join(home, '.aws'));
      writeFileSync(path.join(home, '.aws', 'config'), '[default]\nregion = eu-west-1\n[profile lab]\nregion = sa-east-1\n');
      const typed = new RecordingPrompter({backend: 'aws', profile: 'lab', 'aws-cost': true});
      const answers = await askInputs(typed, {choices: defaultChoices(), env: {HOME: home, AWS_PROFILE: 'work'}});
      expect(answers.choices).toMatchObject({profile: 'lab', region: 'sa-east-1'});
      expect(typed.messages.get('region')).toContain('proposed from profile lab in ~/.aws/config');
      const plain = new RecordingPrompter({backend: 'aws', 'aws-cost': true});
      expect((await askInputs(plain, {choices: defaultChoices(), env: {HOME: home}})).choices.region).toBe('eu-west-1');
    });

    it('with nothing set says so and proposes us-east-1', async () => {
      const prompter = new RecordingPrompter({backend: 'aws', 'aws-cost': true});
      const answers = await askInputs(prompter, {choices: defaultChoices(), env: {HOME: home}});
      expect(answers.choices.region).toBe('us-east-1');
      expect(prompter.messages.get('region')).toMatch(/AWS_REGION is not set and there is no ~\/.aws\/config: us-east-1 proposed/);
    });

    it('asks where the CA hierarchy lives, each option with its cost; local changes the cost question', async () => {
      const prompter = new RecordingPrompter({backend: 'aws', 'ca-source': 'local', 'aws-cost': true});
      const answers = await askInputs(prompter, {choices: defaultChoices(), env: {HOME: home, AWS_REGION: 'us-west-2'}});
      expect(answers).toMatchObject({backend: 'aws', costConfirmed: true, choices: {caSource: 'local'}});
      expect(prompter.offered.get('ca-source')).toEqual([
        "AWS Private CA: 4 CAs × $400 a month, pro rata (the article's way)",
        'this machine: free; the CA keys are files here (API Gateway, ACM, S3 stay real: cents)',
      ]);
      const pca = new RecordingPrompter({backend: 'aws', 'aws-cost': true});
      expect((await askInputs(pca, {choices: defaultChoices(), env: {HOME: home, AWS_REGION: 'us-west-2'}})).choices.caSource).toBe('pca');
    });

    it('with --client-cert-mode acm there is no CA choice: ACM needs a Private CA', async () => {
      const prompter = new RecordingPrompter({backend: 'aws', 'aws-cost': true});
      const answers = await askInputs(prompter, {choices: {...defaultChoices(), clientCertMode: 'acm'}, env: {HOME: home, AWS_REGION: 'us-west-2'}});
      expect(prompter.asked).not.toContain('ca-source');
      expect(answers.choices.caSource).toBeUndefined();
    });
  });
});
