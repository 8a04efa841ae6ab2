/**
 * `mtls-wizard --plain` in a real pseudo-terminal: the same questions line by line (@inquirer/prompts),
 * progress as lines, Enter at every prompt completes the local walkthrough.
 */
import {afterEach, beforeAll, describe, expect, it} from 'vitest';
import {CLI, ensureBuilt, runBuilt} from '../helpers/built-cli.js';
import {tempDir} from '../helpers/temp.js';
import {freePort} from '../helpers/wait.js';
import {Terminal} from '../ui/tmux.js';

/** An inquirer prompt is open: its "?" line came after the last answered ("✔") line. */
function promptOpen(screen: string): boolean {
  const lines = screen.split('\n');
  const last = (mark: string) => lines.findLastIndex((l) => l.startsWith(mark));
  return last('? ') > last('✔ ');
}

let term: Terminal | undefined;
beforeAll(() => ensureBuilt(), 120_000);
afterEach(() => term?.kill());

describe('--plain in a terminal', () => {
  it('asks the same questions line by line; Enter at every prompt completes the walkthrough', async () => {
    const dir = await tempDir();
    term = new Terminal('plain');
    term.run(['node', CLI, '--plain', '--state-dir', dir, '--port', String(await freePort())]);
    const t = term;
    const deadline = Date.now() + 60_000;
    let answered = 0;
    for (;;) {
      const screen = await t.waitFor((s) => s.includes('[exit ') || promptOpen(s), Math.max(1, deadline - Date.now()));
      if (screen.includes('[exit ')) break;
      const before = screen;
      t.send('Enter');
      answered += 1;
      await t.waitFor((s) => s !== before, Math.max(1, deadline - Date.now()));
    }
    const screen = t.screen();
    expect(screen).toContain('[exit 0]');
    // The questions were inquirer's, answered with their proposals.
    expect(screen).toContain('✔ Where should the walkthrough run? local');
    expect(screen).toContain('✔ Custom domain of the API api.mtls.test');
    expect(screen).toContain('✔ Go on to the next step? Yes');
    expect(answered).toBeGreaterThanOrEqual(11 + 2 + 10);
    // Progress as lines, then the same completion screen as the Ink wizard.
    expect(screen).toContain('[A1] root-ca: Create the root CA');
    expect(screen).toContain('Walkthrough complete (local backend');
    expect(screen).toMatch(/curl -v --key \S+client2\/key\.pem/);
    // No full-screen drawing happened: no pane borders.
    expect(screen).not.toContain('╭');
    const status = await runBuilt(['status', '--json', '--state-dir', dir]);
    expect(JSON.parse(status.stdout).next).toBeNull();
  });
});
