import type { FleetHost, FleetReport } from '../commands/fleet.js';
import { fleetExitCode } from '../commands/fleet.js';
import type { Status } from '../core/check.js';
import { oneLine, pad } from './check-text.js';
import { paint, type Style } from './style.js';

const CELL: Record<Status, [string, 'green' | 'yellow' | 'red' | 'dim' | 'magenta']> = {
  pass: ['ok', 'green'], warn: ['warn', 'yellow'], fail: ['FAIL', 'red'], skip: ['-', 'dim'], error: ['ERR', 'magenta'],
};

/** unreachable first, then not ready, then ready; inventory order within each. */
const rank = (h: FleetHost): number => (!h.reachable ? 0 : h.ready ? 2 : 1);

/** Hosts x checks: one row per host, one column per check (its id without the family). */
export function renderFleetTable(r: FleetReport, style: Style): string {
  const ids = [...new Set(r.hosts.flatMap((h) => (h.reachable ? h.checks.map((c) => c.id) : [])))];
  const cols = ids.map((id) => id.slice(id.indexOf('.') + 1));
  const widths = cols.map((c) => Math.max(4, c.length) + 2);
  const tw = Math.max(6, ...r.hosts.map((h) => [...h.target].length)) + 2;
  const sorted = r.hosts.map((h, i) => ({ h, i })).sort((a, b) => rank(a.h) - rank(b.h) || a.i - b.i).map((x) => x.h);
  const lines = [`${pad('TARGET', tw)}${pad('READY', 7)}${cols.map((c, i) => pad(c, widths[i]!)).join('')}`.trimEnd()];
  for (const h of sorted) {
    if (!h.reachable) {
      lines.push(`${pad(h.target, tw)}${paint(style, 'magenta', pad('-', 7))}${h.timedOut ? 'timed out' : 'unreachable'}: ${oneLine(h.error)}`);
      continue;
    }
    const byId = new Map(h.checks.map((c) => [c.id, c.status]));
    const cells = ids.map((id, i) => {
      const s = byId.get(id);
      const [text, color] = s ? CELL[s] : ['', 'dim' as const];
      return paint(style, color, pad(text, widths[i]!));
    });
    lines.push(`${pad(h.target, tw)}${paint(style, h.ready ? 'green' : 'red', pad(h.ready ? 'yes' : 'no', 7))}${cells.join('')}`.trimEnd());
  }
  const s = r.summary;
  lines.push('', `${s.hosts} host${s.hosts === 1 ? '' : 's'}: ${s.ready} ready, ${s.notReady} not ready, ${s.unreachable} unreachable or timed out ` +
    `(${(r.durationMs / 1000).toFixed(1)} s, concurrency ${r.concurrency}, exit ${fleetExitCode(r)})`);
  return lines.join('\n') + '\n';
}
