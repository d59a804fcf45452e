import type { DiagnoseReport } from '../commands/diagnose.js';
import type { ApplyResult, StepReport } from '../engine/apply.js';
import type { DryRunResult } from '../engine/dry-run.js';
import type { RemoveResult } from '../engine/remove.js';
import type { VerifyResult } from '../engine/verify.js';
import { oneLine, pad } from './check-text.js';
import { paint, type Style } from './style.js';
import { drawTable } from './table.js';

/** Steps as a table under their heading: OUTCOME, step id, what it did. A failed step's message is said once, in the failure line below the steps. */
const steps = (list: readonly StepReport[]): string[] =>
  drawTable(list.map((s) => [s.outcome, s.id, oneLine((s.outcome === 'failed' ? undefined : s.detail) ?? s.description)]), { indent: '  ' });

export function renderApply(r: ApplyResult & { diagnosis?: DiagnoseReport }, style: Style): string {
  const out = steps(r.steps);
  if (r.ok) {
    out.push('', paint(style, 'green', r.changed === 0 ? `Nothing changed: all ${r.already} steps already in effect.` : `Up: ${r.changed} changed, ${r.already} already in effect.`));
  } else {
    out.push('', paint(style, 'red', `Failed at ${r.failure!.step} on ${r.failure!.host}: ${oneLine(r.failure!.message)}`));
    if (r.rolledBack.length) out.push(`Rolled back ${r.rolledBack.length} step(s), newest first:`, ...steps(r.rolledBack));
    else out.push('Nothing had been changed: no step of this run made a change before the failure, so there was nothing to roll back.');
    const top = r.diagnosis?.findings[0]?.causes[0];
    if (top) out.push(`Diagnosis: ${top.id} (${top.confidence}): ${oneLine(top.explanation)}`, `  fix: ${oneLine(top.fix)}`);
    else out.push(`Diagnose: mplsgre diagnose ${JSON.stringify(r.failure!.stderr || r.failure!.message)} --command ${JSON.stringify(r.failure!.argv.join(' '))}`);
  }
  return out.join('\n') + '\n';
}

/** `up --dry-run`: each step as up would take it now, and the command it would run. */
export function renderDryRun(r: DryRunResult, file: string, style: Style): string {
  const out = [`Dry run of mplsgre up ${oneLine(file)}: read from both hosts; nothing was changed and no state record was written.`];
  for (const s of r.steps) {
    const label = s.outcome === 'in-effect' ? 'in effect' : s.outcome === 'unknown' ? 'unknown' : 'change';
    const colour = s.outcome === 'in-effect' ? 'green' : s.outcome === 'unknown' ? 'red' : 'yellow';
    out.push(`  ${paint(style, colour, label)}${' '.repeat(11 - label.length)}${pad(s.id, 28)}${oneLine(s.description)}${s.optional && !s.description.includes('optional') ? ' [optional]' : ''}`);
    if (s.outcome === 'would-change') out.push(`${' '.repeat(41)}$ ${oneLine(s.command)}`);
    if (s.outcome === 'unknown') out.push(`${' '.repeat(41)}could not tell: ${oneLine(s.reason ?? 'the check did not run')}; up would run: ${oneLine(s.command)}`);
  }
  const unknown = r.unknown ? `; ${r.unknown} could not be read (up would run them)` : '';
  out.push('', r.wouldChange === 0 && r.unknown === 0
    ? paint(style, 'green', `Nothing to change: all ${r.inEffect} steps already in effect.`)
    : `up would change ${r.wouldChange} step(s); ${r.inEffect} already in effect${unknown}.`);
  return out.join('\n') + '\n';
}

export function renderRemove(r: RemoveResult, style: Style): string {
  const out = steps(r.steps);
  if (r.unrecorded.length) out.push(`  no record of an up on ${r.unrecorded.join(', ')}: nothing removed there`);
  out.push('', r.ok ? paint(style, 'green', `Down: ${r.undone} step(s) undone.`) : paint(style, 'red', 'Down incomplete: the failed steps stay recorded; run down again.'));
  return out.join('\n') + '\n';
}

const MIB = 1024 * 1024;
/** A byte count as a person reads it: MiB from one MiB up. */
export const size = (n: number): string => (n >= MIB ? `${Math.round((n / MIB) * 10) / 10} MiB` : `${n} bytes`);

/** One direction's transfer in a line: what arrived, at what rate, what the captures saw. */
function tcpLine(t: NonNullable<VerifyResult['directions'][number]['tcp']>): string {
  if (t.skipped) return `tcp: not run: ${oneLine(t.reason ?? '')}`;
  const rate = t.throughputMbps !== null ? ` at ${t.throughputMbps} Mbit/s` : '';
  const seen = `${t.segmentsInGre} segment(s) labelled in GRE at the receiver, largest ${t.largestSegment} bytes leaving${t.mplsGso === false ? ', mpls_gso not loaded' : ''}`;
  return t.ok
    ? `tcp: ${size(t.bytes)} delivered${rate}, digests match; ${seen}`
    : `tcp: FAILED: ${oneLine(t.reason ?? '')} (${size(t.bytes)} of ${size(t.sent)} delivered${t.digestMatch ? '' : ', digests differ'}; ${seen})`;
}

type ClassResult = NonNullable<VerifyResult['classes']>[number];

/** One class each way: its label, outer DSCP and replies, or why it failed and its cause. */
function classLine(c: ClassResult, style: Style): string {
  const head = `class ${c.name} ${c.from}->${c.to} DSCP ${c.dscp}${c.mark !== undefined ? ` mark ${c.mark}` : ''} label ${c.label}: ${c.received}/${c.sent} replies`;
  const seen = c.ok ? `${c.tc ? `tc ${c.tc.join(', ')}, ` : ''}outer DSCP ${c.outerDscp.join(', ')}, inner kept, replies under ${c.replyLabel}` : oneLine(c.explanation);
  const line = paint(style, c.ok ? 'green' : 'red', `${c.ok ? 'ok  ' : 'FAIL'} ${head}; ${seen}`);
  const rc = c.rootCause;
  return rc ? `${line}\n     cause: ${rc.id ?? 'unknown'} (${rc.confidence}): ${oneLine(rc.explanation)}${rc.evidence.length ? `\n     evidence: ${oneLine(rc.evidence.join('; '))}` : ''}${rc.fix ? `\n     fix: ${oneLine(rc.fix)}` : ''}` : line;
}

export function renderVerify(r: VerifyResult, style: Style): string {
  const out = r.directions.map((d) => {
    const head = `${d.from}->${d.to} label ${d.label}${d.outerDscp ? ` outer DSCP ${d.outerDscp.join(', ')}` : ''}: ${d.received}/${d.sent} replies`;
    const rtt = d.rttMs ? `, rtt ${d.rttMs.avg} ms` : '';
    const mtu = d.mtu?.largestPayload ? `; largest payload ${d.mtu.largestPayload} (packet ${d.mtu.largestTunnelPacket} in a ${d.mtu.tunnelMtu}-byte tunnel)` : '';
    const line = paint(style, d.ok ? 'green' : 'red', `${d.ok ? 'ok  ' : 'FAIL'} ${head}${rtt}; ${oneLine(d.explanation)}${mtu}`);
    const tcp = d.tcp ? `\n     ${tcpLine(d.tcp)}` : '';
    const rc = d.rootCause;
    return rc ? `${line}${tcp}\n     cause: ${rc.id ?? 'unknown'} (${rc.confidence}): ${oneLine(rc.explanation)}${rc.evidence.length ? `\n     evidence: ${oneLine(rc.evidence.join('; '))}` : ''}${rc.fix ? `\n     fix: ${oneLine(rc.fix)}` : ''}` : `${line}${tcp}`;
  });
  for (const c of r.classes ?? []) out.push(classLine(c, style));
  const what = (w: string): string => (w === 'mtu' ? 'MTU probes' : w === 'tcp' ? 'TCP transfer' : w);
  const skippedAll = r.skipped.filter((s) => !s.direction && !s.host);
  if (skippedAll.length) out.push(`skipped: ${skippedAll.map((s) => what(s.what)).join(', ')}: ${oneLine(skippedAll[0]!.reason)}`);
  for (const s of r.skipped.filter((x) => x.direction || x.host)) out.push(`skipped: ${what(s.what)} ${s.direction ?? `on ${s.host}`}: ${oneLine(s.reason)}`);
  // The drops only: packets and bytes moved on every working tunnel (they are in --json).
  const drops = r.counters.flatMap((c) => c.moved.filter((m) => /errors|dropped|noroute/.test(m.counter)).map((m) => `${m.counter} +${m.delta} on ${c.host}'s ${m.ifname}`));
  if (r.counters.some((c) => c.ok)) out.push(`mpls drops counted: ${drops.length ? drops.join(', ') : 'none'}`);
  const captures = r.captures.length ? ` (captures: ${r.captures.map((c) => `${c.host}:${c.iface} ${c.captured ?? '?'} pkts`).join(', ')})` : '';
  out.push('', `${r.ok ? 'Verified' : 'Not verified'} in ${r.durationMs} ms${captures}`);
  return out.join('\n') + '\n';
}
