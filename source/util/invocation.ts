/**
 * How to print a command so that the person can run it as they ran this one. After `npm ci && npm run
 * build && node dist/cli.js`, `mtls-wizard` is not on the PATH: say `node dist/cli.js …`. Through npx or an
 * installed copy of the package, `npx mtls-wizard …`; from the PATH, `mtls-wizard …`. One place decides it:
 * commandLine() for commands built here, printedCommands() for messages that say `mtls-wizard …`.
 */
import path from 'node:path';

const NAME = 'mtls-wizard';

/** The program part of a printed command, from how this process was started (argv[1] is the script). */
export function invocation(argv: readonly string[] = process.argv, cwd: string = process.cwd()): string {
  const script = argv[1];
  if (!script) return NAME;
  const normalized = script.split(path.sep).join('/');
  const base = path.basename(script);
  // The npm bin link: npx's own (node_modules/.bin), or one on the PATH (a global install).
  if (base === NAME || base === `${NAME}.cmd`) return normalized.includes('/node_modules/.bin/') ? `npx ${NAME}` : NAME;
  // An installed copy of the package (npx cache, a project's node_modules): npx finds it by name.
  if (normalized.includes(`/node_modules/${NAME}/`)) return `npx ${NAME}`;
  // This repository's build, run with node: the path as typed from here.
  if (normalized.endsWith('/dist/cli.js')) {
    const relative = path.relative(cwd, script);
    const shown = relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : script;
    return `node ${/\s/.test(shown) ? `'${shown}'` : shown}`;
  }
  // Another host program (a test runner, an embedding): the package's name.
  return NAME;
}

let cached: string | undefined;

/** A printed command: `commandLine('connect --check-revocation')` → "node dist/cli.js connect --check-revocation". */
export function commandLine(args: string): string {
  cached ??= invocation();
  return args ? `${cached} ${args}` : cached;
}

const WRITTEN = /(?<=`)mtls-wizard(?=[\s`])|(?<![\w./-])mtls-wizard(?= (?:run|status|connect|gateway|teardown|reset|truststore|client|again|--[a-z])\b)/g;

/** Rewrites the commands a message writes as `mtls-wizard …` the way this process was invoked. */
export function printedCommands(text: string): string {
  const program = commandLine('');
  return program === NAME ? text : text.replace(WRITTEN, program);
}
