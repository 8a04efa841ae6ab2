/**
 * The line renderer: the runner's events as plain lines, for runs with no terminal, --plain, CI logs and
 * screen readers. Nothing is redrawn; each line stands on its own.
 */
import {commandLine} from '../util/invocation.js';
import type {EventBus, RunnerEvent, StepInfo} from '../wizard/events.js';

const seconds = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);

export interface LineRendererOptions {
  readonly write: (line: string) => void;
  /** Show each step's "why" text (guided runs); off keeps logs short. */
  readonly showWhy?: boolean;
  /** Show backend call timings and detail lines. */
  readonly verbose?: boolean;
  /** Print the closing "walkthrough complete, next…" line (off when a completion screen follows). */
  readonly showSummary?: boolean;
}

export function attachLineRenderer(bus: EventBus, o: LineRendererOptions): () => void {
  let steps: readonly StepInfo[] = [];
  const number = (id: string) => {
    const step = steps.find((s) => s.id === id);
    if (!step) return '';
    const inPart = steps.filter((s) => s.part === step.part);
    return `${step.part}${inPart.indexOf(step) + 1}`;
  };
  const handle = (event: RunnerEvent) => {
    switch (event.type) {
      case 'run-started': {
        steps = event.steps;
        o.write(`mtls-wizard · ${event.backend} backend · state in ${event.stateDir}`);
        const done = steps.filter((s) => s.status === 'done').length;
        if (event.resumeFrom) o.write(`resuming: ${done} of ${steps.length} steps already done; continuing at ${event.resumeFrom}`);
        break;
      }
      case 'step-started':
        o.write('');
        o.write(`[${number(event.stepId)}] ${event.stepId}: ${event.title}`);
        if (o.showWhy !== false) o.write(`     ${event.why}`);
        break;
      case 'log':
        if (event.detail && !o.verbose) break;
        // A message that carries its own mark (✓ or ✗) is not marked twice.
        o.write(`     ${/^[✓✗]/.test(event.message) ? '' : event.level === 'warn' ? '! ' : event.level === 'error' ? '✗ ' : ''}${event.message}`);
        break;
      case 'call':
        if (o.verbose || !event.ok) o.write(`     · ${event.name}${event.detail ? ` (${event.detail})` : ''}: ${event.notReady ? 'not ready yet' : event.ok ? 'ok' : 'failed'} in ${seconds(event.durationMs)}`);
        break;
      case 'waiting':
        o.write(`     … ${event.message}`);
        break;
      case 'step-done': {
        o.write(`     ✓ ${event.stepId} done in ${seconds(event.durationMs)}${event.reused ? ' (nothing new: reused what exists)' : ''}`);
        for (const [key, value] of Object.entries(event.outputs)) o.write(`       ${key}: ${value}`);
        break;
      }
      case 'step-skipped':
        o.write(`     - ${event.stepId} skipped: ${event.reason}`);
        break;
      case 'step-failed':
        o.write(`     ✗ ${event.stepId} failed: ${event.message}`);
        break;
      case 'gateway-request':
        o.write(`     gateway: ${event.status} ${event.path} ${event.accepted ? 'accepted' : 'rejected'}${event.subject ? ` ${event.subject}` : ''}${event.reason ? ` (${event.reason})` : ''}`);
        break;
      case 'run-finished':
        o.write('');
        if (event.ok && event.stoppedAfter) o.write(`stopped after ${event.stoppedAfter}; run \`${commandLine('run')}\` again to continue`);
        else if (event.ok && o.showSummary !== false) o.write(`✓ walkthrough complete. Next: \`${commandLine('gateway')}\` to serve it, \`${commandLine('connect')}\` to check again, \`${commandLine('status')}\` to see everything`);
        else if (event.failedStep) o.write(`✗ stopped at ${event.failedStep}. Fix the cause above, then run \`${commandLine('run')}\` again: it continues from there`);
        break;
      default:
        break;
    }
  };
  return bus.on(handle);
}
