import type { Timestamp } from './record.js';

/**
 * Reads the timestamp tcpdump prints first on a line, returning it and the position after it,
 * or undefined when the line has none (-t). Time of day (default, -ttt, -ttttt) counts seconds
 * from midnight; -tt is epoch seconds; -tttt's date is read as UTC. The text carries no zone.
 */
export function readTimestamp(line: string, start: number): { ts: Timestamp; next: number } | undefined {
  let p = start;
  let date = 0;
  if (isDateAt(line, p)) {
    date = Date.UTC(num(line, p, 4), num(line, p + 5, 2) - 1, num(line, p + 8, 2)) / 1000;
    p += 11;
  }
  let sec = 0;
  let fields = 0;
  for (;;) {
    const from = p;
    let v = 0;
    while (p < line.length && isDigit(line.charCodeAt(p))) v = v * 10 + (line.charCodeAt(p++) - 48);
    if (p === from) return undefined;
    sec = sec * 60 + v;
    fields++;
    if (line[p] !== ':' || fields === 3) break;
    p++;
  }
  if (fields === 2 || line[p] !== '.') return undefined;
  p++;
  let frac = 0;
  let digits = 0;
  while (p < line.length && isDigit(line.charCodeAt(p)) && digits < 9) {
    frac = frac * 10 + (line.charCodeAt(p++) - 48);
    digits++;
  }
  if (digits === 0 || (p < line.length && line[p] !== ' ')) return undefined;
  return { ts: { sec: date + sec, nsec: frac * 10 ** (9 - digits) }, next: p };
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isDateAt(s: string, p: number): boolean {
  return s.length > p + 11 && s[p + 4] === '-' && s[p + 7] === '-' && s[p + 10] === ' ' && isDigit(s.charCodeAt(p));
}

function num(s: string, p: number, n: number): number {
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 10 + (s.charCodeAt(p + i) - 48);
  return v;
}
