/** What a command may touch of the process: injected so tests can run commands in-process. */
export interface IO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  /** Both stdin and stdout are terminals (and not CI): the Ink wizard may run. */
  readonly interactive: boolean;
}

export function processIO(): IO {
  const ci = Boolean(process.env['CI']) && process.env['CI'] !== 'false' && process.env['CI'] !== '0';
  return {
    stdout: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    stderr: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    env: process.env,
    interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY) && !ci,
  };
}
