import { expect } from 'chai';
import { createHash } from 'node:crypto';
import type { CheckReport } from '../../src/commands/check.js';
import { verdictLine } from '../../src/report/check-text.js';
import { escapeHtml } from '../../src/report/escape.js';
import { renderCheckHtml, renderFleetHtml } from '../../src/report/html.js';
import { allRecordedReports, hostile, HOSTILE, recordedReport } from './support/reports.js';

/** Tags a report must never contain: nothing may load or run. */
const ACTIVE = /<(script|img|iframe|object|embed|link|svg|math|base|form|meta(?![^>]*(charset|http-equiv|name="viewport")))\b/i;

describe('HTML report', () => {
  let host: CheckReport;
  before(async () => (host = await recordedReport('host')));

  it('leads with the verdict, then the failing checks with their fixes', () => {
    const html = renderCheckHtml(host);
    const verdictAt = html.indexOf(`<h1>${escapeHtml(verdictLine(host))}</h1>`);
    expect(verdictAt).to.be.greaterThan(0);
    expect(html.indexOf('<h1')).to.equal(verdictAt);
    const failing = host.checks.filter((c) => c.status === 'fail');
    expect(failing.length).to.be.greaterThan(0);
    const firstPass = html.indexOf('id="h0-kernel.version"');
    expect(firstPass, 'passing checks get no card').to.equal(-1);
    for (const c of failing) {
      const card = html.indexOf(`id="h0-${c.id}"`);
      expect(card, c.id).to.be.greaterThan(verdictAt);
      expect(html.indexOf(`<pre class="fix">${escapeHtml(c.remediation!)}</pre>`, card), `${c.id} fix`).to.be.greaterThan(card);
      expect(card, 'before the table of all checks').to.be.lessThan(html.indexOf('<section class="all">'));
    }
  });

  it('folds evidence in <details> and names every check in the table', () => {
    const html = renderCheckHtml(host);
    expect(html.match(/<details><summary>Evidence/g)?.length).to.be.greaterThan(host.checks.length - 1);
    for (const c of host.checks) expect(html).to.include(`<td><code>${c.id}</code></td>`);
  });

  it('is self-contained: a CSP that forbids loads and scripts, the stylesheet allowed by its hash', () => {
    const html = renderCheckHtml(host);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1]?.replace(/&#39;/g, "'");
    expect(csp).to.include("default-src 'none'").and.include("script-src 'none'").and.include("base-uri 'none'");
    const css = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    expect(csp).to.include(`'sha256-${createHash('sha256').update(css).digest('base64')}'`);
    expect(html).not.to.match(ACTIVE);
    expect(html).not.to.match(/\b(src|href|action)="(?!#)/);
    expect(html).not.to.match(/url\(/);
  });

  it('escapes every host-provided string (hostname, target, kernel, summary, evidence, fix)', async () => {
    const rpf = await recordedReport('uml-seed-rpfilter-strict');
    for (const s of HOSTILE) {
      const r = hostile(rpf, s);
      for (const html of [renderCheckHtml(r), renderFleetHtml([r, host])]) {
        expect(html, s).not.to.match(ACTIVE);
        if (/[<>"&]/.test(s)) expect(html, s).not.to.include(s);
        expect(html, s).to.include(escapeHtml(s));
      }
    }
  });

  it('fleet: a hosts x checks matrix, not-ready hosts first, a failing-only filter without script', async () => {
    const all = (await allRecordedReports()).map((x, i) => ({ ...x.report, hostname: `${x.name}-${i}` }));
    const html = renderFleetHtml(all);
    expect(html).to.include(`<h1>7 of ${all.length} hosts ready</h1>`);
    const rows = html.match(/<tr class="(ready hide-when-failing-only|not-ready) hide-when-unreachable-only">/g)!;
    expect(rows.length).to.equal(all.length);
    for (const row of rows.slice(-7)) expect(row, 'the seven ready hosts last').to.include('ready hide');
    expect(rows.at(-8), 'then the not-ready ones').to.include('not-ready');
    const ids = all[0]!.checks.map((c) => c.id);
    for (const row of html.split('\n').filter((l) => /^<tr class="(ready|not-ready)/.test(l))) {
      expect(row.match(/<td class="cell/g)?.length, row.slice(0, 80)).to.equal(ids.length);
    }
    expect(html).to.include('<input type="checkbox" id="failing-only">');
    expect(html).to.include('body:has(#failing-only:checked) .hide-when-failing-only{display:none}');
    // tool.iproute2 passes on every recorded host: its column hides with the filter.
    expect(html).to.include('<th class="col hide-when-failing-only"><code>tool.iproute2</code></th>');
    expect(html).to.include('<th class="col"><code>kernel.mpls_router</code></th>');
  });
});
