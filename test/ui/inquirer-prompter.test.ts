import {PassThrough} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {InquirerPrompter} from '../../source/ui/prompts/inquirer-prompter.js';
import {checkDomain} from '../../source/wizard/inputs.js';
import {waitFor} from './helpers.js';

/** A prompter on fake streams: what it printed so far, and a way to type. */
function harness() {
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  output.on('data', (d: Buffer) => (printed += d.toString()));
  const abort = new AbortController();
  let quit = false;
  const prompter = new InquirerPrompter({signal: abort.signal, onQuit: () => (quit = true), input, output});
  const type = (text: string) => input.write(text);
  // Strip colours and cursor moves so the text can be matched.
  const screen = () => printed.replace(/\u001B\[[0-9;?]*[A-Za-z]/g, '');
  return {prompter, type, screen, abort, isQuit: () => quit};
}

describe('the --plain prompter (@inquirer/prompts)', () => {
  it('Enter takes the proposal; a bad answer is refused with the rule and asked again', async () => {
    const h = harness();
    let answer: string | undefined;
    void h.prompter.text({id: 'domain', message: 'Custom domain of the API', default: 'api.mtls.test', validate: checkDomain}).then((a) => (answer = a));
    await waitFor(() => h.screen().includes('Custom domain of the API'));
    h.type('bad_name.test\r');
    await waitFor(() => h.screen().includes('must not contain underscores'));
    expect(answer).toBeUndefined();
    // Erase what was typed, then Enter: the proposal.
    h.type('\u007F'.repeat('bad_name.test'.length));
    h.type('\r');
    await waitFor(() => answer !== undefined);
    expect(answer).toBe('api.mtls.test');
  });

  it('masks a secret, and Enter keeps the suggestion without ever printing it', async () => {
    const h = harness();
    let answer: string | undefined;
    void h.prompter.text({id: 'p', message: 'Passphrase for client1', default: 'Suggested-Secret-42', isSecret: true}).then((a) => (answer = a));
    await waitFor(() => h.screen().includes('Passphrase for client1'));
    h.type('\r');
    await waitFor(() => answer !== undefined);
    expect(answer).toBe('Suggested-Secret-42');
    expect(h.screen()).not.toContain('Suggested-Secret-42');
  });

  it('picks a choice with the arrows', async () => {
    const h = harness();
    let picked: string | undefined;
    void h.prompter.select({id: 'b', message: 'Where should the walkthrough run?', choices: [{value: 'local', label: 'local'}, {value: 'aws', label: 'aws'}], default: 'local'}).then((v) => (picked = v));
    await waitFor(() => h.screen().includes('Where should the walkthrough run?'));
    h.type('\u001B[B');
    h.type('\r');
    await waitFor(() => picked !== undefined);
    expect(picked).toBe('aws');
  });

  it('Ctrl-C cancels the question and tells the run to stop', async () => {
    const h = harness();
    const asked = h.prompter.confirm({id: 'c', message: 'Go on to the next step?', default: true});
    await waitFor(() => h.screen().includes('Go on to the next step?'));
    h.type('\u0003');
    await expect(asked).rejects.toThrow('stopped by the user');
    expect(h.isQuit()).toBe(true);
  });
});
