/**
 * Real headless Chromium (Debian's `chromium` package) for rendering tests. Absent: such tests skip with a
 * message on a developer machine, and fail under CI (CI=true), where .ci/run installs it.
 */
import {execFileSync, spawnSync} from 'node:child_process';
import {writeFileSync} from 'node:fs';
import path from 'node:path';

const CANDIDATES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

export function findChromium(): string | undefined {
  for (const name of CANDIDATES) {
    const found = spawnSync('sh', ['-c', `command -v ${name}`], {encoding: 'utf8'});
    if (found.status === 0 && found.stdout.trim()) return found.stdout.trim();
  }
  return undefined;
}

const ci = Boolean(process.env['CI']) && process.env['CI'] !== 'false' && process.env['CI'] !== '0';
export const CHROMIUM = findChromium();
/** True when chromium tests must be skipped (absent, and not under CI). */
export const SKIP_CHROMIUM = !CHROMIUM && !ci;
if (SKIP_CHROMIUM) console.warn('chromium is not installed: the SVG rendering tests are skipped (apt-get install chromium; under CI=true they run and fail)');

function run(args: string[], dir: string): string {
  if (!CHROMIUM) throw new Error('chromium is not installed (apt-get install chromium); CI requires it');
  return execFileSync(CHROMIUM, ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', `--user-data-dir=${path.join(dir, 'chromium-profile')}`, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 90_000,
  });
}

/** Renders an HTML file to a PNG of the given size. */
export function screenshot(html: string, png: string, width: number, height: number): void {
  run([`--screenshot=${png}`, `--window-size=${width},${height}`, `file://${html}`], path.dirname(png));
}

/** The DOM after scripts ran. */
export function dumpDom(html: string): string {
  return run(['--dump-dom', `file://${html}`], path.dirname(html));
}

export function writePage(file: string, body: string, script = ''): string {
  writeFileSync(file, `<!doctype html><html><head><meta charset="utf-8"><style>body{margin:0;background:#fff}</style></head><body>${body}${script ? `<script>${script}</script>` : ''}</body></html>`);
  return file;
}
