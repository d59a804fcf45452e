/** JSON data, as `ip -j` prints it. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/**
 * How to read a check's output. Every kind also requires exit status 0.
 * - `json-includes`: stdout is JSON and includes `value` (see jsonIncludes).
 * - `stdout-equals`: trimmed stdout equals `value` (sysctl -n).
 * - `int-at-least`: trimmed stdout is an integer >= `value`.
 * - `stdout-matches`: stdout matches the regular expression `pattern` (JavaScript syntax).
 */
export type CheckExpectation =
  | { readonly kind: 'json-includes'; readonly value: JsonValue }
  | { readonly kind: 'stdout-equals'; readonly value: string }
  | { readonly kind: 'int-at-least'; readonly value: number }
  | { readonly kind: 'stdout-matches'; readonly pattern: string };

/** A read-only command that tells whether a step is already in effect. It must not change the host. */
export interface CheckAction {
  readonly kind: 'exec';
  readonly argv: readonly string[];
  readonly inEffectWhen: CheckExpectation;
}

/**
 * Subset match: every key of an expected object matches in the actual object; every element
 * of an expected array matches some element of the actual array; scalars are equal. An
 * expected object also matches an actual array holding a matching element (`ip -j` prints lists),
 * not one nested in further arrays.
 */
export function jsonIncludes(actual: unknown, expected: JsonValue): boolean {
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && expected.every((e: JsonValue) => actual.some((a: unknown) => jsonIncludes(a, e)));
  }
  if (expected !== null && typeof expected === 'object') {
    // One list level only (`ip -j` prints lists of objects): recursion then follows `expected`, which
    // is ours, never the depth of the output, so `[[[[...]]]]` cannot exhaust the stack.
    if (Array.isArray(actual)) return actual.some((a: unknown) => !Array.isArray(a) && jsonIncludes(a, expected));
    if (actual === null || typeof actual !== 'object') return false;
    const obj = actual as Record<string, unknown>;
    return Object.entries(expected).every(([k, v]) => Object.hasOwn(obj, k) && jsonIncludes(obj[k], v));
  }
  return actual === expected;
}

/** Whether a check's result says the step is in effect. Pure: the caller runs the command. */
export function isInEffect(check: CheckAction, result: { readonly exitCode: number | null; readonly stdout: string }): boolean {
  if (result.exitCode !== 0) return false;
  const e = check.inEffectWhen;
  const out = result.stdout.trim();
  switch (e.kind) {
    case 'json-includes': {
      let parsed: unknown;
      try {
        parsed = JSON.parse(out === '' ? 'null' : out);
      } catch {
        return false;
      }
      return jsonIncludes(parsed, e.value);
    }
    case 'stdout-equals':
      return out === e.value;
    case 'int-at-least':
      return /^[0-9]+$/.test(out) && Number(out) >= e.value;
    case 'stdout-matches':
      return new RegExp(e.pattern, 'm').test(result.stdout);
  }
}
