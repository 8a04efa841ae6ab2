/**
 * The built wizard in a real pseudo-terminal (tmux), pressing keys as a person would: Enter through
 * everything, quit midway and resume. The state is then read back with `mtls-wizard status --json`.
 */
import {afterEach, beforeAll, describe, expect, it} from 'vitest';
import {CLI, ensureBuilt, runBuilt} from '../helpers/built-cli.js';
import {tempDir} from '../helpers/temp.js';
import {freePort} from '../helpers/wait.js';
import {Terminal} from '../ui/tmux.js';

interface Status {
  next: string | null;
  steps: {id: string; status: string}[];
  cas: {name: string; fingerprint: string | null}[];
}

async function status(dir: string): Promise<Status> {
  const run = await runBuilt(['status', '--json', '--state-dir', dir]);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as Status;
}

/** The wizard waits for Enter: a question or the pause after a step (its footer says so). */
const waitsForEnter = (screen: string) => /Enter (accept|next step)/.test(screen.split('\n').filter((l) => l.trim()).at(-1) ?? '');

/**
 * What the wizard is waiting for: the open question, or the "… is done. Enter goes on" banner of a pause.
 * Ticking parts of the screen (elapsed times, the activity clock) change on their own and must not count as
 * "the key was handled".
 */
const waitingFor = (screen: string) =>
  screen
    .split('\n')
    .filter((l) => /is done\. Enter goes on|^\W*\? /.test(l))
    .join('\n');

/** Presses Enter at every question and pause until `done` shows. */
async function enterUntil(term: Terminal, done: (screen: string) => boolean, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await term.waitFor((s) => done(s) || waitsForEnter(term.visible()), Math.max(1, deadline - Date.now()));
    // Decide on captures taken in this order: what is visible, then the whole screen. The wizard only moves
    // forward, so a pause seen in the first is in the second too; deciding "done" on an older capture than the
    // one that showed the pause once sent Enter at the very pause the test meant to stop at.
    const visible = term.visible();
    const screen = term.screen();
    if (done(screen)) return screen;
    if (!waitsForEnter(visible)) continue;
    const before = waitingFor(visible);
    term.send('Enter');
    // The key has been handled once the question or pause banner changes. A key that arrives before Ink
    // listens for it (its input hook subscribes in an effect) is lost: after 10 s without a change, Enter goes
    // again. Sooner would risk a second Enter, which would skip the next pause.
    await term
      .waitFor((s) => done(s) || waitingFor(term.visible()) !== before, Math.min(10_000, Math.max(1, deadline - Date.now())))
      .catch(() => undefined);
    if (Date.now() > deadline) throw new Error(`timed out; the screen shows:\n${term.visible()}`);
  }
}

const terminals: Terminal[] = [];
const terminal = (name: string) => {
  const t = new Terminal(name);
  terminals.push(t);
  return t;
};

beforeAll(() => ensureBuilt(), 120_000);
afterEach(() => {
  while (terminals.length > 0) terminals.pop()!.kill();
});

describe('the wizard in a terminal', () => {
  it('Enter through everything on the local backend reaches the completion screen (80 columns)', {timeout: 150_000}, async () => {
    const dir = await tempDir();
    const term = terminal('enter');
    term.run(['node', CLI, '--state-dir', dir, '--port', String(await freePort())], {columns: 80, rows: 24});
    // The first screen shows the steps at once.
    await term.waitFor('Steps');
    const screen = await enterUntil(term, (s) => s.includes('[exit '));
    expect(screen).toContain('[exit 0]');
    expect(screen).toContain('Walkthrough complete (local backend');
    expect(screen).toMatch(/└─ intermediateCA1 .*\n\s+└─ intermediateCA2 /);
    expect(screen).toMatch(/curl -v --key \S+\/client1\/key\.pem --cert \S+ --pass "\$\(cat \S+\)" --resolve api\.mtls\.test:\d+:127\.0\.0\.1 --cacert \S+ https:\/\/api\.mtls\.test:\d+\/hoge\/auth/);
    // Started as `node …/dist/cli.js`: the next commands say so (mtls-wizard is not on the PATH).
    expect(screen).toMatch(/node \S*dist\/cli\.js gateway --state-dir/);
    const doc = await status(dir);
    expect(doc.next).toBeNull();
    expect(doc.steps.every((s) => s.status === 'done')).toBe(true);
    const root = doc.cas.find((c) => c.name === 'rootCA')!.fingerprint!;
    expect(screen).toContain(`rootCA  CN=rootCA · sha256 ${root.slice(0, 8)}`);
  });

  it('q midway saves; a relaunch offers to resume, and continuing completes with the same root CA', {timeout: 150_000}, async () => {
    const dir = await tempDir();
    const port = String(await freePort());
    const term = terminal('resume');
    term.run(['node', CLI, '--state-dir', dir, '--port', port]);
    await enterUntil(term, (s) => s.includes('A3 Create the REST API is done'));
    term.send('q', true);
    const stopped = await term.waitFor('[exit 0]');
    expect(stopped).toContain('Stopped. Everything done so far is saved');
    const before = await status(dir);
    expect(before.next).toBe('custom-domain');
    const root = before.cas.find((c) => c.name === 'rootCA')!.fingerprint;
    expect(root).toMatch(/^[0-9a-f]{64}$/);

    term.run(['node', CLI, '--state-dir', dir, '--port', port]);
    const offer = await term.waitFor('Continue at A4 Set up the custom domain');
    expect(offer).toContain('3 of 11 steps done');
    expect(offer).toContain('Start over');
    const screen = await enterUntil(term, (s) => s.includes('[exit '));
    expect(screen).toContain('[exit 0]');
    expect(screen).toContain('Walkthrough complete');
    const after = await status(dir);
    expect(after.next).toBeNull();
    expect(after.cas.find((c) => c.name === 'rootCA')!.fingerprint).toBe(root);
  });
});
