import type { CheckReport } from '../commands/check.js';
import { oneLine, verdictLine } from './check-text.js';

/** Markdown table cells: pipes and backticks escaped, newlines folded. */
export const mdCell = (s: string): string => oneLine(s).replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/`/g, '\\`').replace(/</g, '&lt;');

const ICON = { pass: '✅ pass', warn: '⚠️ warn', fail: '❌ fail', skip: '⏭ skip', error: '❗ error' } as const;

export function renderCheckMarkdown(r: CheckReport): string {
  const out = [
    `# MPLS over GRE readiness: ${mdCell(r.hostname)} (${mdCell(r.target)})`,
    '',
    `**${verdictLine(r)}**`,
    '',
    `Kernel ${mdCell(r.kernel ?? 'unknown')} · ${r.startedAt} · ${r.durationMs} ms` +
      (r.options.iface ? ` · interface \`${mdCell(r.options.iface)}\`` : '') +
      (r.options.labels.length ? ` · labels ${r.options.labels.join(', ')}` : ''),
    '',
    '| Check | Status | Detail | Fix |',
    '| --- | --- | --- | --- |',
    ...r.checks.map((c) => `| \`${c.id}\` | ${ICON[c.status]} | ${mdCell(c.summary)} | ${c.remediation && c.status !== 'pass' ? mdCell(c.remediation) : ''} |`),
    '',
    '<details><summary>Evidence</summary>',
    '',
    ...r.checks.flatMap((c) => [`- \`${c.id}\``, ...c.evidence.map((e) => `  - ${mdCell(e.source)}: ${mdCell(e.value)}`)]),
    '',
    '</details>',
    '',
  ];
  return out.join('\n');
}
