// Test-only preload for the built CLI (node --import): freezes the process in the middle of one file write
// so that the test can SIGKILL it at exactly that moment. It patches fs.promises.open; when the nth file
// created with flag 'wx' (the temp files of atomic writes and of the lock) matches MTLS_TEST_PAUSE_WRITE, that
// handle's writeFile writes the first half of its data, fsyncs it, reports "paused" on fd 3 and blocks.
// With MTLS_TEST_PAUSE_AFTER, counting starts only once a file matching it has been created.
// With MTLS_TEST_PAUSE_LINE instead, it freezes right after the nth stdout line matching it is written: a kill
// "on an output line" then lands exactly there, however fast the rest of the run would have been.
import fs from 'node:fs';
import {syncBuiltinESMExports} from 'node:module';

const env = process.env;
const pattern = new RegExp(env.MTLS_TEST_PAUSE_WRITE ?? '(?!)');
const wanted = Number(env.MTLS_TEST_PAUSE_NTH ?? '1');
const after = env.MTLS_TEST_PAUSE_AFTER ? new RegExp(env.MTLS_TEST_PAUSE_AFTER) : undefined;
const root = env.MTLS_TEST_PAUSE_ROOT ?? '';
let armed = after === undefined;
let seen = 0;

const open = fs.promises.open;
fs.promises.open = async function pausingOpen(file, flags, mode) {
  const handle = await open.call(this, file, flags, mode);
  const relative = String(file).startsWith(`${root}/`) ? String(file).slice(root.length + 1) : String(file);
  if (flags !== 'wx') return handle;
  if (!armed) {
    armed = after.test(relative);
    return handle;
  }
  if (pattern.test(relative) && ++seen === wanted) {
    handle.writeFile = async (data) => {
      const bytes = Buffer.from(data);
      await handle.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
      await handle.sync();
      fs.writeSync(3, `paused ${relative}\n`);
      // Block the whole process until the test kills it; if that never happens, fail loudly.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20_000);
      fs.writeSync(2, 'pause-write-hook: never killed\n');
      process.exit(99);
    };
  }
  return handle;
};
syncBuiltinESMExports();

if (env.MTLS_TEST_PAUSE_LINE) {
  const linePattern = new RegExp(env.MTLS_TEST_PAUSE_LINE);
  let lines = 0;
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = function pausingWrite(chunk, ...rest) {
    const text = String(chunk);
    if (text.split('\n').some((line) => linePattern.test(line) && ++lines === wanted)) {
      fs.writeSync(1, text);
      fs.writeSync(3, 'paused on a line\n');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20_000);
      fs.writeSync(2, 'pause-write-hook: never killed\n');
      process.exit(99);
    }
    return write(chunk, ...rest);
  };
}
