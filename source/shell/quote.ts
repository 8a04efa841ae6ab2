/** Quoting for commands a person pastes into a POSIX shell (bash, zsh). */

// Characters that mean nothing special to a POSIX shell anywhere in a word.
const SAFE = /^[A-Za-z0-9_\-./:@%+=,]+$/;

/** The word as a shell reads it back unchanged: bare when safe, else in single quotes. */
export function shellQuote(word: string): string {
  if (word !== '' && SAFE.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * A value for a curl config file (`--config`): double-quoted, with the escapes curl's parser knows.
 * Used to hand curl a passphrase on stdin, where no process listing shows it.
 */
export function curlConfigQuote(value: string): string {
  const escaped = value.replace(/[\\"\t\n\r\v]/g, (c) => ({'\\': '\\\\', '"': '\\"', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\v': '\\v'})[c]!);
  return `"${escaped}"`;
}
