import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../core/errors.js';
import { nearest } from '../core/suggest.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | string[] | undefined>;

/**
 * node:util parseArgs, strict: unknown options and missing values are usage errors naming the
 * option. (Built in, so parsing costs no import time: `check` must start as fast as node.)
 */
export function parse(args: readonly string[], options: OptionSpec): { values: Values; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: [...args], options, strict: true, allowPositionals: true });
    return { values: values as Values, positionals };
  } catch (err) {
    const e = err as Error & { code?: string };
    const opt = /'(-{1,2}[^'\s]*)/.exec(e.message)?.[1] ?? 'arguments';
    const field = opt.replace(/^(--[^=]+)=.*$/, '$1');
    const near = e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? nearest(field.replace(/^-+/, ''), Object.keys(options)) : undefined;
    const msg = e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
      ? `unknown option${near === undefined ? '' : `; did you mean --${near}?`}`
      : e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' ? e.message.replace(/^Option '[^']*' /, '').replace(/\.$/, '') : e.message;
    throw new UsageError(field, msg, err);
  }
}

export function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(field, `must be one of ${allowed.join(', ')} (got "${String(value)}")`);
}

export const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

const SUFFIX: Readonly<Record<string, number>> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };

/** A byte count: a positive whole number, optionally followed by K, M or G (powers of 1024), at most 1G; `fallback` when absent. */
export function bytesOption(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  const s = str(value) ?? '';
  const m = /^([1-9][0-9]{0,12})([KMG]?)$/i.exec(s);
  const n = m ? Number(m[1]) * SUFFIX[m[2]!.toUpperCase()]! : NaN;
  if (!(n > 0 && n <= 1024 ** 3)) throw new UsageError(field, `must be a positive number of bytes, with an optional K, M or G suffix, at most 1G (got "${s}")`);
  return n;
}

/** A whole number option within [min, max] (no sign, no leading zeros), or `fallback` when absent. */
export function intOption(value: unknown, field: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  const s = str(value) ?? '';
  if (!/^(0|[1-9][0-9]*)$/.test(s) || Number(s) < min || Number(s) > max) throw new UsageError(field, `must be an integer from ${min} to ${max} (got "${s}")`);
  return Number(s);
}

/** The one topology FILE a topology command takes. */
export function fileArg(positionals: readonly string[], name = 'FILE'): string {
  if (positionals.length !== 1) throw new UsageError(name, positionals.length ? `one topology file expected, got ${positionals.length} arguments` : 'a topology file is required (e.g. examples/seed.yaml)');
  return positionals[0]!;
}
