import type { Action, Plan, Step } from './plan-types.js';
import type { CheckAction } from './plan-check.js';
import { formatTarget } from './target.js';

const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * Shell-style quoting of argv for display only: plans are read by people and pasted into
 * terminals. mplsgre never executes this string.
 */
export function quoteForDisplay(argv: readonly string[]): string {
  return argv.map((w) => (SAFE_WORD.test(w) ? w : `'${w.replaceAll("'", `'\\''`)}'`)).join(' ');
}

/** An action as the command a person would type (display only). */
export function showAction(a: Action): string {
  switch (a.kind) {
    case 'exec':
      return quoteForDisplay(a.argv);
    case 'sysctl-write':
      return quoteForDisplay(['sysctl', '-w', `${a.key}=${a.value}`]);
    case 'sysctl-restore':
      return `${quoteForDisplay(['sysctl', '-w', `${a.key}=`])}<value recorded before the write>`;
    case 'modprobe':
      return quoteForDisplay(['modprobe', a.module]);
    case 'module-unload-if-loaded-by-us':
      return quoteForDisplay(['modprobe', '-r', a.module]);
  }
}

function showCheck(c: CheckAction): string {
  const e = c.inEffectWhen;
  const when =
    e.kind === 'json-includes' ? `output includes ${JSON.stringify(e.value)}`
    : e.kind === 'stdout-equals' ? `output is ${e.value}`
    : e.kind === 'int-at-least' ? `output is at least ${e.value}`
    : `output matches /${e.pattern}/`;
  return `${quoteForDisplay(c.argv)}  (in effect when ${when})`;
}

function showStep(s: Step, index: number, width: number): string[] {
  const pad = ' '.repeat(width + 2);
  const lines = [`${String(index + 1).padStart(width)}. ${s.description}${s.optional ? ' [optional]' : ''}  (${s.id})`];
  lines.push(`${pad}do:    ${showAction(s.do)}`);
  if (s.undo) lines.push(`${pad}undo:  ${showAction(s.undo)}${s.undoNote ? `  # ${s.undoNote}` : ''}`);
  else lines.push(`${pad}undo:  none: ${s.undoNote ?? 'nothing to undo'}`);
  if (s.check) lines.push(`${pad}check: ${showCheck(s.check)}`);
  return lines;
}

/** The plan for people: per host, numbered steps, each with the command, its undo and its check. */
export function renderPlan(p: Plan): string {
  const t = p.topology.tunnel;
  const out: string[] = [
    `Plan: ${t.mode} tunnel ${t.name}, overlay ${t.overlay}, platform_labels ${t.platformLabels}` +
      `${t.ttl === undefined ? '' : `, ttl ${t.ttl}`}, rp_filter ${p.topology.rpFilter}`,
    'Nothing has been changed. Steps run top to bottom; undos run bottom to top, only for steps that ran.',
  ];
  for (const hp of p.hosts) {
    const h = p.topology.hosts.find((x) => x.name === hp.name);
    const peer = p.topology.hosts.find((x) => x.name !== hp.name);
    out.push('');
    out.push(`Host ${hp.name} (${formatTarget(hp.target)}): underlay ${h?.underlay}, overlay ${h?.overlay}, pushes ${h?.label} toward ${peer?.name}, pops ${peer?.label}`);
    const width = String(hp.steps.length).length;
    hp.steps.forEach((s, i) => out.push(...showStep(s, i, width).map((l) => `  ${l}`)));
  }
  return `${out.join('\n')}\n`;
}
