import {Text} from 'ink';
import type {State, StepId} from '../../state/schema.js';
import {duration} from '../format.js';
import type {StepRow} from '../model/ui-state.js';
import {COLOR, SYMBOL, statusColor, statusSymbol} from '../theme.js';
import {Pane, paneInset} from './pane.js';

export interface StepsPaneProps {
  readonly steps: readonly StepRow[];
  readonly currentId?: StepId;
  readonly snapshot?: State;
  /** Spinner frame and clock, advanced by the app while a step runs. */
  readonly frame: number;
  readonly now: number;
  readonly width: number;
  readonly isBordered: boolean;
  /** Rows for steps; fewer than the steps shows a window around the current one. */
  readonly maxLines: number;
}

function timing(step: StepRow, snapshot: State | undefined, now: number): string {
  if (step.status === 'running' && step.startedAt !== undefined) return duration(Math.max(0, now - step.startedAt));
  const ms = step.durationMs ?? snapshot?.steps[step.id]?.durationMs;
  if (step.status === 'done' && ms !== undefined) return step.reused ? `${duration(ms)} reused` : duration(ms);
  return step.status === 'failed' ? 'failed' : step.status === 'skipped' ? 'skipped' : '';
}

/** Parts A and B, one line per step: status, number, title, and elapsed time or duration. */
export function StepsPane({steps, currentId, snapshot, frame, now, width, isBordered, maxLines}: StepsPaneProps) {
  const done = steps.filter((s) => s.status === 'done' || s.status === 'skipped').length;
  const inner = width - paneInset(isBordered);
  const at = Math.max(0, steps.findIndex((s) => s.id === currentId));
  const first = Math.max(0, Math.min(at - Math.floor(maxLines / 2), steps.length - maxLines));
  const visible = steps.slice(first, first + Math.max(1, maxLines));
  return (
    <Pane title="Steps" note={`${done} of ${steps.length} done`} width={width} isBordered={isBordered}>
      {visible.map((step) => {
        const isCurrent = step.id === currentId;
        const time = timing(step, snapshot, now);
        const label = `${step.number ? `${step.number} ` : ''}${step.title ?? step.id}`;
        const room = Math.max(8, inner - 4 - time.length - 1);
        const shown = label.length > room ? `${label.slice(0, room - 1)}${SYMBOL.ellipsis}` : label.padEnd(room);
        return (
          <Text key={step.id} wrap="truncate-end">
            <Text color={isCurrent ? COLOR.focus : undefined}>{isCurrent ? SYMBOL.pointer : ' '}</Text>
            <Text color={statusColor(step.status)}>{statusSymbol(step.status, frame)}</Text>{' '}
            <Text bold={isCurrent} color={step.status === 'pending' ? COLOR.muted : undefined}>{shown}</Text>{' '}
            <Text color={step.status === 'failed' ? COLOR.error : COLOR.muted}>{time}</Text>
          </Text>
        );
      })}
    </Pane>
  );
}
