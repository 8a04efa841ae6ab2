/**
 * A Prompter that answers from a script, as a person at the keyboard would: each question id has a queue
 * of answers (ENTER takes the proposal). A text answer that breaks the question's rule is refused, the
 * refusal recorded, and the next answer in the queue is tried, like a person typing again.
 */
import type {ConfirmQuestion, Prompter, SelectQuestion, TextQuestion} from '../../source/wizard/prompter.js';

export const ENTER = Symbol('enter');
export type Answer = string | boolean | typeof ENTER;

export class ScriptedPrompter implements Prompter {
  readonly isInteractive = true;
  readonly asked: string[] = [];
  readonly refused: {id: string; answer: string; rule: string}[] = [];
  readonly #script: Map<string, Answer[]>;
  /** Called before each question; may throw (e.g. to simulate Ctrl-C). */
  onAsk?: (id: string) => void;

  constructor(script: Record<string, Answer | Answer[]> = {}) {
    this.#script = new Map(Object.entries(script).map(([id, a]) => [id, Array.isArray(a) ? [...a] : [a]]));
  }

  #next(id: string): Answer {
    this.asked.push(id);
    this.onAsk?.(id);
    return this.#script.get(id)?.shift() ?? ENTER;
  }

  async text(q: TextQuestion): Promise<string> {
    for (;;) {
      const a = this.#next(q.id);
      const answer = a === ENTER ? q.default : String(a);
      const rule = q.validate?.(answer);
      if (!rule) return answer;
      this.refused.push({id: q.id, answer, rule});
      if (a === ENTER) throw new Error(`the proposal of ${q.id} (${answer}) breaks its own rule: ${rule}`);
    }
  }

  async confirm(q: ConfirmQuestion): Promise<boolean> {
    const a = this.#next(q.id);
    return a === ENTER ? q.default : Boolean(a);
  }

  async select<T extends string>(q: SelectQuestion<T>): Promise<T> {
    const a = this.#next(q.id);
    if (a === ENTER) return q.default;
    if (!q.choices.some((c) => c.value === a)) throw new Error(`${String(a)} is not a choice of ${q.id}`);
    return a as T;
  }
}
