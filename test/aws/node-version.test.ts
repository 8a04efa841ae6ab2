/**
 * Node.js versions (issue 10, item 5): on Node.js < 22 the aws preflight says once, in our words, that the
 * AWS SDK needs Node.js 22 from January 2027; the SDK's own ten-line NodeVersionSupportWarning never shows.
 * The end-to-end case runs the built CLI against a closed local port, so the run stops right after preflight.
 */
import {afterEach, beforeAll, describe, expect, test} from 'vitest';
import {nodeSupportNote} from '../../source/backends/aws/env.js';
import {ensureBuilt, runBuilt} from '../helpers/built-cli.js';
import {tempDir} from '../helpers/temp.js';
import {freePort} from '../helpers/wait.js';
import {rm} from 'node:fs/promises';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, {recursive: true, force: true});
  dir = undefined;
});

describe('the Node.js version note', () => {
  test('Node.js 20 gets one line saying it is past end of life and what the SDK needs from January 2027; 22 and 24 get none', () => {
    const note = nodeSupportNote('v20.20.2')!;
    expect(note).toMatch(/^Node\.js 20 is past its end of life .*AWS SDK releases from January 2027 need Node\.js 22 or later/);
    expect(note).not.toContain('\n');
    expect(nodeSupportNote('v22.12.0')).toBeUndefined();
    expect(nodeSupportNote('v24.1.0')).toBeUndefined();
  });
});

describe('the built CLI on aws', () => {
  beforeAll(() => ensureBuilt(), 120_000);

  test('preflight shows our note (on Node.js < 22) and never the SDK NodeVersionSupportWarning', async () => {
    dir = await tempDir('mtls-node-note-');
    const port = await freePort();
    const run = await runBuilt(['run', '--backend', 'aws', '--yes', '--region', 'us-east-1', '--state-dir', dir], {
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
    });
    const output = run.stdout + run.stderr;
    // Nothing listens on the port: GetCallerIdentity cannot connect, after the note.
    expect(run.code).not.toBe(0);
    expect(output).toMatch(/GetCallerIdentity/);
    expect(output).not.toContain('NodeVersionSupportWarning');
    expect(output).not.toContain('a.co/c895JFp');
    const major = Number(process.versions.node.split('.')[0]);
    const notes = output.split('\n').filter((line) => line.includes('AWS SDK releases from January 2027 need Node.js 22 or later'));
    expect(notes).toHaveLength(major < 22 ? 1 : 0);
  }, 90_000);
});
