import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { CheckReport } from '../../src/commands/check.js';
import { verdictLine } from '../../src/report/check-text.js';
import { renderCheckHtml, renderFleetHtml } from '../../src/report/html.js';
import { fleetCommand, type FleetReport } from '../../src/commands/fleet.js';
import { fleetRenderers } from '../../src/cli/fleet.js';
import { ROOT } from '../support/fixtures.js';
import { replayFleet } from '../support/replay-fleet.js';
import { allRecordedReports, hostile, recordedReport } from './support/reports.js';

const run = promisify(execFile);
const ARTIFACTS = join(ROOT, 'test-artifacts');
/** Payloads that, if they ever ran, would mark <body>: the DOM dump shows whether they did. */
const INJECT_IMG = `<img src=x onerror="document.body.setAttribute('class','PWNED')">`;
const INJECT_SCRIPT = `<script>document.body.setAttribute('class','PWNED')</script>`;

/** Debian's package `chromium`; the unit tier fails, never skips, without it. */
function chromium(): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const p = join(dir, 'chromium');
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch (_err) {
      // not in this directory
    }
  }
  throw new Error('chromium is not installed: the HTML report is tested in headless Chromium. Install Debian\'s package: apt-get install -y chromium');
}

/** Text as Chromium serialises a text node: & < > escaped, quotes kept. */
const domText = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\u00a0/g, '&nbsp;');

describe('HTML report in headless Chromium', function () {
  this.timeout(180_000);
  let bin: string;
  let tmp: string;
  let runs = 0;

  before(() => {
    bin = chromium();
    tmp = mkdtempSync(join(tmpdir(), 'mplsgre-html-'));
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  after(() => tmp && rmSync(tmp, { recursive: true, force: true }));

  /** One headless Chromium run on a file: its own profile, no network, bounded in time. */
  async function chrome(html: string, name: string, mode: { dom: true } | { screenshot: string }, extra: readonly string[] = []): Promise<string> {
    const file = join(tmp, `${name}.html`);
    writeFileSync(file, html);
    const profile = join(tmp, `profile-${runs++}`);
    const args = [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', `--user-data-dir=${profile}`, '--window-size=1200,900', ...extra,
      ...('dom' in mode ? ['--dump-dom'] : [`--screenshot=${mode.screenshot}`]),
      pathToFileURL(file).href,
    ];
    const { stdout } = await run(bin, args, { timeout: 90_000, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  }

  it('a failing host: the verdict, failing check ids and their fixes are on the page; a screenshot is kept', async () => {
    const r = await recordedReport('host');
    const dom = await chrome(renderCheckHtml(r), 'host', { dom: true });
    expect(dom).to.include(`<h1>${domText(verdictLine(r))}</h1>`);
    expect(dom).to.include('Not ready: 5 failed, 1 warning.');
    const failing = r.checks.filter((c) => c.status === 'fail' || c.status === 'error' || c.status === 'warn');
    expect(failing.map((c) => c.id)).to.include.members(['kernel.mpls_router', 'kernel.mpls_iptunnel', 'kernel.ip_gre', 'sysctl.platform_labels', 'sysctl.mpls_input']);
    for (const c of failing) {
      expect(dom, c.id).to.include(`<code>${c.id}</code>`);
      expect(dom, `${c.id} fix`).to.include(`<pre class="fix">${domText(c.remediation!)}</pre>`);
    }
    const png = join(ARTIFACTS, 'check-report.png');
    rmSync(png, { force: true });
    await chrome(renderCheckHtml(r), 'host-shot', { screenshot: png });
    expect(readFileSync(png).subarray(0, 8).toString('hex'), 'a PNG').to.equal('89504e470d0a1a0a');
    expect(statSync(png).size, 'a rendered page, not a blank one').to.be.greaterThan(20_000);
  });

  it('a strict rp_filter host with hostile host strings: nothing injected runs or becomes an element', async () => {
    const rpf = await recordedReport('uml-seed-rpfilter-strict');
    const bad: CheckReport = { ...hostile(rpf, INJECT_SCRIPT), hostname: INJECT_IMG };
    const dom = await chrome(renderCheckHtml(bad), 'hostile', { dom: true });
    expect(dom, 'the page rendered').to.include(`<h1>${domText(verdictLine(bad))}</h1>`);
    expect(dom).to.include('<code>sysctl.rp_filter</code>');
    expect(/<body[^>]*>/.exec(dom)?.[0], 'no injected handler or script ran').to.equal('<body>');
    expect(dom).not.to.match(/<img\b/i);
    expect(dom.match(/<script\b/gi) ?? [], 'no script element').to.deep.equal([]);
    expect(dom).to.include(domText(INJECT_IMG));
    expect(dom).to.include(domText(INJECT_SCRIPT));
  });

  it('control: the same payloads unescaped do run in this Chromium, so the test above can fail', async () => {
    const dom = await chrome(`<!DOCTYPE html><html><head><title>control</title></head><body>${INJECT_SCRIPT}</body></html>`, 'control', { dom: true });
    expect(/<body[^>]*>/.exec(dom)?.[0]).to.equal('<body class="PWNED">');
  });

  it('fleet: the matrix renders with every host, failing cells marked; a screenshot is kept', async () => {
    const all = (await allRecordedReports()).map(({ name, report }) => ({ ...report, hostname: name }));
    const html = renderFleetHtml(all);
    const dom = await chrome(html, 'fleet', { dom: true });
    expect(dom).to.include(`<h1>7 of ${all.length} hosts ready</h1>`);
    for (const r of all) expect(dom, r.hostname).to.include(`>${r.hostname}</a>`);
    expect(dom).to.match(/<td class="cell s-fail"[^>]*><a href="#h\d+-kernel\.mpls_router">fail<\/a><\/td>/);
    const png = join(ARTIFACTS, 'fleet-report.png');
    rmSync(png, { force: true });
    await chrome(html, 'fleet-shot', { screenshot: png });
    expect(statSync(png).size).to.be.greaterThan(20_000);
  });

  /**
   * What a person sees in `fleet --format html`, read in Chromium itself: a harness page loads the
   * report (unchanged, its CSP intact) in a frame, reads which matrix rows are laid out and the
   * colour of a failing cell, then clicks each filter as a person would. The report runs no script;
   * only the harness does (file pages may read each other with --allow-file-access-from-files).
   */
  describe('fleet --format html: 12 hosts replaying recorded facts, 2 unreachable with hostile errors', () => {
    let report: FleetReport;
    let seen: Seen;
    interface Row { cls: string; host: string }
    interface Seen { all: Row[]; failingOnly: Row[]; unreachableOnly: Row[]; failCellBackground: string; frameBody: string; images: number; scripts: number; hostile: string }
    const HARNESS = `<!DOCTYPE html><html><head><title>harness</title></head><body style="margin:0">
<iframe id="r" src="fleet-report.html" style="width:1190px;height:890px;border:0"></iframe><pre id="out">pending</pre>
<script>
document.getElementById('r').addEventListener('load', () => {
  const d = document.getElementById('r').contentDocument;
  const rows = () => [...d.querySelectorAll('table.matrix tbody tr')].filter((t) => t.getClientRects().length > 0)
    .map((t) => ({ cls: t.className, host: t.querySelector('th').textContent }));
  const out = { all: rows() };
  const cell = d.querySelector('td.cell.s-fail');
  out.failCellBackground = cell ? getComputedStyle(cell).backgroundColor : 'none';
  d.getElementById('failing-only').click();
  out.failingOnly = rows();
  d.getElementById('failing-only').click();
  d.getElementById('unreachable-only').click();
  out.unreachableOnly = rows();
  d.getElementById('unreachable-only').click();
  out.frameBody = d.body.outerHTML.slice(0, d.body.outerHTML.indexOf('>') + 1);
  out.images = d.querySelectorAll('img').length;
  out.scripts = d.querySelectorAll('script').length;
  out.hostile = d.querySelector('tr.unreachable td.error').textContent;
  if (location.hash === '#failing-only') d.getElementById('failing-only').click();
  document.getElementById('out').textContent = JSON.stringify(out);
});
</script></body></html>`;
    const HOSTILE_ERROR = `${INJECT_IMG} ${INJECT_SCRIPT}`;

    before(async () => {
      const fleet = replayFleet(12, { unreachableEvery: 5 });
      const r = await fleetCommand({ entries: fleet.entries, connect: fleet.connect, concurrency: 4, timeoutMs: 60_000, labels: [], failOn: 'fail' });
      report = { ...r, hosts: r.hosts.map((h) => (h.reachable ? h : { ...h, error: HOSTILE_ERROR })) };
      writeFileSync(join(tmp, 'fleet-report.html'), fleetRenderers(report).html!({ color: false }));
      const dom = await chrome(HARNESS, 'fleet-harness', { dom: true }, ['--allow-file-access-from-files']);
      const out = /<pre id="out">([^<]*)<\/pre>/.exec(dom)?.[1];
      expect(out, 'the harness ran').to.be.a('string').and.not.equal('pending');
      seen = JSON.parse(out!.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')) as Seen;
    });

    const rank = (cls: string): number => (cls.includes('unreachable') && !cls.includes('hide-when-unreachable-only') ? 0 : cls.startsWith('not-ready') ? 1 : 2);

    it('the matrix shows every host: unreachable first, then not ready, then ready', () => {
      expect(seen.all).to.have.length(12);
      const ranks = seen.all.map((r) => rank(r.cls));
      expect(ranks).to.deep.equal([...ranks].sort());
      expect(ranks.filter((x) => x === 0)).to.have.length(2);
      expect(ranks.filter((x) => x === 2)).to.have.length(report.summary.ready);
      expect(seen.all.slice(0, 2).map((r) => r.host)).to.deep.equal(report.hosts.filter((h) => !h.reachable).map((h) => h.target));
    });

    it('failing cells are coloured (the stylesheet applied under the CSP)', () => {
      expect(seen.failCellBackground).to.equal('rgb(255, 235, 233)');
    });

    it('"Failing only" hides the ready hosts; "Unreachable only" leaves the two unreachable ones', () => {
      expect(seen.failingOnly.map((r) => r.host)).to.deep.equal(seen.all.filter((r) => rank(r.cls) < 2).map((r) => r.host));
      expect(seen.failingOnly.length).to.be.below(seen.all.length);
      expect(seen.unreachableOnly.map((r) => rank(r.cls))).to.deep.equal([0, 0]);
    });

    it('a hostile error text is shown as text: nothing injected ran or became an element', () => {
      expect(seen.hostile).to.equal(HOSTILE_ERROR);
      expect(seen.frameBody).to.equal('<body>');
      expect([seen.images, seen.scripts]).to.deep.equal([0, 0]);
    });

    it('screenshots are kept: the whole matrix, and with "Failing only" checked', async () => {
      for (const [png, hash] of [['fleet-matrix.png', ''], ['fleet-matrix-failing-only.png', '#failing-only']] as const) {
        const file = join(ARTIFACTS, png);
        rmSync(file, { force: true });
        writeFileSync(join(tmp, `shot${hash ? '-f' : ''}.html`), HARNESS);
        const url = `${pathToFileURL(join(tmp, `shot${hash ? '-f' : ''}.html`)).href}${hash}`;
        await run(bin, ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--allow-file-access-from-files', `--user-data-dir=${join(tmp, `profile-${runs++}`)}`,
          '--window-size=1200,900', `--screenshot=${file}`, url], { timeout: 90_000, killSignal: 'SIGKILL' });
        expect(readFileSync(file).subarray(0, 8).toString('hex'), png).to.equal('89504e470d0a1a0a');
        expect(statSync(file).size, png).to.be.greaterThan(20_000);
      }
    });
  });
});
