import type { DiagnoseReport } from '../commands/diagnose.js';
import type { ApplyResult, StepReport } from '../engine/apply.js';
import type { RemoveResult } from '../engine/remove.js';
import type { VerifyResult } from '../engine/verify.js';
import { oneLine } from './check-text.js';
import { paint, type Style } from './style.js';
import { drawTable } from './table.js';

/** Steps as a table under their heading: OUTCOME, step id, what it did. */
const steps = (list: readonly StepReport[]): string[] => drawTable(list.map((s) => [s.outcome, s.id, oneLine(s.detail ?? s.description)]), { indent: '  ' });

export function renderApply(r: ApplyResult & { diagnosis?: DiagnoseReport }, style: Style): string {
  const out = steps(r.steps);
  if (r.ok) {
    out.push('', paint(style, 'green', r.changed === 0 ? `Nothing changed: all ${r.already} steps already in effect.` : `Up: ${r.changed} changed, ${r.already} already in effect.`));
  } else {
    out.push('', paint(style, 'red', `Failed at ${r.failure!.step} on ${r.failure!.host}: ${oneLine(r.failure!.message)}`));
    out.push(`Rolled back ${r.rolledBack.length} step(s), newest first:`, ...steps(r.rolledBack));
    const top = r.diagnosis?.findings[0]?.causes[0];
    if (top) out.push(`Diagnosis: ${top.id} (${top.confidence}): ${oneLine(top.explanation)}`, `  fix: ${oneLine(top.fix)}`);
    else out.push(`Diagnose: mplsgre diagnose ${JSON.stringify(r.failure!.stderr || r.failure!.message)} --command ${JSON.stringify(r.failure!.argv.join(' '))}`);
  }
  return out.join('\n') + '\n';
}

export function renderRemove(r: RemoveResult, style: Style): string {
  const out = steps(r.steps);
  if (r.unrecorded.length) out.push(`  no record of an up on ${r.unrecorded.join(', ')}: nothing removed there`);
  out.push('', r.ok ? paint(style, 'green', `Down: ${r.undone} step(s) undone.`) : paint(style, 'red', 'Down incomplete: the failed steps stay recorded; run down again.'));
  return out.join('\n') + '\n';
}

export function renderVerify(r: VerifyResult, style: Style): string {
  const out = r.directions.map((d) => {
    const head = `${d.from}->${d.to} label ${d.label}: ${d.received}/${d.sent} replies`;
    const rtt = d.rttMs ? `, rtt ${d.rttMs.avg} ms` : '';
    const mtu = d.mtu?.largestPayload ? `; largest payload ${d.mtu.largestPayload} (packet ${d.mtu.largestTunnelPacket} in a ${d.mtu.tunnelMtu}-byte tunnel)` : '';
    const line = paint(style, d.ok ? 'green' : 'red', `${d.ok ? 'ok  ' : 'FAIL'} ${head}${rtt}; ${oneLine(d.explanation)}${mtu}`);
    const rc = d.rootCause;
    return rc ? `${line}\n     cause: ${rc.id ?? 'unknown'} (${rc.confidence}): ${oneLine(rc.explanation)}${rc.evidence.length ? `\n     evidence: ${oneLine(rc.evidence.join('; '))}` : ''}${rc.fix ? `\n     fix: ${oneLine(rc.fix)}` : ''}` : line;
  });
  out.push('', `${r.ok ? 'Verified' : 'Not verified'} in ${r.durationMs} ms (captures: ${r.captures.map((c) => `${c.host}:${c.iface} ${c.captured ?? '?'} pkts`).join(', ')})`);
  return out.join('\n') + '\n';
}
