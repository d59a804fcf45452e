import type { HostStatus, ObjectState, StatusObject, StatusReport } from '../core/status.js';
import { mdCell } from './check-markdown.js';
import { oneLine, pad } from './check-text.js';
import { escapePromHelp, escapePromLabel } from './escape.js';
import { paint, type Style } from './style.js';

const COLOR: Record<ObjectState, 'green' | 'red' | 'yellow'> = { 'in effect': 'green', missing: 'red', changed: 'yellow' };

/** "changed: found 0 (the value before up)". */
function foundText(o: StatusObject): string {
  if (o.state !== 'changed') return '';
  const before = o.before !== undefined && o.before === o.found ? ' (the value before up)' : '';
  return `found ${oneLine(o.found ?? '?')}${before}`;
}

const objectName = (o: StatusObject): string => `${o.kind} ${oneLine(o.object)}`;
/** "class voice; " for a traffic class's object. */
const classText = (o: StatusObject): string => (o.class === undefined ? '' : `class ${oneLine(o.class)}; `);

function hostLine(h: HostStatus): string {
  const bad = h.objects.filter((o) => o.state !== 'in effect').length;
  switch (h.state) {
    case 'in effect':
      return `${h.host} (${h.target}): all ${h.objects.length} objects in effect${h.recordedAt ? `, as up left them at ${h.recordedAt}` : ''}`;
    case 'drift':
      return `${h.host} (${h.target}): drift: ${bad} of ${h.objects.length} objects not as up left them` +
        (h.unrecorded.length ? `; up did not complete (not recorded: ${h.unrecorded.join(', ')})` : '') +
        (h.unplanned.length ? `; the record holds steps this file does not plan (changed since up?): ${h.unplanned.join(', ')}` : '');
    case 'not configured':
      return `${h.host} (${h.target}): not configured: ${oneLine(h.error ?? '')}`;
    case 'unreadable':
      return `${h.host} (${h.target}): cannot be read: ${oneLine(h.error ?? '')}`;
  }
}

/** The verdict line, with what to run. */
export function statusVerdict(r: StatusReport): string {
  if (r.ok) return `In effect: all ${r.counts.inEffect} objects up made on ${r.hosts.map((h) => h.host).join(' and ')}.`;
  const unreadable = r.hosts.filter((h) => h.state === 'unreadable');
  if (unreadable.length) return `Cannot tell: ${unreadable.map((h) => h.host).join(', ')} could not be read.`;
  if (r.hosts.every((h) => h.state === 'not configured')) return `Nothing configured: no record of an up for ${r.tunnel} (mplsgre up ${r.file}).`;
  const parts = [r.counts.missing ? `${r.counts.missing} missing` : '', r.counts.changed ? `${r.counts.changed} changed` : ''].filter(Boolean);
  const unconfigured = r.hosts.filter((h) => h.state === 'not configured').map((h) => h.host);
  // up creates a tunnel but never rewrites one in place: a changed tunnel makes up fail (File exists).
  const tunnels = r.hosts.flatMap((h) => h.objects.filter((o) => o.kind === 'tunnel' && o.state === 'changed').map((o) => `${o.object} on ${h.host}`));
  const fix = tunnels.length
    ? `mplsgre up cannot change a tunnel in place (${tunnels.join(', ')}): mplsgre down ${r.file}, then mplsgre up ${r.file}.`
    : `mplsgre up ${r.file} puts it back.`;
  return `Drift: ${parts.join(', ') || 'the records do not match this file'}${unconfigured.length ? `; no record on ${unconfigured.join(', ')}` : ''}. ${fix}`;
}

/** HOST KIND OBJECT EXPECTED STATE, then a line per host and the verdict. */
export function renderStatusTable(r: StatusReport, style: Style): string {
  const rows = r.hosts.flatMap((h) => h.objects.map((o) => ({ h, o })));
  const w = (f: (x: { h: HostStatus; o: StatusObject }) => string, min: number): number => Math.max(min, ...rows.map((x) => [...f(x)].length)) + 2;
  const hw = w((x) => x.h.host, 4);
  const kw = w((x) => x.o.kind, 4);
  const ow = w((x) => oneLine(x.o.object), 6);
  const ew = w((x) => oneLine(x.o.expected), 8);
  const out = [`${r.tunnel} (${oneLine(r.file)})`];
  if (rows.length) {
    out.push(`${pad('HOST', hw)}${pad('KIND', kw)}${pad('OBJECT', ow)}${pad('EXPECTED', ew)}STATE`);
    for (const { h, o } of rows) {
      const found = foundText(o);
      out.push(`${pad(h.host, hw)}${pad(o.kind, kw)}${pad(oneLine(o.object), ow)}${pad(oneLine(o.expected), ew)}${paint(style, COLOR[o.state], o.state)}${found ? `: ${found}` : ''}`);
    }
    out.push('');
  }
  out.push(...r.hosts.map(hostLine));
  const drift = rows.filter((x) => x.o.state !== 'in effect');
  if (drift.length) {
    out.push('', 'Not as up left them:');
    for (const { h, o } of drift) out.push(`  ${h.host}: ${objectName(o)} ${o.state} (${classText(o)}expected ${oneLine(o.expected)}${o.state === 'changed' ? `, ${foundText(o)}` : ''})`);
  }
  out.push('', paint(style, r.ok ? 'green' : 'red', statusVerdict(r)));
  return out.join('\n') + '\n';
}

export function renderStatusMarkdown(r: StatusReport): string {
  const out = [
    `# ${mdCell(r.tunnel)}: status against what up recorded`,
    '',
    `**${mdCell(statusVerdict(r))}**`,
    '',
    ...r.hosts.map((h) => `- ${mdCell(hostLine(h))}`),
    '',
    '| Host | Kind | Object | Expected | State | Found |',
    '| --- | --- | --- | --- | --- | --- |',
    ...r.hosts.flatMap((h) => h.objects.map((o) =>
      `| ${mdCell(h.host)} | ${o.kind} | \`${mdCell(o.object)}\`${o.class === undefined ? '' : ` (class ${mdCell(o.class)})`} | ${mdCell(o.expected)} | ${o.state === 'in effect' ? '✅' : '❌'} ${o.state} | ${mdCell(foundText(o))} |`)),
    '',
  ];
  return out.join('\n');
}

const sample = (name: string, labels: readonly (readonly [string, string])[], value: number): string =>
  `${name}{${labels.map(([k, v]) => `${k}="${escapePromLabel(v)}"`).join(',')}} ${value}`;

/**
 * node_exporter textfile format:
 * - `mplsgre_status_object{tunnel,host,kind,object[,class]}`: 1 in effect as up left it, 0 missing or changed
 *   (`class` on a traffic class's objects);
 * - `mplsgre_status_in_effect{tunnel,host}`: 1 when everything up made on the host is in effect;
 * - `mplsgre_status_host_readable{tunnel,host}`: 0 when the host could not be read (no other sample then).
 */
export function renderStatusPrometheus(r: StatusReport): string {
  const fam = (name: string, help: string, samples: string[]): string[] => [`# HELP ${name} ${escapePromHelp(help)}`, `# TYPE ${name} gauge`, ...samples];
  const hl = (h: HostStatus): [string, string][] => [['tunnel', r.tunnel], ['host', h.host]];
  const readable = r.hosts.filter((h) => h.state !== 'unreadable');
  return [
    ...fam('mplsgre_status_object', '1 when the object mplsgre up made is in effect as up left it, 0 when missing or changed.',
      r.hosts.flatMap((h) => h.objects.map((o) => sample('mplsgre_status_object', [...hl(h), ['kind', o.kind], ['object', o.object], ...(o.class === undefined ? [] : [['class', o.class] as const])], o.state === 'in effect' ? 1 : 0)))),
    ...fam('mplsgre_status_in_effect', '1 when everything mplsgre up made on the host is in effect as up left it, else 0 (drift, or no record).',
      readable.map((h) => sample('mplsgre_status_in_effect', hl(h), h.state === 'in effect' ? 1 : 0))),
    ...fam('mplsgre_status_host_readable', '1 when mplsgre status could read the host, 0 when it could not.',
      r.hosts.map((h) => sample('mplsgre_status_host_readable', hl(h), h.state === 'unreadable' ? 0 : 1))),
  ].join('\n') + '\n';
}
