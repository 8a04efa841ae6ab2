import {Static, Text} from 'ink';
import type {HistoryItem} from '../model/ui-state.js';
import {COLOR, statusColor, statusSymbol} from '../theme.js';

/** Finished steps, written once above the live panes and never redrawn (Ink's <Static>). */
export function History({items}: {readonly items: readonly HistoryItem[]}) {
  return (
    <Static items={[...items]}>
      {(item) => (
        <Text key={item.key}>
          <Text color={statusColor(item.status)}>{statusSymbol(item.status)}</Text> {item.number ? `${item.number} ` : ''}
          {item.title}
          {item.detail ? <Text color={COLOR.muted}> · {item.detail}</Text> : null}
        </Text>
      )}
    </Static>
  );
}
