import {Box, Text} from 'ink';
import type {ReactNode} from 'react';
import {COLOR} from '../theme.js';

export interface PaneProps {
  readonly title: string;
  /** Text after the title, dimmed (e.g. "3 of 11"). */
  readonly note?: string;
  readonly width: number;
  /** Bordered in the wide layout; a plain title line when panes stack (every row counts there). */
  readonly isBordered: boolean;
  readonly children: ReactNode;
}

/** A titled pane. Its children are single lines: the caller has already cut them to the rows it may use. */
export function Pane({title, note, width, isBordered, children}: PaneProps) {
  const heading = (
    <Text bold color={COLOR.accent} wrap="truncate-end">
      {title}
      {note ? <Text color={COLOR.muted}> {note}</Text> : null}
    </Text>
  );
  if (!isBordered) {
    return (
      <Box flexDirection="column" width={width}>
        {heading}
        {children}
      </Box>
    );
  }
  return (
    <Box flexDirection="column" width={width} borderStyle="round" borderColor={COLOR.border} paddingX={1}>
      {heading}
      {children}
    </Box>
  );
}

/** Rows a pane's frame takes besides its content lines. */
export const paneChrome = (isBordered: boolean) => (isBordered ? 3 : 1);
/** Columns a pane's frame takes from its width. */
export const paneInset = (isBordered: boolean) => (isBordered ? 4 : 0);

/** Keeps the last `max` items and says how many were cut. */
export function tail<T>(items: readonly T[], max: number): {shown: readonly T[]; hidden: number} {
  if (max <= 0) return {shown: [], hidden: items.length};
  return items.length <= max ? {shown: items, hidden: 0} : {shown: items.slice(-max), hidden: items.length - max};
}
