import {Text} from 'ink';
import type {ReactElement} from 'react';
import {duration, wrap} from '../format.js';
import type {Pair} from '../model/step-inputs.js';
import type {CheckLine, StepRow} from '../model/ui-state.js';
import {COLOR, SYMBOL} from '../theme.js';
import {Pane, paneInset} from './pane.js';

export interface CurrentStepPaneProps {
  readonly step?: StepRow;
  readonly inputs: readonly Pair[];
  readonly outputs: Readonly<Record<string, string>>;
  readonly checks: readonly CheckLine[];
  readonly now: number;
  readonly width: number;
  readonly isBordered: boolean;
  /** Content lines it may use. */
  readonly maxLines: number;
}

function state(step: StepRow, now: number): string {
  switch (step.status) {
    case 'running':
      return step.startedAt === undefined ? 'running' : `running ${duration(Math.max(0, now - step.startedAt))}`;
    case 'done':
      return step.durationMs === undefined ? 'done' : `done in ${duration(step.durationMs)}`;
    default:
      return step.status;
  }
}

function pairs(label: string, list: readonly Pair[], keyWidth: number): ReactElement[] {
  if (list.length === 0) return [];
  return [
    <Text key={`${label}-h`} color={COLOR.muted}>{label}</Text>,
    ...list.map(([k, v]) => (
      <Text key={`${label}-${k}`} wrap="truncate-end">
        {'  '}
        {k.padEnd(keyWidth)} {v}
      </Text>
    )),
  ];
}

/** What the step does and why, what it takes, and what it produced so far. */
export function CurrentStepPane({step, inputs, outputs, checks, now, width, isBordered, maxLines}: CurrentStepPaneProps) {
  const inner = width - paneInset(isBordered);
  if (!step) {
    return (
      <Pane title="Current step" width={width} isBordered={isBordered}>
        <Text color={COLOR.muted}>Nothing is running yet.</Text>
      </Pane>
    );
  }
  const outputList = Object.entries(outputs);
  const keyWidth = Math.min(24, Math.max(0, ...[...inputs, ...outputList].map(([k]) => k.length)));
  const why = wrap(step.why ?? '', inner).slice(0, 4);
  const head: ReactElement[] = [
    ...why.map((line, i) => <Text key={`why-${i}`}>{line}</Text>),
    ...(step.error ? wrap(`${SYMBOL.failed} ${step.error}`, inner).slice(0, 4).map((line, i) => <Text key={`err-${i}`} color={COLOR.error}>{line}</Text>) : []),
  ];
  const produced: ReactElement[] = [
    ...pairs('Outputs', outputList, keyWidth),
    ...checks.map((c) => (
      <Text key={`check-${c.name}`} color={c.ok ? COLOR.ok : COLOR.error} wrap="truncate-end">
        {'  '}
        {c.ok ? SYMBOL.done : SYMBOL.failed} {c.name}: HTTP {c.httpStatus || '000'} (expected {c.expected}){c.reason && !c.ok ? ` ${c.reason}` : ''}
      </Text>
    )),
  ];
  const taken = pairs('Inputs', inputs, keyWidth);
  // Reading order when it all fits; when rows are short, what the step produced beats what it took.
  const lines = head.length + produced.length + taken.length <= maxLines ? [...head, ...taken, ...produced] : [...head, ...produced, ...taken];
  const shown = lines.length > maxLines ? [...lines.slice(0, Math.max(0, maxLines - 1)), <Text key="more" color={COLOR.muted}>{SYMBOL.ellipsis}</Text>] : lines;
  return (
    <Pane title={`${step.number ? `${step.number} ` : ''}${step.title ?? step.id}`} note={state(step, now)} width={width} isBordered={isBordered}>
      {shown}
    </Pane>
  );
}
