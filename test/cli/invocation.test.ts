/** Printed commands follow how the program was started (issue 9, "Also"): node dist/cli.js, npx, or the PATH. */
import {describe, expect, it} from 'vitest';
import {invocation} from '../../source/util/invocation.js';
import {runBuilt} from '../helpers/built-cli.js';
import {tempDir} from '../helpers/temp.js';
import path from 'node:path';

describe('how a printed command starts', () => {
  it('follows argv[1]', () => {
    expect(invocation(['/usr/bin/node', '/home/me/mtls-wizard/dist/cli.js'], '/home/me/mtls-wizard')).toBe('node dist/cli.js');
    expect(invocation(['/usr/bin/node', '/home/me/src/mtls-wizard/dist/cli.js'], '/home/me')).toBe('node src/mtls-wizard/dist/cli.js');
    expect(invocation(['/usr/bin/node', '/opt/tool/dist/cli.js'], '/home/me')).toBe('node /opt/tool/dist/cli.js');
    expect(invocation(['/usr/bin/node', '/home/me/proj/node_modules/.bin/mtls-wizard'], '/home/me/proj')).toBe('npx mtls-wizard');
    expect(invocation(['/usr/bin/node', '/home/me/.npm/_npx/ab12/node_modules/mtls-wizard/dist/cli.js'], '/home/me')).toBe('npx mtls-wizard');
    expect(invocation(['/usr/bin/node', '/usr/local/bin/mtls-wizard'], '/home/me')).toBe('mtls-wizard');
    expect(invocation(['/usr/bin/node', '/x/node_modules/vitest/vitest.mjs'], '/x')).toBe('mtls-wizard');
  });

  it('the built CLI run with node prints `node dist/cli.js …` in its hints and errors, never a bare mtls-wizard command', async () => {
    const dir = path.join(await tempDir(), 'none');
    const status = await runBuilt(['status', '--state-dir', dir]);
    expect(status.code).toBe(1);
    // runBuilt starts `node <repo>/dist/cli.js` from the repository root.
    expect(status.stderr).toContain('Fix: run `node dist/cli.js run` first');
    expect(status.stderr).not.toMatch(/`mtls-wizard /);
    expect(status.stderr).toMatch(/^mtls-wizard: /);
  });
});
