/**
 * The Ink wizard's entry. Its first frame (header and the steps, from a raw look at state.json) is drawn
 * before the engine is even imported: plan, steps, pki and zod load behind it. Ink owns stdin for the
 * whole session (questions are Ink inputs through InkPrompter); after unmount the completion screen and
 * any message are printed as plain lines.
 */
import path from 'node:path';
import {render} from 'ink';
import type {IO, Options} from '../app/options.js';
import {EventBus} from '../wizard/events.js';
import {App} from './components/app.js';
import {InkView} from './ink-view.js';
import {completionLines} from './model/completion.js';
import {initialUiState} from './model/ui-state.js';
import {painter} from './paint.js';
import {type Peek, peekState} from './peek.js';
import {createUiStore} from './store.js';

/** React applies a store change in a microtask; unmounting before it would leave the previous frame on screen. */
const settled = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface StartInkOptions {
  /** The look at state.json already taken for the plain-text first frame. */
  readonly peek?: Peek;
  /** Called right before Ink renders (the plain-text first frame goes with Ink's first write). */
  readonly beforeFirstRender?: () => void;
}

export async function startInk(o: Options, io: IO, s: StartInkOptions = {}): Promise<number> {
  const peek = s.peek ?? peekState(o.stateDir);
  const store = createUiStore(initialUiState({stateDir: path.resolve(o.stateDir), steps: peek.steps, backend: peek.backend}));
  const abort = new AbortController();
  const forceQuit = () => {
    // State is written atomically after every transition, so leaving now loses at most the step in progress.
    instance.unmount();
    process.exit(130);
  };
  const view = new InkView(store, abort, forceQuit);
  s.beforeFirstRender?.();
  const instance = render(<App store={store} onCommand={(c) => view.command(c)} onAnswer={(v) => view.prompter.answer(v)} />, {
    exitOnCtrlC: false,
  });
  // A signal from outside (kill -INT, a closing terminal) quits the same way as q.
  const onSignal = () => view.quit();
  process.on('SIGINT', onSignal);
  process.on('SIGHUP', onSignal);

  const bus = new EventBus();
  bus.on((event) => store.dispatch({type: 'event', event, at: Date.now()}));
  try {
    const {runWizardFlow} = await import('../app/flow.js');
    const result = await runWizardFlow({options: o, io, prompter: view.prompter, bus, signal: abort.signal, view});
    if (result.outcome !== 'complete') store.dispatch({type: 'phase', phase: 'stopped'});
    await settled();
    instance.unmount();
    await instance.waitUntilExit();
    const paint = painter(io.env, Boolean(process.stdout.isTTY));
    if (result.completion) for (const line of completionLines(result.completion, paint)) io.stdout(line);
    for (const line of result.message) io.stdout(line);
    return result.exitCode;
  } catch (error) {
    // The live panes go; the error is printed below by the caller.
    store.dispatch({type: 'phase', phase: 'stopped'});
    await settled();
    instance.unmount();
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGHUP', onSignal);
  }
}
