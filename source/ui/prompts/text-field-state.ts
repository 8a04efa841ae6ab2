/** State of a text answer being typed: pure, so the prompt's rules can be tested without a terminal. */
import type {TextQuestion} from '../../wizard/prompter.js';

export interface TextFieldState {
  /** What was typed; empty means "the default". */
  readonly value: string;
  /** The rule the last submitted answer broke. */
  readonly error?: string;
}

export type TextFieldAction = {readonly type: 'type'; readonly text: string} | {readonly type: 'erase'} | {readonly type: 'clear'} | {readonly type: 'refuse'; readonly rule: string};

export const emptyField: TextFieldState = {value: ''};

// Control characters (arrows, escape sequences) never become part of an answer.
const printable = (text: string) => text.replace(/[\u0000-\u001f\u007f]/g, '');

export function reduceTextField(state: TextFieldState, action: TextFieldAction): TextFieldState {
  switch (action.type) {
    case 'type': {
      const text = printable(action.text);
      return text === '' ? state : {value: state.value + text};
    }
    case 'erase':
      return state.value === '' ? state : {value: state.value.slice(0, -1)};
    case 'clear':
      return {value: ''};
    case 'refuse':
      return {...state, error: action.rule};
  }
}

/** The answer Enter would give, and the rule it breaks (undefined when it is fine). */
export function submission(question: TextQuestion, state: TextFieldState): {answer: string; rule?: string} {
  const raw = state.value === '' ? question.default : state.value;
  // Secrets are taken as typed; other answers lose stray spaces from a paste.
  const answer = question.isSecret ? raw : raw.trim();
  return {answer, rule: question.validate?.(answer)};
}
