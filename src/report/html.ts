import type { CheckReport } from '../commands/check.js';
import type { UnreachableHost } from '../commands/fleet.js';
import type { CheckResult, Status } from '../core/check.js';
import { verdictLine } from './check-text.js';
import { escapeHtml as h } from './escape.js';

/**
 * Self-contained HTML reports: one file, inline CSS, no script, no external load (the
 * Content-Security-Policy forbids them). Every host-provided string goes through `escapeHtml`.
 * `htmlPage`, `statusBadge` and `STATUS_ORDER` are shared so `verify` and `fleet` pages look alike.
 */

/** Most urgent first: what a reader must act on leads. */
export const STATUS_ORDER: readonly Status[] = ['fail', 'error', 'warn', 'skip', 'pass'];
const urgent = (s: Status): boolean => s === 'fail' || s === 'error' || s === 'warn';

const CSS = `
:root{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;background:#fff}
body{margin:0 auto;max-width:1200px;padding:0 1rem 2rem}
h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.2rem;margin:1.6rem 0 .6rem}h3{font-size:1rem;margin:0 0 .3rem}
code,pre{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
pre{white-space:pre-wrap;word-break:break-word;margin:.3rem 0}
.verdict{margin:1rem 0;padding:1rem 1.2rem;border-radius:8px;border-left:8px solid}
.verdict.ok{background:#dafbe1;border-color:#1a7f37}.verdict.bad{background:#ffebe9;border-color:#cf222e}
.verdict p{margin:.2rem 0;color:#424a53}
.badge{display:inline-block;min-width:3.2em;text-align:center;padding:0 .4em;border-radius:4px;font-weight:600;font-size:.85em}
.s-pass{background:#dafbe1;color:#116329}.s-warn{background:#fff8c5;color:#7d4e00}.s-fail{background:#ffebe9;color:#a40e26}
.s-error{background:#fbefff;color:#6639ba}.s-skip{background:#f6f8fa;color:#57606a}
.check{border:1px solid #d0d7de;border-radius:8px;padding:.7rem 1rem;margin:.6rem 0}
.check.s-fail,.check.s-error{border-left:6px solid #cf222e;background:#fff;color:inherit}.check.s-warn{border-left:6px solid #d4a72c;background:#fff;color:inherit}
.fix{background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:.5rem .7rem}
.fix-label{font-weight:600;margin:.4rem 0 0}
details>summary{cursor:pointer;color:#0969da}
dl{margin:.3rem 0;display:grid;grid-template-columns:max-content 1fr;gap:.1rem .8rem}dt{color:#57606a}dd{margin:0}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #d8dee4;padding:.35rem .5rem;text-align:left;vertical-align:top}
thead th{position:sticky;top:0;background:#fff}
.matrix td.cell{text-align:center;font-weight:600;white-space:nowrap}.matrix thead th.col{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap;font-weight:500}
.matrix a{color:inherit;text-decoration:none}
.filter{margin:.5rem 0;display:inline-block;padding:.3rem .6rem;border:1px solid #d0d7de;border-radius:6px}
body:has(#failing-only:checked) .hide-when-failing-only{display:none}
body:has(#unreachable-only:checked) .hide-when-unreachable-only{display:none}
.matrix tr.unreachable td.error{color:#6639ba;background:#fbefff;font-weight:600}
footer{margin-top:2rem;color:#57606a;font-size:.85em}
`;

/** A page: the CSP allows this stylesheet (by hash) and nothing else, no script at all. */
export function htmlPage(title: string, body: string): string {
  const styleHash = process.getBuiltinModule('node:crypto').createHash('sha256').update(CSS).digest('base64');
  const csp = `default-src 'none'; style-src 'sha256-${styleHash}'; script-src 'none'; img-src 'none'; base-uri 'none'; form-action 'none'`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${h(csp)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${h(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head><body>',
    body,
    '</body></html>',
    '',
  ].join('\n');
}

export const statusBadge = (s: Status): string => `<span class="badge s-${s}">${s}</span>`;

/** An element id from any text: ids must not hold spaces, and stay readable in a URL. */
const anchor = (hostIndex: number, checkId: string): string => `h${hostIndex}-${checkId.replace(/[^A-Za-z0-9._-]/g, '_')}`;

function evidence(c: CheckResult): string {
  if (!c.evidence.length) return '';
  const rows = c.evidence.map((e) => `<dt>${h(e.source)}</dt><dd><code>${h(e.value)}</code></dd>`).join('');
  return `<details><summary>Evidence (${c.evidence.length})</summary><dl>${rows}</dl></details>`;
}

function checkCard(c: CheckResult, hostIndex: number): string {
  return [
    `<article class="check s-${c.status}" id="${anchor(hostIndex, c.id)}">`,
    `<h3>${statusBadge(c.status)} <code>${h(c.id)}</code> ${h(c.title)}</h3>`,
    `<p class="summary">${h(c.summary)}</p>`,
    c.remediation ? `<p class="fix-label">Fix</p><pre class="fix">${h(c.remediation)}</pre>` : '',
    evidence(c),
    '</article>',
  ].join('\n');
}

const byUrgency = (checks: readonly CheckResult[]): CheckResult[] =>
  [...checks].sort((a, b) => STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status));

/** One host's findings: failing checks with their fixes first, then every check with evidence folded. */
function hostBody(r: CheckReport, hostIndex: number): string {
  const todo = byUrgency(r.checks.filter((c) => urgent(c.status)));
  const rows = r.checks.map((c) => `<tr class="s-row-${c.status}"><td>${statusBadge(c.status)}</td><td><code>${h(c.id)}</code></td><td>${h(c.summary)}${evidence(c)}</td></tr>`);
  return [
    todo.length ? `<section class="todo"><h2>Fix first (${todo.length})</h2>\n${todo.map((c) => checkCard(c, hostIndex)).join('\n')}\n</section>` : '',
    `<section class="all"><h2>All checks (${r.checks.length})</h2>`,
    '<table><thead><tr><th>Status</th><th>Check</th><th>Detail</th></tr></thead><tbody>',
    ...rows,
    '</tbody></table></section>',
  ].join('\n');
}

function context(r: CheckReport): string {
  const o = r.options;
  return [
    `host <b>${h(r.hostname)}</b> (${h(r.target)})`,
    `kernel ${h(r.kernel ?? 'unknown')}`,
    o.iface ? `interface <code>${h(o.iface)}</code>` : '',
    o.labels.length ? `labels ${h(o.labels.join(', '))}` : '',
    `${h(r.startedAt)}, ${r.durationMs} ms`,
  ].filter(Boolean).join(' · ');
}

/** `mplsgre check --format html`: the verdict, then failing checks with their fixes, then all. */
export function renderCheckHtml(r: CheckReport): string {
  const verdict = verdictLine(r);
  return htmlPage(`mplsgre check: ${r.hostname}: ${verdict}`, [
    `<header class="verdict ${r.ready ? 'ok' : 'bad'}"><h1>${h(verdict)}</h1>`,
    `<p>MPLS over GRE readiness: ${context(r)}</p></header>`,
    '<main>',
    hostBody(r, 0),
    '</main>',
    `<footer>mplsgre check${r.options.failOn === 'warn' ? ' --fail-on warn' : ''}${r.options.ignore.length ? ` (ignored: ${h(r.options.ignore.join(', '))})` : ''}</footer>`,
  ].join('\n'));
}

const resultOf = (r: CheckReport, id: string): CheckResult | undefined => r.checks.find((c) => c.id === id);

/**
 * Many hosts: a hosts x checks matrix (unreachable hosts first, then not-ready, then ready), two
 * filters that need no script (CSS `:has` on checkboxes: failing only, unreachable only), and each
 * host's findings folded below. Unreachable hosts are listed with their error, never dropped.
 */
export function renderFleetHtml(reports: readonly CheckReport[], unreachable: readonly UnreachableHost[] = []): string {
  const order = reports.map((r, i) => ({ r, i })).sort((a, b) => Number(a.r.ready) - Number(b.r.ready) || a.r.hostname.localeCompare(b.r.hostname));
  const ids = [...new Set(reports.flatMap((r) => r.checks.map((c) => c.id)))];
  const ready = reports.filter((r) => r.ready).length;
  const total = reports.length + unreachable.length;
  const quietColumn = (id: string): boolean => reports.every((r) => !urgent(resultOf(r, id)?.status ?? 'pass'));
  const failingIds = ids.filter((id) => !quietColumn(id));
  const colClass = (id: string): string => (quietColumn(id) ? ' hide-when-failing-only' : '');
  const head = `<tr><th>Host</th><th>Verdict</th>${ids.map((id) => `<th class="col${colClass(id)}"><code>${h(id)}</code></th>`).join('')}</tr>`;
  const lost = unreachable.map((u) =>
    `<tr class="unreachable"><th>${h(u.target)}</th><td><b>${u.timedOut ? 'timed out' : 'unreachable'}</b></td><td class="error" colspan="${Math.max(1, ids.length)}">${h(u.error)}</td></tr>`);
  const rows = order.map(({ r, i }) => {
    const cells = ids.map((id) => {
      const c = resultOf(r, id);
      if (!c) return `<td class="cell${colClass(id)}" title="not run">–</td>`;
      return `<td class="cell s-${c.status}${colClass(id)}" title="${h(`${c.id}: ${c.summary}`)}"><a href="#${anchor(i, c.id)}">${c.status}</a></td>`;
    });
    return `<tr class="${r.ready ? 'ready hide-when-failing-only' : 'not-ready'} hide-when-unreachable-only"><th><a href="#h${i}">${h(r.hostname)}</a><br><small>${h(r.target)}</small></th><td>${r.ready ? 'ready' : '<b>not ready</b>'}</td>${cells.join('')}</tr>`;
  });
  const details = order.map(({ r, i }) => [
    `<details class="host" id="h${i}"${r.ready ? '' : ' open'}><summary><b>${h(r.hostname)}</b> (${h(r.target)}): ${h(verdictLine(r))}</summary>`,
    `<p>${context(r)}</p>`,
    hostBody(r, i),
    '</details>',
  ].join('\n'));
  const verdict = `${ready} of ${total} host${total === 1 ? '' : 's'} ready`;
  const notes = [
    `${reports.length - ready} not ready`,
    unreachable.length ? `${unreachable.length} unreachable or timed out` : '',
  ].filter(Boolean).join(', ');
  return htmlPage(`mplsgre fleet: ${verdict}`, [
    `<header class="verdict ${ready === total ? 'ok' : 'bad'}"><h1>${h(verdict)}</h1>`,
    `<p>${notes}${failingIds.length ? `; failing checks: ${failingIds.map((id) => `<code>${h(id)}</code>`).join(', ')}` : ''}</p></header>`,
    '<main>',
    '<label class="filter"><input type="checkbox" id="failing-only"> Failing only (hide ready hosts and checks that pass everywhere)</label>',
    unreachable.length ? '<label class="filter"><input type="checkbox" id="unreachable-only"> Unreachable only</label>' : '',
    `<table class="matrix"><thead>${head}</thead><tbody>`,
    ...lost,
    ...rows,
    '</tbody></table>',
    '<h2>Hosts</h2>',
    ...details,
    '</main>',
    '<footer>mplsgre fleet</footer>',
  ].join('\n'));
}
