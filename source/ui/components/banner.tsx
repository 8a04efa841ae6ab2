import {Text} from 'ink';
import {wrap} from '../format.js';
import type {UiState} from '../model/ui-state.js';
import {COLOR, SYMBOL} from '../theme.js';
import {currentStep} from './layout.js';

const label = (s: {number?: string; title?: string; id: string} | undefined) => (s ? `${s.number ? `${s.number} ` : ''}${s.title ?? s.id}` : '');

/** The lines under the header that say what the wizard waits for (paused, failed, quitting, questions). */
export function bannerLines(ui: UiState, width: number): {text: string; color?: string}[] {
  const step = currentStep(ui);
  switch (ui.phase) {
    case 'starting':
      return [{text: 'Loading the walkthrough…', color: COLOR.muted}];
    case 'questions':
      return [{text: 'A new walkthrough: a few questions first. Enter accepts each proposal.', color: COLOR.muted}];
    case 'paused': {
      const next = ui.steps.find((s) => s.status !== 'done' && s.status !== 'skipped');
      return [{text: `${SYMBOL.done} ${label(step)} is done. Enter goes on${next ? ` to ${label(next)}` : ''}; q quits (everything is saved).`, color: COLOR.ok}];
    }
    case 'failed':
      return [
        ...wrap(`${SYMBOL.failed} ${label(ui.steps.find((s) => s.id === ui.failure?.stepId) ?? step)} failed: ${ui.failure?.message ?? ''}`, width).slice(0, 6).map((text) => ({text, color: COLOR.error})),
        {text: 'Press r to run it again (nothing made before is made twice), or q to quit and fix the cause first.'},
      ];
    case 'next':
      return [
        {text: `${SYMBOL.done} All steps done. What next? Quit prints the summary and the curl commands.`, color: COLOR.ok},
        // The last action's outcome; a refusal starts with ✗.
        ...(ui.notice ? wrap(ui.notice, width).slice(0, 6).map((text) => ({text, color: ui.notice!.startsWith('✗') ? COLOR.error : undefined})) : []),
      ];
    case 'quitting':
      return [{text: ui.notice ?? 'Quitting…', color: COLOR.warn}];
    default:
      return [];
  }
}

export function Banner({lines}: {readonly lines: readonly {text: string; color?: string}[]}) {
  return (
    <>
      {lines.map((line, i) => (
        <Text key={i} color={line.color} wrap="truncate-end">
          {line.text}
        </Text>
      ))}
    </>
  );
}
