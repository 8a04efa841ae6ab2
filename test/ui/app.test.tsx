import {cleanup, render} from 'ink-testing-library';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {App} from '../../source/ui/components/app.js';
import {InkView} from '../../source/ui/ink-view.js';
import {initialUiState} from '../../source/ui/model/ui-state.js';
import {peekState} from '../../source/ui/peek.js';
import {createUiStore} from '../../source/ui/store.js';
import type {RunnerEvent} from '../../source/wizard/events.js';
import {defaultChoices} from '../../source/wizard/inputs.js';
import {stepInfos} from '../../source/wizard/plan.js';
import {askInputs} from '../../source/wizard/questions.js';
import {type Walkthrough, realWalkthrough} from './fixtures.js';
import {KEY, press, waitFor, waitForFrame} from './helpers.js';

const NOW = Date.parse('2026-05-01T10:00:00Z');

function mount(o: {columns?: number; rows?: number; stateDir?: string} = {}) {
  const stateDir = o.stateDir ?? '/nonexistent/mtls-wizard-ui-test';
  const store = createUiStore(initialUiState({stateDir, steps: peekState(stateDir).steps}));
  const abort = new AbortController();
  let forcedQuit = false;
  const view = new InkView(store, abort, () => (forcedQuit = true));
  const instance = render(
    <App store={store} onCommand={(c) => view.command(c)} onAnswer={(v) => view.prompter.answer(v)} size={{columns: o.columns ?? 120, rows: o.rows ?? 40}} now={() => NOW} />,
  );
  const emit = (event: RunnerEvent) => store.dispatch({type: 'event', event, at: NOW});
  return {store, view, abort, instance, emit, forcedQuit: () => forcedQuit};
}

let full: Walkthrough;
beforeAll(async () => {
  full = await realWalkthrough();
});
afterAll(() => full?.remove());
afterEach(() => cleanup());

describe('first screen', () => {
  it('lists every step before the engine is loaded, then shows their numbers and titles', async () => {
    const {instance, view} = mount();
    let frame = await waitForFrame(instance, 'Steps');
    for (const id of ['root-ca', 'intermediate-ca', 'api', 'custom-domain', 'mtls', 'client-cert', 'connect', 'second-chain', 'truststore-update', 'client-cert-2', 'connect-2']) {
      expect(frame).toContain(id);
    }
    view.plan(stepInfos(undefined), '/tmp/somewhere', 'local');
    frame = await waitForFrame(instance, 'A1 Create the root CA');
    expect(frame).toContain('B4 Connect with both clients');
    expect(frame).toContain('0 of 11 done');
  });

  it('shows what a started walkthrough has done, read straight from its state file', async () => {
    const half = await realWalkthrough('api');
    try {
      const {instance} = mount({stateDir: half.dir});
      const frame = await waitForFrame(instance, 'Steps');
      const rows = frame.split('\n');
      const row = (id: string) => rows.find((line) => line.includes(` ${id} `) || line.endsWith(` ${id}`)) ?? '';
      expect(row('root-ca')).toContain('✓');
      expect(row('api')).toContain('✓');
      expect(row('custom-domain')).toContain('·');
    } finally {
      await half.remove();
    }
  });
});

describe('live panes', () => {
  it('follow the runner: steps, activity tail, resources tree with truststore, gateway requests, history', async () => {
    const {instance, view, emit} = mount({columns: 160, rows: 60});
    view.plan(stepInfos(undefined), full.dir, 'local');
    for (const event of full.events) emit(event);
    view.state(full.state);
    const frame = await waitForFrame(instance, '11 of 11 done');
    // Finished steps were written once, above the panes.
    expect(frame).toMatch(/✓ A1 Create the root CA · \d+/);
    // Activity: the latest lines, with backend call durations.
    expect(frame).toContain('untrusted-ca: HTTP 403 (expected 403)');
    // Gateway: each request, accepted or rejected and why.
    expect(frame).toMatch(/✓ 200 accepted CN=client2/);
    expect(frame).toMatch(/✗ 403 rejected CN=outsider/);
    // Resources: rootCA → intermediateCA0; rootCA → intermediateCA1 → intermediateCA2.
    const fp = (name: string) => full.state.cas[name]!.fingerprint!.slice(0, 8);
    expect(frame).toContain(`✓ rootCA  ${fp('rootCA')}`);
    expect(frame).toContain(`├─ ✓ intermediateCA0  ${fp('intermediateCA0')}`);
    expect(frame).toContain(`└─ ✓ intermediateCA1  ${fp('intermediateCA1')}`);
    expect(frame).toMatch(new RegExp(` {3}└─ ✓ intermediateCA2  ${fp('intermediateCA2')}`));
    expect(frame).toContain(`pinned version ${full.state.truststore!.pinnedVersion}`);
    expect(frame).toContain('4 certificates');
    expect(frame).toContain(`CN=intermediateCA2  ${fp('intermediateCA2')} until ${full.state.cas['intermediateCA2']!.notAfter!.slice(0, 10)}`);
    expect(frame).toContain('✓ client2 ← intermediateCA2');
  });

  it('shows the running step with a spinner, its elapsed time, why it exists and what it takes', async () => {
    const {instance, view, emit} = mount();
    view.plan(stepInfos(undefined), full.dir, 'local');
    view.state(full.state);
    emit({type: 'step-started', stepId: 'mtls', title: 'Turn on mTLS with a truststore', why: 'x', at: NOW - 1500});
    const frame = await waitForFrame(instance, 'running 1.5 s');
    expect(frame).toContain('API Gateway does');
    expect(frame).toContain('intermediateCA0 + rootCA');
    emit({type: 'output', stepId: 'mtls', key: 'truststore version', value: 'v-123'});
    await waitForFrame(instance, (f) => /truststore version +v-123/.test(f));
  });

  it('never draws a live region taller or wider than the terminal, so Ink never has to clear the screen', async () => {
    for (const [columns, rows] of [[80, 24], [120, 40], [100, 30], [100, 24], [80, 16]] as const) {
      for (const withQuestion of [false, true]) {
        const {instance, view, emit} = mount({columns, rows});
        view.plan(stepInfos(undefined), full.dir, 'local');
        // Everything but the finished-step lines (those go above, in <Static>).
        for (const event of full.events) if (event.type !== 'step-done') emit(event);
        view.state(full.state);
        if (withQuestion) void view.prompter.select({id: 'b', message: 'Where should the walkthrough run?', choices: [{value: 'local', label: 'local', hint: 'no AWS account, no cost, offline'}, {value: 'aws', label: 'aws'}], default: 'local'}).catch(() => undefined);
        // The last event and the question are drawn: everything dispatched is on screen.
        const frame = await waitForFrame(instance, (f) => f.includes('B4 Connect') && (!withQuestion || f.includes('Where should')));
        const lines = frame.split('\n');
        expect(lines.length, `${columns}×${rows}${withQuestion ? ' with a question' : ''}:\n${frame}`).toBeLessThan(rows);
        for (const line of lines) expect(line.length).toBeLessThanOrEqual(columns);
        cleanup();
      }
    }
  });

  it('stacks the panes below 100 columns, and Tab picks the detail pane', async () => {
    const {instance, view, emit} = mount({columns: 80, rows: 40});
    view.plan(stepInfos(undefined), full.dir, 'local');
    for (const event of full.events) emit(event);
    view.state(full.state);
    let frame = await waitForFrame(instance, 'Activity');
    expect(frame).not.toContain('╮╭');
    expect(frame).not.toContain('Resources');
    frame = await press(instance, KEY.tab, 'Resources');
    expect(frame).toContain('intermediateCA2');
    frame = await press(instance, KEY.tab, 'Gateway');
    expect(frame).toContain('rejected');
  });
});

describe('questions', () => {
  it('Enter at every question of a new walkthrough gives the article defaults', async () => {
    const {instance, view} = mount();
    let answers: Awaited<ReturnType<typeof askInputs>> | undefined;
    void askInputs(view.prompter, {choices: defaultChoices()}).then((a) => (answers = a));
    for (const question of ['Where should the walkthrough run?', 'Key algorithm', 'Name of the root CA', 'Name of the intermediate CA under rootCA', 'upper CA of the second chain', 'lower CA of the second chain', 'Validity of rootCA in days', 'Validity of the intermediate CAs', 'Validity of the client certificates', 'Custom domain of the API', 'Resource path of the API method']) {
      await waitForFrame(instance, question);
      await press(instance, KEY.enter, (f) => !f.includes(question));
    }
    await waitFor(() => answers !== undefined);
    expect(answers).toEqual({backend: 'local', choices: defaultChoices(), costConfirmed: false});
  });

  it('refuses a bad answer in place with the rule it broke, and Enter then accepts the proposal', async () => {
    const {instance, view} = mount();
    let answer: string | undefined;
    void view.prompter.text({id: 'domain', message: 'Custom domain of the API', default: 'api.mtls.test', validate: (v) => (v.includes('_') ? 'must not contain underscores' : undefined)}).then((a) => (answer = a));
    await waitForFrame(instance, 'Enter: api.mtls.test');
    for (const ch of 'my_api.test') await press(instance, ch);
    let frame = await press(instance, KEY.enter, 'must not contain underscores');
    expect(frame).toContain('my_api.test');
    expect(answer).toBeUndefined();
    frame = await press(instance, KEY.escape, (f) => !f.includes('my_api.test'));
    await press(instance, KEY.enter, (f) => !f.includes('Custom domain of the API'));
    await waitFor(() => answer !== undefined);
    expect(answer).toBe('api.mtls.test');
  });

  it('masks a secret: neither the suggestion nor what is typed appears on screen', async () => {
    const {instance, view} = mount();
    let answer: string | undefined;
    void view.prompter.text({id: 'pass', message: 'Passphrase for client1', default: 'Suggested-Secret-42', isSecret: true}).then((a) => (answer = a));
    await waitForFrame(instance, 'Enter keeps the generated one');
    for (const ch of 'typed-pass') await press(instance, ch);
    const frame = await waitForFrame(instance, '••••••••••');
    expect(frame).not.toContain('typed-pass');
    expect(instance.frames.join('')).not.toContain('Suggested-Secret-42');
    await press(instance, KEY.enter, (f) => !f.includes('Passphrase for client1'));
    await waitFor(() => answer !== undefined);
    expect(answer).toBe('typed-pass');
  });

  it('moves through choices with the arrows and answers yes/no with y, n or Enter', async () => {
    const {instance, view} = mount();
    let picked: string | undefined;
    void view.prompter.select({id: 'b', message: 'Where should the walkthrough run?', choices: [{value: 'local', label: 'local'}, {value: 'aws', label: 'aws'}], default: 'local'}).then((v) => (picked = v));
    await waitForFrame(instance, '› local');
    await press(instance, KEY.down, '› aws');
    await press(instance, KEY.enter, (f) => !f.includes('Where should'));
    await waitFor(() => picked !== undefined);
    expect(picked).toBe('aws');
    let sure: boolean | undefined;
    void view.prompter.confirm({id: 'c', message: 'Start over?', default: false}).then((v) => (sure = v));
    await waitForFrame(instance, 'y/N');
    await press(instance, KEY.enter, (f) => !f.includes('Start over?'));
    await waitFor(() => sure !== undefined);
    expect(sure).toBe(false);
  });
});

describe('keys', () => {
  it('pauses after a step until Enter, and q quits from there with the run stopped', async () => {
    const {instance, view, abort, emit} = mount();
    view.plan(stepInfos(undefined), full.dir, 'local');
    emit({type: 'step-started', stepId: 'root-ca', title: 't', why: 'w', at: NOW - 10});
    emit({type: 'step-done', stepId: 'root-ca', durationMs: 37, outputs: {}, reused: false});
    let choice: string | undefined;
    void view.pause('root-ca').then((c) => (choice = c));
    await waitForFrame(instance, 'Enter goes on to A2 Create the intermediate CA');
    await press(instance, KEY.enter);
    await waitFor(() => choice !== undefined);
    expect(choice).toBe('continue');

    choice = undefined;
    void view.pause('intermediate-ca').then((c) => (choice = c));
    await waitForFrame(instance, 'Enter goes on');
    const frame = await press(instance, 'q', 'Quitting');
    await waitFor(() => choice !== undefined);
    expect(choice).toBe('stop');
    expect(abort.signal.aborted).toBe(true);
    expect(frame).toContain('Ctrl-C');
  });

  it('Ctrl-C quits even while a question is open: the question is cancelled, a second Ctrl-C leaves at once', async () => {
    const {instance, view, abort, forcedQuit} = mount();
    const asked = view.prompter.text({id: 'd', message: 'Custom domain of the API', default: 'api.mtls.test'});
    const rejection = expect(asked).rejects.toThrow('stopped by the user');
    await waitForFrame(instance, 'Custom domain of the API');
    await press(instance, KEY.ctrlC, 'Quitting');
    await rejection;
    expect(abort.signal.aborted).toBe(true);
    instance.stdin.write(KEY.ctrlC);
    await waitFor(forcedQuit);
  });

  it('shows a failed step with its error, and r runs it again', async () => {
    const {instance, view, emit} = mount();
    view.plan(stepInfos(undefined), full.dir, 'local');
    emit({type: 'step-started', stepId: 'mtls', title: 't', why: 'w', at: NOW});
    emit({type: 'step-failed', stepId: 'mtls', message: 'cannot read the certificate of intermediateCA0: ENOENT'});
    let choice: string | undefined;
    void view.failed('mtls', 'cannot read the certificate of intermediateCA0: ENOENT').then((c) => (choice = c));
    const frame = await waitForFrame(instance, 'Press r to run it again');
    expect(frame).toContain('A5 Turn on mTLS with a truststore failed: cannot read the certificate of intermediateCA0');
    expect(frame).toContain('r retry the step');
    await press(instance, 'r');
    await waitFor(() => choice !== undefined);
    expect(choice).toBe('retry');
  });

  it('? shows the keys and hides them again; the footer always lists the keys that work now', async () => {
    const {instance, view} = mount();
    view.plan(stepInfos(undefined), full.dir, 'local');
    void view.pause('root-ca');
    let frame = await waitForFrame(instance, 'Enter next step');
    expect(frame).toContain('q quit (saved)');
    frame = await press(instance, '?', 'Keys');
    expect(frame).toContain('quit at any moment');
    expect(frame).toContain('so far is saved, and running mtls-wizard again continues where it stopped');
    frame = await press(instance, '?', (f) => !f.includes('Press ? to close'));
  });
});
