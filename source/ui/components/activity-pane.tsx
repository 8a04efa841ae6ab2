import {Text} from 'ink';
import {clock, duration} from '../format.js';
import type {ActivityLine} from '../model/ui-state.js';
import {COLOR, SYMBOL} from '../theme.js';
import {Pane, tail} from './pane.js';

export interface ActivityPaneProps {
  readonly lines: readonly ActivityLine[];
  readonly width: number;
  readonly isBordered: boolean;
  readonly maxLines: number;
  /** Show the time of day in front of each line (wide layout). */
  readonly hasClock: boolean;
}

const look: Record<ActivityLine['level'], {mark: string; color?: string}> = {
  info: {mark: ' '},
  call: {mark: SYMBOL.bullet, color: COLOR.muted},
  wait: {mark: SYMBOL.ellipsis, color: COLOR.accent},
  warn: {mark: SYMBOL.warn, color: COLOR.warn},
  error: {mark: SYMBOL.failed, color: COLOR.error},
};

/** A bounded tail of what is happening: backend calls with their duration, waits, and what the steps report. */
export function ActivityPane({lines, width, isBordered, maxLines, hasClock}: ActivityPaneProps) {
  const {shown, hidden} = tail(lines, maxLines);
  return (
    <Pane title="Activity" note={hidden > 0 ? `last ${shown.length} of ${lines.length}` : undefined} width={width} isBordered={isBordered}>
      {shown.length === 0 ? <Text color={COLOR.muted}>Nothing yet.</Text> : null}
      {shown.map((line) => {
        const {mark, color} = look[line.level];
        return (
          <Text key={line.seq} wrap="truncate-end">
            {hasClock ? <Text color={COLOR.muted}>{clock(line.at)} </Text> : null}
            <Text color={color}>{mark}</Text> <Text color={line.level === 'warn' || line.level === 'error' ? color : undefined}>{line.text}</Text>
            {line.durationMs !== undefined ? <Text color={COLOR.muted}> {duration(line.durationMs)}</Text> : null}
          </Text>
        );
      })}
    </Pane>
  );
}
