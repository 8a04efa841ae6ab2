// Bundles the CLI with esbuild: one ESM entry (dist/cli.js) plus lazily loaded chunks, so that
// `--version` and the first frame do not pay for Ink, the PKI code or the AWS SDK until they are needed.
import {build} from 'esbuild';
import {chmod, rm} from 'node:fs/promises';

await rm(new URL('../dist', import.meta.url), {recursive: true, force: true});
await build({
  entryPoints: {cli: 'source/cli.ts'},
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  legalComments: 'none',
  chunkNames: 'chunks/[name]-[hash]',
  define: {'process.env.NODE_ENV': '"production"'},
  // Some bundled CommonJS dependencies call require() for Node built-ins.
  banner: {js: "import {createRequire as __mwCreateRequire} from 'node:module';const require = __mwCreateRequire(import.meta.url);"},
  // Ink loads react-devtools-core only when DEV=true; it is not a dependency.
  external: ['react-devtools-core'],
  logLevel: 'warning',
});
await chmod('dist/cli.js', 0o755);
