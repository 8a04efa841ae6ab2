/** explain's verdict as text: the first failing rule leads, then the others, the chain and the notes. */
import type {Verdict} from './verdict.js';

export function formatVerdict(verdict: Verdict, certificate: string): string {
  const lines: string[] = [];
  const [first, ...rest] = verdict.failures;
  if (!first) {
    lines.push(`✓ accepted: API Gateway would let ${certificate} in`);
    lines.push(`  path: ${verdict.chain.join(' ← ')}`);
  } else {
    lines.push(`✗ not accepted (rule ${first.rule}): ${first.message}`);
    for (const failure of rest) lines.push(`  also (rule ${failure.rule}): ${failure.message}`);
    if (verdict.chain.length > 1) lines.push(`  chain as far as it goes: ${verdict.chain.join(' ← ')}`);
  }
  if (verdict.notes.length > 0) {
    lines.push('notes:');
    for (const note of verdict.notes) lines.push(`  - ${note}`);
  }
  return `${lines.join('\n')}\n`;
}

/** One line for the activity pane: the verdict and its first reason. */
export function verdictLine(verdict: Verdict, name: string): string {
  const first = verdict.failures[0];
  if (!first) return `explain ${name}: API Gateway's rules accept it (path ${verdict.chain.join(' ← ')}); the refusal comes from elsewhere`;
  const more = verdict.failures.length > 1 ? ` (+${verdict.failures.length - 1} more: mtls-wizard explain)` : '';
  return `explain ${name}: not accepted (rule ${first.rule}): ${first.message}${more}`;
}
