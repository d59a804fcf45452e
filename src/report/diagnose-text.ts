import type { DiagnoseReport } from '../commands/diagnose.js';
import type { Evidence } from '../core/check.js';
import type { Confidence, Finding } from '../diagnose/types.js';
import { oneLine, renderCheckTable } from './check-text.js';
import { paint, type Style } from './style.js';

const COLOR: Record<Confidence, 'red' | 'yellow' | 'dim'> = { certain: 'red', likely: 'yellow', possible: 'dim' };

/** "/proc/sys/net/mpls absent", "/lib/.../mpls_router.ko" (a file that is there needs no word). */
function evidenceText(e: Evidence): string {
  if (e.value === 'present') return oneLine(e.source);
  if (e.value === 'absent') return `${oneLine(e.source)} absent`;
  return `${oneLine(e.source)}: ${oneLine(e.value)}`;
}

function renderFinding(f: Finding, style: Style, header: boolean): string[] {
  const lines: string[] = [];
  if (header) {
    lines.push(paint(style, 'bold', f.command ? `$ ${oneLine(f.command)}` : '(no command)'));
    lines.push(`  ${oneLine(f.message)}`);
  }
  const pad = header ? '  ' : '';
  if (f.known === null) lines.push(`${pad}unknown message: not in mplsgre's knowledge base; the check of this host follows`);
  // "possible" causes matter only when nothing stronger stands out (--json lists them all).
  const strong = f.causes.filter((c) => c.confidence !== 'possible');
  const shown = strong.length ? strong : f.causes;
  // Certain causes are all there: each needs its fix ("and"); "or" only before an alternative.
  shown.forEach((c, i) => {
    const label = i === 0 ? 'cause' : c.confidence === 'certain' && shown[i - 1]?.confidence === 'certain' ? 'and' : 'or';
    lines.push(`${pad}${label}: ${c.id} (${paint(style, COLOR[c.confidence], c.confidence)})`);
    lines.push(`${pad}  ${oneLine(c.explanation)}`);
    if (c.evidence.length) lines.push(`${pad}  evidence: ${c.evidence.map(evidenceText).join('; ')}`);
    lines.push(`${pad}  fix: ${oneLine(c.fix)}`);
  });
  const hidden = f.causes.filter((c) => !shown.includes(c));
  if (hidden.length) lines.push(`${pad}also possible: ${hidden.map((c) => c.id).join(', ')} (--json for the details)`);
  if (f.ruledOut.length) {
    lines.push(`${pad}ruled out: ${f.ruledOut.map((r) => `${r.id} (${oneLine(r.explanation)})`).join('; ')}`);
  }
  if (f.note && f.known !== null) lines.push(`${pad}note: ${oneLine(f.note)}`);
  return lines;
}

/** What people read: per error line, the ranked causes with their evidence and fix. */
export function renderDiagnoseText(r: DiagnoseReport, style: Style): string {
  const header = r.input === 'transcript' || r.findings.length > 1;
  const blocks = r.findings.map((f) => renderFinding(f, style, header).join('\n'));
  const out: string[] = [];
  if (r.findings.length === 0) out.push('no error message found in the input');
  out.push(...blocks.flatMap((b, i) => (i === 0 ? [b] : ['', b])));
  if (r.check) {
    out.push('', paint(style, 'bold', 'check (what is wrong on this host, whatever the message):'), renderCheckTable(r.check, style).trimEnd());
  }
  return out.join('\n') + '\n';
}
