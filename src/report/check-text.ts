import type { CheckReport } from '../commands/check.js';
import type { Status } from '../core/check.js';
import { paint, type Style } from './style.js';

const STATUS_COLOR: Record<Status, 'green' | 'yellow' | 'red' | 'dim' | 'magenta'> = {
  pass: 'green', warn: 'yellow', fail: 'red', skip: 'dim', error: 'magenta',
};

/** Pads to a width measured in code points: host strings may hold any character. */
export const pad = (s: string, width: number): string => s + ' '.repeat(Math.max(0, width - [...s].length));

/** A single-line form of host-provided text: control characters would corrupt a terminal. */
export const oneLine = (s: string): string => s.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');

export function verdictLine(r: CheckReport): string {
  const t = r.tally;
  const parts = [
    t.fail ? `${t.fail} failed` : '',
    t.error ? `${t.error} could not run` : '',
    t.warn ? `${t.warn} warning${t.warn === 1 ? '' : 's'}` : '',
  ].filter(Boolean);
  return r.ready ? `Ready${parts.length ? ` (${parts.join(', ')})` : ''}: ${t.pass} passed.` : `Not ready: ${parts.join(', ')}.`;
}

/**
 * The table people read: CHECK STATUS DETAIL, then the verdict and the fixes. Drawn by hand, not
 * with cli-table3 like the other terminal tables (src/report/table.ts): cli-table3 measures every
 * cell with string-width, which builds its ANSI and emoji regular expressions on each call, and
 * that cost `mplsgre check` ~49 million instructions, 9% of the whole process (callgrind; README
 * "Start-up cost"). The layout is the same: a test holds the two to it (test/report/table.test.ts).
 */
export function renderCheckTable(r: CheckReport, style: Style): string {
  const idWidth = Math.max(5, ...r.checks.map((c) => c.id.length)) + 2;
  const lines = [
    `${r.target} (${oneLine(r.hostname)}), kernel ${oneLine(r.kernel ?? 'unknown')}`,
    `${pad('CHECK', idWidth)}${pad('STATUS', 8)}DETAIL`,
    ...r.checks.map((c) => `${pad(c.id, idWidth)}${paint(style, STATUS_COLOR[c.status], pad(c.status, 8))}${oneLine(c.summary)}`),
    '',
    paint(style, r.ready ? 'green' : 'red', verdictLine(r)),
  ];
  const fixes = r.checks.filter((c) => c.remediation && c.status !== 'pass' && c.status !== 'skip');
  if (fixes.length) {
    lines.push('Fixes:');
    for (const c of fixes) lines.push(`  ${c.id}: ${oneLine(c.remediation!)}`);
  }
  return lines.join('\n') + '\n';
}
