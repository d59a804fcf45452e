// User text goes into error messages that reach a terminal: quote it so control characters,
// escape sequences and bidirectional overrides show as escapes instead of acting.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/gu;

function escape(c: string): string {
  return `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`;
}

/** A value of user text, double-quoted, with every unsafe character escaped. */
export function quote(s: string): string {
  return JSON.stringify(s).replace(UNSAFE, escape);
}

/** Free text (a parser's message) with unsafe characters escaped, unquoted. */
export function sanitize(s: string): string {
  return s.replace(UNSAFE, escape);
}

/** "the string \"x\"", "the number 5", "nothing", "a list", "a map": for "expected X, found Y". */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `the string ${quote(value)}`;
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  return `the ${typeof value} ${String(value)}`;
}
