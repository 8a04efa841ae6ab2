import {Box, Text} from 'ink';
import {FOOTER, HELP_LINES, type KeyMode} from '../keys.js';
import {COLOR} from '../theme.js';

/** The keys that work right now (Tab only matters when the panes are stacked). */
export function Footer({mode, isWide}: {readonly mode: KeyMode; readonly isWide: boolean}) {
  const hints = FOOTER[mode].filter((h) => !(isWide && h.key === 'Tab'));
  if (hints.length === 0) return null;
  return (
    <Text wrap="truncate-end">
      {hints.map((h, i) => (
        <Text key={h.key}>
          {i > 0 ? <Text color={COLOR.muted}> · </Text> : null}
          <Text bold color={COLOR.accent}>{h.key}</Text> <Text color={COLOR.muted}>{h.label}</Text>
        </Text>
      ))}
    </Text>
  );
}

export function HelpPane() {
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={COLOR.accent} paddingX={1}>
      <Text bold color={COLOR.accent}>Keys</Text>
      {HELP_LINES.map((line) => (
        <Text key={line}>{line}</Text>
      ))}
      <Text color={COLOR.muted}>Press ? to close.</Text>
    </Box>
  );
}

export const HELP_HEIGHT = HELP_LINES.length + 4;
