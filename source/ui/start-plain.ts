/**
 * `mtls-wizard --plain`: the same flow as the Ink wizard, with questions asked line by line by
 * @inquirer/prompts and progress printed by the line renderer. No Ink is loaded.
 */
import {commandLine} from '../util/invocation.js';
import type {IO, Options} from '../app/options.js';
import {CancelledError} from '../errors.js';
import type {State, StepId} from '../state/schema.js';
import {EventBus, type StepInfo} from '../wizard/events.js';
import type {Prompter} from '../wizard/prompter.js';
import {type FlowView, runWizardFlow} from '../app/flow.js';
import {attachLineRenderer} from './line-renderer.js';
import {completionLines} from './model/completion.js';
import {painter} from './paint.js';
import {InquirerPrompter} from './prompts/inquirer-prompter.js';

/** The flow's view as lines; the pause and the retry offer are questions. */
export class PlainView implements FlowView {
  readonly #prompter: Prompter;
  readonly #write: (line: string) => void;
  #shown = false;

  constructor(prompter: Prompter, write: (line: string) => void) {
    this.#prompter = prompter;
    this.#write = write;
  }

  plan(steps: readonly StepInfo[], stateDir: string, backend?: string): void {
    if (this.#shown) return;
    this.#shown = true;
    this.#write(`mtls-wizard${backend ? ` · ${backend} backend` : ''} · ${stateDir}`);
    const count = new Map<string, number>();
    for (const s of steps) {
      count.set(s.part, (count.get(s.part) ?? 0) + 1);
      this.#write(`  ${s.status === 'done' ? '✓' : s.status === 'failed' ? '✗' : '·'} ${s.part}${count.get(s.part)} ${s.title}${s.status === 'pending' ? '' : ` (${s.status})`}`);
    }
  }

  state(_state: State): void {}

  phase(_phase: 'resume' | 'questions' | 'running' | 'next', notice?: string): void {
    if (notice) this.#write(notice);
  }

  async pause(_stepId: StepId): Promise<'continue' | 'stop'> {
    try {
      return (await this.#prompter.confirm({id: 'next-step', message: 'Go on to the next step?', default: true})) ? 'continue' : 'stop';
    } catch (error) {
      if (error instanceof CancelledError) return 'stop';
      throw error;
    }
  }

  async failed(_stepId: StepId | undefined, _message: string): Promise<'retry' | 'quit'> {
    try {
      return await this.#prompter.select({
        id: 'after-failure',
        message: 'The step failed (see above). What now?',
        choices: [
          {value: 'retry', label: 'Run it again', hint: 'nothing made before is made twice'},
          {value: 'quit', label: 'Quit', hint: `fix the cause, then run ${commandLine('')} again`},
        ],
        default: 'retry',
      });
    } catch (error) {
      if (error instanceof CancelledError) return 'quit';
      throw error;
    }
  }

  complete(): void {}
}

export async function startPlain(o: Options, io: IO): Promise<number> {
  const abort = new AbortController();
  const prompter = new InquirerPrompter({signal: abort.signal, onQuit: () => abort.abort()});
  const bus = new EventBus();
  attachLineRenderer(bus, {write: io.stdout, showSummary: false});
  const view = new PlainView(prompter, io.stdout);
  // Ctrl-C while a step runs (no prompt open): stop after the step; a second one leaves at once.
  const onSignal = () => {
    if (abort.signal.aborted) process.exit(130);
    io.stderr('stopping after the current step; everything is saved (Ctrl-C again quits at once)');
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  try {
    const result = await runWizardFlow({options: o, io, prompter, bus, signal: abort.signal, view});
    const paint = painter(io.env, Boolean(process.stdout.isTTY));
    if (result.completion) for (const line of completionLines(result.completion, paint)) io.stdout(line);
    for (const line of result.message) io.stdout(line);
    return result.exitCode;
  } finally {
    process.off('SIGINT', onSignal);
  }
}
