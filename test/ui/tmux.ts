/**
 * A real pseudo-terminal for end-to-end tests: a private tmux server (its own socket) running one
 * command in a pane of a fixed size. The screen is read with capture-pane; waits poll it for a condition.
 */
import {execFileSync} from 'node:child_process';
import {rmSync} from 'node:fs';

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export class Terminal {
  readonly socket: string;
  #started = false;

  constructor(name: string) {
    this.socket = `mtls-${name}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  }

  #tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], {encoding: 'utf8'});
  }

  /**
   * Runs argv in a new pane of columns×rows (the size of the first run holds for later ones). CI is unset (the wizard would fall back to lines) and colour
   * is off (plain text to match). The pane stays open after the command, showing "[exit N]".
   */
  run(argv: readonly string[], o: {columns?: number; rows?: number; env?: Record<string, string>} = {}): void {
    const env = Object.entries({NO_COLOR: '1', FORCE_COLOR: '0', ...o.env}).map(([k, v]) => `${k}=${quote(v)}`);
    const command = `env -u CI ${env.join(' ')} ${argv.map(quote).join(' ')}; echo "[exit $?]"; sleep 3600`;
    if (!this.#started) {
      this.#tmux('new-session', '-d', '-x', String(o.columns ?? 120), '-y', String(o.rows ?? 40), '-s', 'main', command);
      this.#started = true;
    } else {
      // A new window: a fresh screen and scrollback, so nothing of the previous run is matched.
      this.#tmux('new-window', '-t', 'main', command);
    }
  }

  /** The screen and its scrollback, wrapped lines joined. */
  screen(): string {
    return this.#tmux('capture-pane', '-p', '-J', '-S', '-500', '-t', 'main');
  }

  /** Only what is visible now. */
  visible(): string {
    return this.#tmux('capture-pane', '-p', '-t', 'main');
  }

  /** Sends tmux key names (Enter, C-c, Tab) or, with literal, text. */
  send(keys: string, literal = false): void {
    this.#tmux('send-keys', '-t', 'main', ...(literal ? ['-l', keys] : [keys]));
  }

  /** Polls the screen until the condition holds; fails with the screen after timeoutMs. */
  async waitFor(expected: string | RegExp | ((screen: string) => boolean), timeoutMs = 20_000): Promise<string> {
    const check = typeof expected === 'function' ? expected : (s: string) => (typeof expected === 'string' ? s.includes(expected) : expected.test(s));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.screen();
      if (check(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`the terminal never showed ${String(expected)}; screen:\n${this.visible()}`);
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
  }

  /** Stops the server and removes its socket file (tmux leaves it behind). */
  kill(): void {
    try {
      const socketPath = this.#tmux('display-message', '-p', '#{socket_path}').trim();
      this.#tmux('kill-server');
      if (socketPath) rmSync(socketPath, {force: true});
    } catch {
      // Already gone.
    }
  }
}
