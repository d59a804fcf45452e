import { UsageError } from './errors.js';
import { describeValue, quote } from './show.js';

/** Labels 0..15 are reserved (RFC 3032: explicit null, router alert, ...). */
export const LABEL_MIN = 16;
/** MPLS labels are 20 bits. */
export const LABEL_MAX = 1_048_575;
/** net.mpls.platform_labels accepts 0..1048575, so a host can pop labels up to 1048574 only. */
export const PLATFORM_LABELS_MAX = 1_048_575;
/** IFNAMSIZ is 16 including the terminating NUL. */
export const IFNAME_MAX_BYTES = 15;
export const NETNS_NAME_MAX = 64;

/**
 * One MPLS label: a whole decimal number 16..1048575, given as a number or as a string of
 * digits (CLI). Rejects floats, exponents, hex, signs, padding and leading zeros.
 */
export function parseLabel(value: unknown, field: string): number {
  let n: number;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new UsageError(field, `${value} is not a whole number; use ${LABEL_MIN}..${LABEL_MAX}`);
    n = value;
  } else if (typeof value === 'string') {
    if (!/^-?(0|[1-9][0-9]*)$/.test(value)) {
      throw new UsageError(field, `${quote(value)} is not a whole decimal number; use ${LABEL_MIN}..${LABEL_MAX}`);
    }
    n = Number(value);
  } else {
    throw new UsageError(field, `expected a label ${LABEL_MIN}..${LABEL_MAX}, found ${describeValue(value)}`);
  }
  if (n >= 0 && n < LABEL_MIN) throw new UsageError(field, `${n} is reserved (0-15); use ${LABEL_MIN}..${LABEL_MAX}`);
  if (n < 0 || n > LABEL_MAX) throw new UsageError(field, `${n} is out of range: labels are 20 bits; use ${LABEL_MIN}..${LABEL_MAX}`);
  return n;
}

/** Comma-separated labels ("100,101"), each checked by parseLabel; no empties, no repeats. */
export function parseLabels(csv: unknown, field: string): number[] {
  if (typeof csv !== 'string' || csv === '') throw new UsageError(field, `expected labels such as 100,101, found ${describeValue(csv)}`);
  const out: number[] = [];
  for (const part of csv.split(',')) {
    if (part === '') throw new UsageError(field, `${quote(csv)} has an empty entry`);
    const n = parseLabel(part, field);
    if (out.includes(n)) throw new UsageError(field, `label ${n} is listed twice`);
    out.push(n);
  }
  return out;
}

/**
 * A Linux interface name as the kernel's dev_valid_name accepts it (1..15 bytes of UTF-8; not
 * "." or ".."; no "/", ":" or whitespace), and further: no control, formatting (bidi, zero-width)
 * or lone surrogate characters, no "%" (the kernel expands "%d" when creating a device) and no
 * leading "-".
 */
export function parseIfName(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new UsageError(field, `expected an interface name, found ${describeValue(value)}`);
  if (value === '') throw new UsageError(field, 'is empty; expected an interface name such as foo4');
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > IFNAME_MAX_BYTES) {
    throw new UsageError(field, `${quote(value)} is ${bytes} bytes; interface names are at most ${IFNAME_MAX_BYTES} bytes (UTF-8)`);
  }
  if (value === '.' || value === '..') throw new UsageError(field, `${quote(value)} is not a valid interface name`);
  const bad = /[\p{Cc}\p{Cf}\p{Cs}\s/:%]/u.exec(value);
  if (bad) {
    const what = /\s/u.test(bad[0]) ? 'whitespace' : /[\p{Cc}\p{Cf}\p{Cs}]/u.test(bad[0]) ? 'a control or formatting character' : quote(bad[0]);
    throw new UsageError(field, `${quote(value)} contains ${what}; interface names may not contain "/", ":", "%", whitespace, control or formatting characters`);
  }
  if (value.startsWith('-')) throw new UsageError(field, `${quote(value)} starts with "-" and would read as an option`);
  return value;
}

/** A network namespace name: 1..64 of [A-Za-z0-9._-], not "." or "..", not starting with "-". */
export function parseNetnsName(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new UsageError(field, `expected a network namespace name, found ${describeValue(value)}`);
  if (value === '') throw new UsageError(field, 'is empty; expected a network namespace name such as A');
  if (value.length > NETNS_NAME_MAX) throw new UsageError(field, `is ${value.length} characters; namespace names are at most ${NETNS_NAME_MAX}`);
  if (!/^[A-Za-z0-9._-]+$/.test(value)) {
    throw new UsageError(field, `${quote(value)} may only contain letters, digits, ".", "_" and "-"`);
  }
  if (value === '.' || value === '..') throw new UsageError(field, `${quote(value)} is not a valid namespace name`);
  if (value.startsWith('-')) throw new UsageError(field, `${quote(value)} starts with "-" and would read as an option`);
  return value;
}
