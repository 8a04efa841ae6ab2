/** ANSI colour for the lines printed after the live screen (completion, messages); off with NO_COLOR or no terminal. */
import type {Paint, Tone} from './model/completion.js';

const CODES: Record<Tone, [string, string]> = {
  heading: ['\u001B[1;36m', '\u001B[0m'],
  ok: ['\u001B[32m', '\u001B[39m'],
  muted: ['\u001B[90m', '\u001B[39m'],
  warn: ['\u001B[33m', '\u001B[39m'],
  accent: ['\u001B[36m', '\u001B[39m'],
};

export function painter(env: NodeJS.ProcessEnv, isTTY: boolean): Paint {
  const off = !isTTY || Boolean(env['NO_COLOR']) || env['FORCE_COLOR'] === '0' || env['TERM'] === 'dumb';
  if (off) return (text) => text;
  return (text, tone) => `${CODES[tone][0]}${text}${CODES[tone][1]}`;
}
