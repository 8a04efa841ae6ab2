import {Box, Text, useInput} from 'ink';
import {type Command, commandFor, type KeyMode} from '../keys.js';
import type {UiState} from '../model/ui-state.js';
import {useTick} from '../hooks/use-tick.js';
import {type TerminalSize, useTerminalSize} from '../hooks/use-terminal-size.js';
import {useUiState} from '../hooks/use-ui-state.js';
import {PromptPane, promptHeight} from '../prompts/prompt-pane.js';
import type {UiStore} from '../store.js';
import {COLOR, SYMBOL, WIDE_COLUMNS} from '../theme.js';
import {Banner, bannerLines} from './banner.js';
import {Footer, HELP_HEIGHT, HelpPane} from './footer.js';
import {History} from './history.js';
import {Panes} from './layout.js';
import {StepsPane} from './steps-pane.js';

export interface AppProps {
  readonly store: UiStore;
  readonly onCommand: (command: Command) => void;
  readonly onAnswer: (value: string | boolean) => void;
  /** Terminal size override (tests; the fake terminal of ink-testing-library is 100 columns). */
  readonly size?: Partial<TerminalSize>;
  /** Clock, injectable for tests. */
  readonly now?: () => number;
}

export function keyMode(ui: UiState): KeyMode {
  if (ui.prompt) return ui.prompt.kind;
  switch (ui.phase) {
    case 'paused':
    case 'failed':
    case 'running':
    case 'quitting':
      return ui.phase;
    case 'complete':
    case 'stopped':
    case 'next':
      return 'done';
    default:
      return 'starting';
  }
}

function Header({ui}: {readonly ui: UiState}) {
  return (
    <Text wrap="truncate-end">
      <Text bold color={COLOR.accent}>mtls-wizard</Text>
      <Text color={COLOR.muted}>
        {ui.backend ? ` · ${ui.backend} backend` : ''} · {ui.stateDir}
      </Text>
    </Text>
  );
}

/** The Ink wizard: finished steps above (static), the live panes, the question or what it waits for, and the keys. */
export function App({store, onCommand, onAnswer, size, now = Date.now}: AppProps) {
  const ui = useUiState(store);
  const terminal = useTerminalSize(size);
  // The last column stays empty: a line that fills it leaves some terminals in a pending-wrap state.
  const columns = Math.max(40, terminal.columns - 1);
  const rows = terminal.rows;
  const isWide = terminal.columns >= WIDE_COLUMNS;
  const frame = useTick(ui.steps.some((s) => s.status === 'running') && ui.phase !== 'complete');
  const mode = keyMode(ui);
  useInput(
    (input, key) => {
      const command = commandFor(input, key, mode);
      if (command) onCommand(command);
    },
    {isActive: !ui.prompt},
  );

  // The last frame: finished steps stay, the panes go; the completion screen or a message is printed below.
  if (ui.phase === 'complete' || ui.phase === 'stopped') {
    return (
      <>
        <History items={ui.history} />
        {ui.phase === 'complete' ? <Text color={COLOR.ok}>{SYMBOL.done} All steps done.</Text> : null}
      </>
    );
  }
  // The first frame, drawn before the engine is even imported: the header and the steps, nothing more.
  // Every component on it is code run for the first time (parsed, compiled, cold), so it is kept small.
  if (ui.phase === 'starting' && !ui.prompt) {
    return (
      <Box flexDirection="column" width={columns}>
        <Header ui={ui} />
        <StepsPane steps={ui.steps} frame={0} now={0} width={Math.min(columns, 60)} isBordered={false} maxLines={Math.max(1, Math.min(ui.steps.length, rows - 3))} />
      </Box>
    );
  }
  const banner = bannerLines(ui, columns);
  // Header, footer, and one spare row: a live region as tall as the terminal makes Ink clear the screen on every frame.
  const reserved = 3 + banner.length + (ui.prompt ? promptHeight(ui.prompt, columns) : 0) + (ui.showHelp ? HELP_HEIGHT : 0);
  return (
    <>
      <History items={ui.history} />
      <Box flexDirection="column" width={columns}>
        <Header ui={ui} />
        {ui.prompt ? <PromptPane prompt={ui.prompt} onAnswer={onAnswer} onCommand={onCommand} /> : null}
        <Banner lines={banner} />
        {ui.showHelp ? <HelpPane /> : null}
        <Panes ui={ui} columns={columns} rows={rows - reserved} isWide={isWide} frame={frame} now={now()} />
        <Footer mode={mode} isWide={isWide} />
      </Box>
    </>
  );
}
