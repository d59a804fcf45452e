import type { FleetHost, FleetReport } from '../commands/fleet.js';
import { fleetExitCode } from '../commands/fleet.js';
import type { Status } from '../core/check.js';
import { mdCell } from './check-markdown.js';
import { oneLine, verdictLine } from './check-text.js';
import { paint, type Style } from './style.js';
import { drawTable, type Span } from './table.js';

const CELL: Record<Status, [string, 'green' | 'yellow' | 'red' | 'dim' | 'magenta']> = {
  pass: ['ok', 'green'], warn: ['warn', 'yellow'], fail: ['FAIL', 'red'], skip: ['-', 'dim'], error: ['ERR', 'magenta'],
};

/** unreachable first, then not ready, then ready; inventory order within each. */
const rank = (h: FleetHost): number => (!h.reachable ? 0 : h.ready ? 2 : 1);

/** The hosts a reader must act on first: unreachable, then not ready, then ready; inventory order within each. */
export const failingFirst = (hosts: readonly FleetHost[]): FleetHost[] =>
  hosts.map((h, i) => ({ h, i })).sort((a, b) => rank(a.h) - rank(b.h) || a.i - b.i).map((x) => x.h);

/** Check ids in the order the hosts report them. */
const checkIds = (hosts: readonly FleetHost[]): string[] => [...new Set(hosts.flatMap((h) => (h.reachable ? h.checks.map((c) => c.id) : [])))];

const summaryLine = (r: FleetReport): string => {
  const s = r.summary;
  return `${s.hosts} host${s.hosts === 1 ? '' : 's'}: ${s.ready} ready, ${s.notReady} not ready, ${s.unreachable} unreachable or timed out ` +
    `(${(r.durationMs / 1000).toFixed(1)} s, concurrency ${r.concurrency}, exit ${fleetExitCode(r)})`;
};

/**
 * Hosts x checks: one row per host, one column per check (its id without the family). An
 * unreachable host's error spans the check columns, on its host's line (one line per host, for grep).
 */
export function renderFleetTable(r: FleetReport, style: Style): string {
  const ids = checkIds(r.hosts);
  const cols = ids.map((id) => id.slice(id.indexOf('.') + 1));
  const rows = failingFirst(r.hosts).map((h): (string | Span)[] => {
    if (!h.reachable) {
      const why = `${h.timedOut ? 'timed out' : 'unreachable'}: ${oneLine(h.error)}`;
      return [h.target, paint(style, 'magenta', '-'), ids.length > 1 ? { content: why, colSpan: ids.length } : why];
    }
    const byId = new Map(h.checks.map((c) => [c.id, c.status]));
    const cells = ids.map((id) => {
      const s = byId.get(id);
      return s ? paint(style, CELL[s][1], CELL[s][0]) : '';
    });
    return [h.target, paint(style, h.ready ? 'green' : 'red', h.ready ? 'yes' : 'no'), ...cells];
  });
  // The check columns keep the width of their own cells (at least 4: FAIL, warn); a spanning
  // error widens only the last one, whose trailing blanks are cut.
  const widths = [null, null, ...cols.slice(0, -1).map((c) => Math.max(4, c.length) + 2), null];
  const lines = drawTable(rows, { head: ['TARGET', 'READY', ...(cols.length ? cols : [''])], ...(ids.length > 1 ? { widths } : {}) });
  lines.push('', summaryLine(r));
  return lines.join('\n') + '\n';
}

const MD_CELL: Record<Status, string> = { pass: '✅', warn: '⚠️', fail: '❌', skip: '⏭', error: '❗' };

/** Markdown: the summary, the hosts x checks table (failing hosts first), then each failing host's fixes. */
export function renderFleetMarkdown(r: FleetReport): string {
  const ids = checkIds(r.hosts);
  const sorted = failingFirst(r.hosts);
  const row = (h: FleetHost): string => {
    if (!h.reachable) return `| ${mdCell(h.target)} | ${h.timedOut ? 'timed out' : 'unreachable'}: ${mdCell(h.error)} |${' |'.repeat(ids.length)}`;
    const byId = new Map(h.checks.map((c) => [c.id, c.status]));
    return `| ${mdCell(h.target)} (${mdCell(h.hostname)}) | ${h.ready ? 'ready' : '**not ready**'} | ${ids.map((id) => { const st = byId.get(id); return st ? MD_CELL[st] : ''; }).join(' | ')} |`;
  };
  const fixes = sorted.flatMap((h) => {
    if (!h.reachable || h.ready) return [];
    const todo = h.checks.filter((c) => c.status === 'fail' || c.status === 'error' || (c.status === 'warn' && h.options.failOn === 'warn'));
    return ['', `### ${mdCell(h.target)} (${mdCell(h.hostname)}): ${verdictLine(h)}`, '', ...todo.flatMap((c) => [`- \`${c.id}\`: ${mdCell(c.summary)}`, ...(c.remediation ? [`  - fix: ${mdCell(c.remediation)}`] : [])])];
  });
  return [
    '# MPLS over GRE readiness: fleet',
    '',
    `**${summaryLine(r)}**`,
    '',
    `| Host | Verdict | ${ids.map((id) => `\`${id.slice(id.indexOf('.') + 1)}\``).join(' | ')} |`,
    `| --- | --- |${' --- |'.repeat(ids.length)}`,
    ...sorted.map(row),
    ...(fixes.length ? ['', '## Fixes', ...fixes] : []),
    '',
  ].join('\n');
}
