/**
 * How to print a command so that the person can run it as they ran this one. After `npm ci && npm run
 * build && node dist/cli.js`, `mtls-wizard` is not on the PATH: say `node dist/cli.js …`. Through npx or an
 * installed package's bin, `npx mtls-wizard …` (or `mtls-wizard …` when it came from the PATH).
 */
import path from 'node:path';

const NAME = 'mtls-wizard';

/** The program part of a printed command, from how this process was started. */
export function invocation(argv: readonly string[] = process.argv, cwd: string = process.cwd()): string {
  const script = argv[1];
  if (!script) return NAME;
  const normalized = script.split(path.sep).join('/');
  const base = path.basename(script);
  if (base === NAME || base === `${NAME}.cmd`) return normalized.includes('/node_modules/.bin/') ? `npx ${NAME}` : NAME;
  // An installed copy of the package (npx cache, node_modules): npx finds it by name.
  if (normalized.includes(`/node_modules/${NAME}/`)) return `npx ${NAME}`;
  if (/\.(c|m)?js$/.test(base)) {
    const relative = path.relative(cwd, script);
    const shown = relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : script;
    return `node ${/\s/.test(shown) ? `'${shown}'` : shown}`;
  }
  return NAME;
}

let cached: string | undefined;

/** A printed command: `commandLine('connect --check-revocation')` → "node dist/cli.js connect --check-revocation". */
export function commandLine(args: string): string {
  cached ??= invocation();
  return args ? `${cached} ${args}` : cached;
}

/** Rewrites the commands written as `mtls-wizard …` in a message the way this process was invoked. */
export function printedCommands(text: string): string {
  const program = commandLine('');
  return program === NAME ? text : text.replace(/(^|[`'"(\s])mtls-wizard(?=[\s`'")]|$)/gm, `$1${program}`);
}
