/**
 * The wizard's flow on the real local backend, driven as a person would: answers through the Prompter
 * port, the pause after each step, quit, resume, start over, retry. Real keys, real files, real curl.
 */
import {execFile} from 'node:child_process';
import {copyFile, readFile, rm, stat} from 'node:fs/promises';
import path from 'node:path';
import {promisify} from 'node:util';
import {describe, expect, it} from 'vitest';
import {startLocalGateway} from '../../source/backends/local/serve.js';
import type {IO} from '../../source/commands/io.js';
import {type Options, parseOptions} from '../../source/commands/options.js';
import {CancelledError} from '../../source/errors.js';
import type {State, StepId} from '../../source/state/schema.js';
import {StateStore} from '../../source/state/store.js';
import {type FlowView, runWizardFlow} from '../../source/app/flow.js';
import {type CompletionModel, completionLines} from '../../source/ui/model/completion.js';
import {EventBus, type RunnerEvent} from '../../source/wizard/events.js';
import {tempDir} from '../helpers/temp.js';
import {freePort} from '../helpers/wait.js';
import {ENTER, ScriptedPrompter} from './scripted-prompter.js';

const sh = promisify(execFile);

class RecordingView implements FlowView {
  readonly pauses: StepId[] = [];
  readonly failures: {stepId?: StepId; message: string}[] = [];
  completion?: CompletionModel;
  constructor(
    readonly onPause: (id: StepId) => Promise<'continue' | 'stop'> | 'continue' | 'stop' = () => 'continue',
    readonly onFailed: (id: StepId | undefined, message: string) => Promise<'retry' | 'quit'> = async () => 'quit',
  ) {}
  plan(): void {}
  state(_state: State): void {}
  phase(): void {}
  async pause(id: StepId) {
    this.pauses.push(id);
    return this.onPause(id);
  }
  async failed(stepId: StepId | undefined, message: string) {
    this.failures.push({stepId, message});
    return this.onFailed(stepId, message);
  }
  complete(model: CompletionModel): void {
    this.completion = model;
  }
}

async function session(dir: string, prompter: ScriptedPrompter, view: RecordingView, flags: string[] = []) {
  const parsed = await parseOptions(['--state-dir', dir, ...flags], {});
  // A free port: other tests run gateways too.
  const options: Options = {...parsed, choices: {...parsed.choices, port: await freePort()}};
  const out: string[] = [];
  const io: IO = {stdout: (t) => out.push(t), stderr: (t) => out.push(t), env: {}, interactive: true};
  const bus = new EventBus();
  const events: RunnerEvent[] = [];
  bus.on((e) => events.push(e));
  const result = await runWizardFlow({options, io, prompter, bus, signal: new AbortController().signal, view});
  return {result, events, state: (await new StateStore(dir).load())!};
}

const ALL: StepId[] = ['root-ca', 'intermediate-ca', 'api', 'custom-domain', 'mtls', 'client-cert', 'connect', 'second-chain', 'truststore-update', 'client-cert-2', 'connect-2'];

describe('the wizard flow', () => {
  it('Enter at every question and pause completes the walkthrough, and the printed curl commands work as printed', async () => {
    const dir = await tempDir();
    const prompter = new ScriptedPrompter();
    const view = new RecordingView();
    const {result, state} = await session(dir, prompter, view);
    expect(result.outcome).toBe('complete');
    // A pause after every step but the last, which leads straight to the completion screen.
    expect(view.pauses).toEqual(ALL.slice(0, -1));
    // The passphrases were offered (masked, with a generated suggestion) and Enter kept the suggestion.
    expect(prompter.asked).toContain('passphrase-client1');
    expect(prompter.asked).toContain('passphrase-client2');
    // The completion offers the next actions; Enter takes the proposal, Quit.
    expect(prompter.asked.at(-1)).toBe('next-action');
    const passFile = path.join(dir, state.clients['client1']!.passphraseFile!);
    expect((await stat(passFile)).mode & 0o777).toBe(0o600);
    const passphrase = (await readFile(passFile, 'utf8')).trim();

    const lines = completionLines(result.completion!);
    const text = lines.join('\n');
    expect(text).toContain('└─ intermediateCA1');
    expect(text).toContain(`pinned version ${state.truststore!.pinnedVersion}`);
    expect(text).toContain(`mtls-wizard gateway --state-dir ${dir}`);
    expect(text).toContain(`mtls-wizard diagram --state-dir ${dir} --out setup.svg`);
    expect(text).not.toContain(passphrase);
    const commands = lines.map((l) => l.trim()).filter((l) => l.startsWith('curl -v'));
    expect(commands).toHaveLength(3);
    expect(commands[0]).toMatch(/^curl -v --key \S+client1\/key\.pem --cert \S+client1\/certificate\.pem --pass "\$\(cat \S+passphrase\.txt\)" --resolve \S+ --cacert \S+ https:\/\//);

    // Paste them into a shell against the real gateway: both clients get in, no certificate gets 403.
    const gateway = await startLocalGateway(dir, state, {port: state.inputs.port});
    try {
      const run = async (command: string) => (await sh('sh', ['-c', `${command.replace(/^curl -v/, 'curl -sS')} -w ' HTTP%{http_code}'`])).stdout;
      expect(await run(commands[0]!)).toMatch(/"subjectDN":"CN=client1".* HTTP200$/);
      expect(await run(commands[1]!)).toMatch(/"subjectDN":"CN=client2".* HTTP200$/);
      expect(await run(commands[2]!)).toMatch(/Forbidden.* HTTP403$/);
    } finally {
      await gateway.close();
    }
  });

  it('quitting at a pause keeps everything; the next session offers to continue and redoes nothing', async () => {
    const dir = await tempDir();
    const first = await session(dir, new ScriptedPrompter(), new RecordingView((id) => (id === 'api' ? 'stop' : 'continue')));
    expect(first.result.outcome).toBe('quit');
    expect(first.result.message.join(' ')).toContain('to continue at A4 Set up the custom domain');
    const rootBefore = first.state.cas['rootCA']!.fingerprint;
    const keyBefore = await readFile(path.join(dir, 'cas/rootCA/key.pem'), 'utf8');

    const prompter = new ScriptedPrompter({resume: ENTER});
    const view = new RecordingView();
    const second = await session(dir, prompter, view);
    expect(second.result.outcome).toBe('complete');
    expect(prompter.asked[0]).toBe('resume');
    expect(prompter.asked).not.toContain('backend');
    expect(view.pauses[0]).toBe('custom-domain');
    // Nothing done before was done again.
    expect(second.events.filter((e) => e.type === 'step-started').map((e) => (e as {stepId: string}).stepId)).toEqual(ALL.slice(3));
    expect(second.state.cas['rootCA']!.fingerprint).toBe(rootBefore);
    expect(await readFile(path.join(dir, 'cas/rootCA/key.pem'), 'utf8')).toBe(keyBefore);
  });

  it('start over removes the old walkthrough (after a confirmation) and asks the questions again', async () => {
    const dir = await tempDir();
    const first = await session(dir, new ScriptedPrompter(), new RecordingView((id) => (id === 'intermediate-ca' ? 'stop' : 'continue')));
    // "No" to the confirmation comes back to the offer; then yes.
    const prompter = new ScriptedPrompter({resume: ['start-over', 'start-over'], 'start-over': [false, true], domain: 'api.again.test'});
    const second = await session(dir, prompter, new RecordingView((id) => (id === 'root-ca' ? 'stop' : 'continue')));
    expect(prompter.asked.slice(0, 5)).toEqual(['resume', 'start-over', 'resume', 'start-over', 'backend']);
    expect(second.state.walkthroughId).not.toBe(first.state.walkthroughId);
    expect(second.state.inputs.domain).toBe('api.again.test');
    expect(second.state.cas['rootCA']!.fingerprint).not.toBe(first.state.cas['rootCA']!.fingerprint);
    expect(second.state.cas['intermediateCA0']).toBeUndefined();
  });

  it('shows a failed step and retries it once the cause is fixed', async () => {
    const dir = await tempDir();
    const cert = () => path.join(dir, 'cas/intermediateCA0/certificate.pem');
    const backup = path.join(dir, 'saved.pem');
    const view = new RecordingView(
      // Break the walkthrough at the pause after custom-domain: the mtls step then cannot read the CA.
      async (id) => {
        if (id === 'custom-domain') {
          await copyFile(cert(), backup);
          await rm(cert());
        }
        return 'continue' as const;
      },
      // The person fixes the cause, then presses r.
      async () => {
        await copyFile(backup, cert());
        return 'retry' as const;
      },
    );
    const {result, state} = await session(dir, new ScriptedPrompter(), view);
    expect(view.failures).toHaveLength(1);
    expect(view.failures[0]!.stepId).toBe('mtls');
    expect(view.failures[0]!.message).toContain('intermediateCA0');
    expect(result.outcome).toBe('complete');
    expect(state.steps['mtls']!.status).toBe('done');
  });

  it('quitting during the questions leaves no walkthrough behind', async () => {
    const dir = await tempDir();
    const prompter = new ScriptedPrompter();
    prompter.onAsk = (id) => {
      if (id === 'domain') throw new CancelledError();
    };
    const {result} = await session(dir, prompter, new RecordingView()).catch(() => ({result: undefined}));
    expect(result?.outcome).toBe('quit');
    expect(await new StateStore(dir).load()).toBeUndefined();
  });
});
