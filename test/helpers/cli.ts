import {main} from '../../source/main.js';
import type {IO} from '../../source/commands/io.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured output, no terminal, and the given environment. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: IO = {
    stdout: (t) => (stdout += t.endsWith('\n') ? t : `${t}\n`),
    stderr: (t) => (stderr += t.endsWith('\n') ? t : `${t}\n`),
    env: {PATH: process.env['PATH'], HOME: process.env['HOME'], ...env},
    interactive: false,
  };
  const code = await main(argv, io);
  return {code, stdout, stderr};
}
