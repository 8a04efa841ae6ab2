/** A yes/no question for destructive commands: --yes answers it; with no terminal and no --yes, refuse. */
import {UsageError} from '../errors.js';
import type {IO} from './io.js';

export async function confirmDestructive(io: IO, yes: boolean, question: string, flagHint: string): Promise<boolean> {
  if (yes) return true;
  if (!io.interactive) {
    throw new UsageError({what: `${flagHint} needs confirmation`, why: 'there is no terminal to ask on', fix: `add --yes: \`mtls-wizard ${flagHint} --yes\``, field: 'yes'});
  }
  const {confirm} = await import('@inquirer/prompts');
  return confirm({message: question, default: false});
}
