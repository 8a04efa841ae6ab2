/** `status --json` before the CAs exist: each CA shows the pathLen the plan will give it, not null. */
import {describe, expect, it} from 'vitest';
import {runCli} from '../helpers/cli.js';
import {tempDir} from '../helpers/temp.js';

describe('status --json for CAs not created yet', () => {
  it('shows the planned pathLen (root: none)', async () => {
    const dir = await tempDir();
    const run = await runCli(['run', '--until', 'root-ca', '--state-dir', dir]);
    expect(run.code, run.stderr).toBe(0);
    const status = await runCli(['status', '--json', '--state-dir', dir]);
    const cas = JSON.parse(status.stdout).cas.map((c: {name: string; pathLen: number | null; status: string}) => [c.name, c.pathLen, c.status]);
    expect(cas).toEqual([
      ['rootCA', null, 'ACTIVE'],
      ['intermediateCA0', 0, 'not created'],
      ['intermediateCA1', 1, 'not created'],
      ['intermediateCA2', 0, 'not created'],
    ]);
  });
});
