import { MplsgreError } from '../core/errors.js';

/** A word that no shell can carry: a NUL ends a C string, so the remote would see a shorter word. */
export class ShellQuoteError extends MplsgreError {
  constructor(readonly word: string) {
    super('usage', `cannot pass a word containing NUL to a remote shell (${JSON.stringify(word.slice(0, 40))})`, { field: 'argv' });
    this.name = 'ShellQuoteError';
  }
}

/**
 * POSIX single-quote quoting: the whole word inside '...', each ' written as '\''. Inside single
 * quotes no character is special, so `$()`, backticks, globs, `~`, newlines and `;` stay literal.
 * Always quoted, even plain words: `A=b` first in a command must not read as an assignment.
 * Must be the only way a word reaches a remote shell (ssh).
 */
export function shellQuote(word: string): string {
  if (word.includes('\0')) throw new ShellQuoteError(word);
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A command line for `sh`: every word quoted, joined by spaces. */
export function shellCommand(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}
