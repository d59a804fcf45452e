import { UsageError } from './errors.js';
import { quote } from './show.js';
import { nearest } from './suggest.js';
import { joinPath, type YNode } from './yaml-tree.js';

/** Field readers shared by the topology's parts: each names the field it refuses. */

export function describe(n: YNode): string {
  if (n.kind === 'map') return 'a map';
  if (n.kind === 'seq') return 'a list';
  if (n.value === null) return 'nothing';
  if (typeof n.value === 'string') return `the string ${quote(n.value)}`;
  return `the ${typeof n.value} ${n.source}`;
}

/**
 * Every problem in one document, in the order the fields are checked: each check that fails is
 * kept and the next field is still checked, so one run names them all. The first is the one a
 * single-error reader sees.
 */
export class Problems {
  readonly list: UsageError[] = [];

  add(e: UsageError): void {
    this.list.push(e);
  }

  /** Runs one validation; a UsageError is kept and undefined returned. */
  try<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      this.add(e);
      return undefined;
    }
  }

  throwIfAny(): void {
    if (this.list.length) throw UsageError.all(this.list);
  }
}

/** Checks a map's keys: every unknown key and every missing required key is named. Undefined when `n` is not a map. */
export function mapOf(p: Problems, n: YNode, path: string, allowed: readonly string[], required: readonly string[]): ReadonlyMap<string, YNode> | undefined {
  const field = path === '' ? 'FILE' : path;
  if (n.kind !== 'map') {
    p.add(new UsageError(field, `expected a map (key: value), found ${describe(n)}`));
    return undefined;
  }
  for (const key of n.entries.keys()) {
    if (allowed.includes(key)) continue;
    const near = nearest(key, allowed);
    p.add(new UsageError(joinPath(path, key), `unknown key${near ? ` (did you mean ${near}?)` : ''}; expected ${allowed.join(', ')}`));
  }
  for (const key of required) {
    if (!n.entries.has(key)) p.add(new UsageError(joinPath(path, key), `is required${n.line ? ` (in the map at line ${n.line})` : ''}`));
  }
  return n.entries;
}

/** A string-valued scalar; numbers and booleans are refused rather than silently converted. */
export function str(n: YNode, field: string): string {
  if (n.kind !== 'scalar' || typeof n.value !== 'string') throw new UsageError(field, `expected a string, found ${describe(n)}`);
  return n.value;
}

/** A whole number written as plain decimal digits (not 1e3, 0x64, 0100, 100.0 or "100"). */
export function wholeNumber(n: YNode, field: string, what: string): number {
  if (n.kind !== 'scalar' || typeof n.value !== 'number') throw new UsageError(field, `expected ${what}, found ${describe(n)}`);
  if (!/^-?(0|[1-9][0-9]*)$/.test(n.source)) {
    throw new UsageError(field, `${n.source} is not written as a plain decimal whole number; expected ${what}`);
  }
  return n.value;
}
