/**
 * Every key binding of the Ink wizard: what a key does in each mode, the footer hints and the help text.
 * Nothing else in ui/ compares key codes, so changing a binding touches only this file.
 */
import {commandLine} from '../util/invocation.js';
import type {Key} from 'ink';

/** What the person can be doing right now; it decides what a key means. */
export type KeyMode = 'starting' | 'running' | 'paused' | 'failed' | 'text' | 'select' | 'confirm' | 'quitting' | 'done';

export type Command =
  | 'next'
  | 'quit'
  | 'force-quit'
  | 'retry'
  | 'help'
  | 'cycle-pane'
  | 'up'
  | 'down'
  | 'submit'
  | 'yes'
  | 'no'
  | 'erase'
  | 'clear';

export interface Hint {
  readonly key: string;
  readonly label: string;
}

/** Maps a key press to a command in a mode; undefined means "not a command" (text fields then type it). */
export function commandFor(input: string, key: Key, mode: KeyMode): Command | undefined {
  if (key.ctrl && input === 'c') return mode === 'quitting' ? 'force-quit' : 'quit';
  if (mode === 'text') {
    if (key.return) return 'submit';
    if (key.backspace || key.delete) return 'erase';
    if (key.escape) return 'clear';
    return undefined;
  }
  if (key.tab) return 'cycle-pane';
  if (input === '?') return 'help';
  if (mode === 'quitting' || mode === 'done') return undefined;
  if (input === 'q') return 'quit';
  switch (mode) {
    case 'paused':
      return key.return || input === ' ' ? 'next' : undefined;
    case 'failed':
      return input === 'r' ? 'retry' : undefined;
    case 'select':
      if (key.upArrow || input === 'k') return 'up';
      if (key.downArrow || input === 'j') return 'down';
      return key.return ? 'submit' : undefined;
    case 'confirm':
      if (input === 'y' || input === 'Y') return 'yes';
      if (input === 'n' || input === 'N') return 'no';
      return key.return ? 'submit' : undefined;
    default:
      return undefined;
  }
}

const QUIT: Hint = {key: 'q', label: 'quit (saved)'};
const HELP: Hint = {key: '?', label: 'help'};

export const FOOTER: Record<KeyMode, readonly Hint[]> = {
  starting: [QUIT, HELP],
  running: [QUIT, {key: 'Tab', label: 'next pane'}, HELP],
  paused: [{key: 'Enter', label: 'next step'}, QUIT, {key: 'Tab', label: 'next pane'}, HELP],
  failed: [{key: 'r', label: 'retry the step'}, QUIT, HELP],
  text: [{key: 'Enter', label: 'accept'}, {key: 'Esc', label: 'back to the default'}, {key: 'Ctrl-C', label: 'quit (saved)'}],
  select: [{key: '↑↓', label: 'choose'}, {key: 'Enter', label: 'accept'}, QUIT, HELP],
  confirm: [{key: 'y/n', label: 'answer'}, {key: 'Enter', label: 'accept the default'}, QUIT, HELP],
  quitting: [{key: 'Ctrl-C', label: 'quit now'}],
  done: [],
};

export const HELP_LINES: readonly string[] = [
  'Enter       accept the proposed answer; after a step, go on to the next one',
  'q, Ctrl-C   quit at any moment (in a text answer only Ctrl-C: q is a letter there); everything done',
  `            so far is saved, and running ${commandLine('')} again continues where it stopped`,
  'r           after a failed step: run it again (nothing made before is made twice)',
  '↑ ↓         move in a list of choices',
  'Esc         in a text answer: go back to the proposed value',
  'Tab         show the next pane when the terminal is narrow',
  '?           show or hide this help',
];
