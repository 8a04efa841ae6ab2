/** Small text helpers shared by the panes. Pure; no Ink. */

/** 850 ms, 1.2 s, 2 min 5 s. */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** The first 8 hex digits of a SHA-256 fingerprint, enough to tell certificates apart on screen. */
export function shortFingerprint(hex: string | undefined | null): string {
  if (!hex) return '';
  return hex.replace(/:/g, '').toLowerCase().slice(0, 8);
}

/** 2036-11-27 from an ISO date. */
export function day(iso: string | undefined | null): string {
  return iso ? iso.slice(0, 10) : '';
}

/** 18:57:36 from a time in ms. */
export function clock(at: number): string {
  return new Date(at).toISOString().slice(11, 19);
}

/** Cuts a line to width characters, ending with … when cut. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

/** Word-wraps text to lines of at most width characters (long words are cut). */
export function wrap(text: string, width: number): string[] {
  const w = Math.max(10, width);
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      if (line === '') line = word;
      else if (line.length + 1 + word.length <= w) line += ` ${word}`;
      else {
        lines.push(line);
        line = word;
      }
      while (line.length > w) {
        lines.push(line.slice(0, w));
        line = line.slice(w);
      }
    }
    lines.push(line);
  }
  return lines;
}
