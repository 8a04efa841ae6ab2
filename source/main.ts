/**
 * Argument handling and dispatch. Each command is loaded only when it runs, so `--help` and `--version`
 * stay fast and the AWS SDK and Ink are loaded only by the commands that use them.
 */
import {CancelledError, ExternalError, UserError, describeError} from './errors.js';
import type {IO} from './commands/io.js';
import {HELP} from './commands/help.js';
import {parseOptions} from './commands/options.js';
import {VERSION} from './version.js';
import {buildInputs, keysFor} from './wizard/inputs.js';

export async function main(argv: readonly string[], io: IO): Promise<number> {
  try {
    const o = await parseOptions(argv, io.env);
    if (o.version) {
      io.stdout(VERSION);
      return 0;
    }
    if (o.help) {
      io.stdout(HELP);
      return 0;
    }
    switch (o.command) {
      case 'run': {
        if (o.implicit && io.interactive && !o.yes && !o.dryRun) {
          const ui = await import('./ui/start.js');
          return await ui.startInteractive(o, io);
        }
        // A fresh local walkthrough: its keys start on the thread pool while the walkthrough's modules load.
        if (!o.dryRun) (await import('./backends/local/key-pool.js')).prestartKeys({stateDir: o.stateDir, backend: o.backend, keyAlgorithm: o.choices.keyAlgorithm, count: keysFor(buildInputs(o.choices))});
        const {runCommand} = await import('./commands/run.js');
        return await runCommand(o, io);
      }
      case 'status':
        return await (await import('./commands/status.js')).statusCommand(o, io);
      case 'connect':
        return await (await import('./commands/connect.js')).connectCommand(o, io);
      case 'gateway':
        return await (await import('./commands/gateway.js')).gatewayCommand(o, io);
      case 'reset':
        return await (await import('./commands/reset.js')).resetCommand(o, io);
      case 'teardown':
        return await (await import('./commands/teardown.js')).teardownCommand(o, io);
      case 'client':
        return await (await import('./commands/client.js')).clientCommand(o, io);
      case 'truststore': {
        const [sub, file, ...extra] = o.positionals;
        if ((sub === 'add' || sub === 'remove') && file && extra.length === 0) {
          const change = await import('./commands/truststore-change.js');
          return await (sub === 'add' ? change.truststoreAddCommand(file, o, io) : change.truststoreRemoveCommand(file, o, io));
        }
        if (sub !== 'check' || !file || extra.length > 0) {
          throw new UserError({what: 'bad truststore command', why: 'the forms are `mtls-wizard truststore check FILE [--json]`, `truststore add FILE` and `truststore remove CA`', fix: 'e.g. `mtls-wizard truststore check truststore.pem`'}, 2);
        }
        const {truststoreCheck} = await import('./commands/truststore-check.js');
        return await truststoreCheck(file, {json: o.json}, {stdout: io.stdout, stderr: io.stderr});
      }
      case 'inspect':
        return await (await import('./commands/inspect.js')).inspectCommand(o, io);
      case 'explain':
        return await (await import('./commands/explain.js')).explainCommand(o, io);
      case 'diagram':
        return await (await import('./commands/diagram.js')).diagramCommand(o, io);
    }
  } catch (error) {
    return reportError(error, io);
  }
}

export function reportError(error: unknown, io: IO): number {
  if (error instanceof CancelledError || (error instanceof Error && error.name === 'ExitPromptError')) {
    io.stderr('stopped; nothing is lost: run the same command again to continue');
    return 130;
  }
  io.stderr(`mtls-wizard: ${describeError(error)}`);
  if (!(error instanceof UserError || error instanceof ExternalError) && io.env['MTLS_WIZARD_DEBUG'] && error instanceof Error) io.stderr(error.stack ?? '');
  return error instanceof UserError ? error.exitCode : 1;
}
