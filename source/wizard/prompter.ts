/**
 * The Prompter port: the only way a step or the input phase asks the person something.
 * Adapters: Ink inputs while Ink is on screen, @inquirer/prompts in --plain mode, and the
 * headless one below, which answers every question with its default and never reads stdin.
 */
export interface TextQuestion {
  readonly id: string;
  readonly message: string;
  readonly default: string;
  /** Returns the broken rule, or undefined when the answer is fine. */
  readonly validate?: (value: string) => string | undefined;
  /** Mask the typed characters (passphrases). */
  readonly isSecret?: boolean;
  readonly help?: string;
}

export interface ConfirmQuestion {
  readonly id: string;
  readonly message: string;
  readonly default: boolean;
  readonly help?: string;
}

export interface Choice<T extends string> {
  readonly value: T;
  readonly label: string;
  readonly hint?: string;
}

export interface SelectQuestion<T extends string> {
  readonly id: string;
  readonly message: string;
  readonly choices: readonly Choice<T>[];
  readonly default: T;
  readonly help?: string;
}

export interface Prompter {
  /** False for the headless prompter: callers may skip optional questions. */
  readonly isInteractive: boolean;
  text(question: TextQuestion): Promise<string>;
  confirm(question: ConfirmQuestion): Promise<boolean>;
  select<T extends string>(question: SelectQuestion<T>): Promise<T>;
}

/** Answers with the defaults: used with --yes and whenever there is no terminal. */
export class DefaultsPrompter implements Prompter {
  readonly isInteractive = false;
  async text(question: TextQuestion): Promise<string> {
    return question.default;
  }
  async confirm(question: ConfirmQuestion): Promise<boolean> {
    return question.default;
  }
  async select<T extends string>(question: SelectQuestion<T>): Promise<T> {
    return question.default;
  }
}
