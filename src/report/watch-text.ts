import type { WatchSnapshot } from '../core/watch-state.js';
import { oneLine } from './check-text.js';
import { paint, type Style } from './style.js';

/** What `watch` prints when it stops: the last round's word on each direction and host. */
export function renderWatchText(s: WatchSnapshot, style: Style): string {
  const lines = [`${s.tunnel}: ${s.rounds} rounds${s.lastRoundAt === undefined ? '' : `, the last ended ${new Date(s.lastRoundAt * 1000).toISOString()}`}`];
  for (const d of s.directions) {
    const state = d.up ? paint(style, 'green', 'up') : paint(style, 'red', 'down');
    const rtt = d.rttMs === undefined ? '' : `, rtt ${d.rttMs} ms`;
    const cause = d.up || !d.cause ? '' : `: ${d.cause.id ?? 'cause unknown'} (${d.cause.confidence}): ${oneLine(d.cause.explanation)}${d.cause.evidence.length ? ` [${d.cause.evidence.map(oneLine).join('; ')}]` : ''}`;
    lines.push(`  ${d.from}->${d.to} label ${d.label}: ${state}, ${d.received}/${d.sent} answered${rtt}${cause}`);
  }
  for (const r of s.readiness) {
    const ready = r.ready === undefined ? (r.error ? `check could not run: ${oneLine(r.error)}` : 'not checked yet') : r.ready ? 'ready' : `not ready${r.failed?.length ? ` (${r.failed.map(oneLine).join('; ')})` : ''}`;
    lines.push(`  ${r.host} (${r.target}): ${ready}`);
  }
  for (const c of s.counters) if (!c.ok) lines.push(`  ${c.host} (${c.target}): counters unreadable: ${oneLine(c.error ?? '')}`);
  return lines.join('\n') + '\n';
}
