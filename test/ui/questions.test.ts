import {describe, expect, it} from 'vitest';
import {checkDomain, defaultChoices} from '../../source/wizard/inputs.js';
import {askInputs} from '../../source/wizard/questions.js';
import {ENTER, ScriptedPrompter} from './scripted-prompter.js';

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

  it('on aws asks region, profile and the cost; declining the cost goes back to the backend question', async () => {
    const prompter = new ScriptedPrompter({backend: ['aws', ENTER], region: 'eu-west-1', 'aws-cost': ENTER});
    const declined = await askInputs(prompter, {choices: defaultChoices()});
    expect(declined.backend).toBe('local');
    expect(declined.costConfirmed).toBe(false);
    expect(prompter.asked.slice(0, 5)).toEqual(['backend', 'region', 'profile', 'aws-cost', 'backend']);

    const yes = new ScriptedPrompter({backend: 'aws', region: ['moon-1', 'ap-northeast-1'], profile: 'workshop', 'aws-cost': true});
    const accepted = await askInputs(yes, {choices: defaultChoices()});
    expect(accepted).toMatchObject({backend: 'aws', costConfirmed: true, choices: {region: 'ap-northeast-1', profile: 'workshop'}});
    expect(yes.refused.map((r) => r.id)).toEqual(['region']);
  });
});
