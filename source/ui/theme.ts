/**
 * Colours and symbols of the Ink wizard, in one place. Colours only ever add to meaning: every state also
 * has a symbol or a word, so the wizard reads the same with NO_COLOR, on a projector or in a recording.
 */
import type {StepStatus} from '../state/constants.js';

export const COLOR = {
  accent: 'cyan',
  ok: 'green',
  warn: 'yellow',
  error: 'red',
  muted: 'gray',
  border: 'gray',
  focus: 'cyan',
} as const;

export const SYMBOL = {
  pending: '·',
  done: '✓',
  failed: '✗',
  skipped: '-',
  warn: '!',
  pointer: '›',
  arrow: '→',
  bullet: '•',
  branch: '├─',
  lastBranch: '└─',
  pipe: '│ ',
  gap: '  ',
  ellipsis: '…',
} as const;

/** Spinner frames for a running step (dots keep the column width fixed). */
export const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'] as const;
export const SPINNER_INTERVAL_MS = 100;

export function statusColor(status: StepStatus): string | undefined {
  switch (status) {
    case 'done':
      return COLOR.ok;
    case 'failed':
      return COLOR.error;
    case 'running':
      return COLOR.accent;
    case 'skipped':
    case 'pending':
      return COLOR.muted;
  }
}

export function statusSymbol(status: StepStatus, frame = 0): string {
  if (status === 'running') return SPINNER[frame % SPINNER.length]!;
  return SYMBOL[status];
}

/** Layout thresholds: below WIDE_COLUMNS the panes stack in one column. */
export const WIDE_COLUMNS = 100;
export const MIN_COLUMNS = 80;
