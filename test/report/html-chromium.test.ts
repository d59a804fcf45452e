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
import { ROOT } from '../support/fixtures.js';
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
  async function chrome(html: string, name: string, mode: { dom: true } | { screenshot: string }): Promise<string> {
    const file = join(tmp, `${name}.html`);
    writeFileSync(file, html);
    const profile = join(tmp, `profile-${runs++}`);
    const args = [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', `--user-data-dir=${profile}`, '--window-size=1200,900',
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
    expect(dom).to.include(`<h1>1 of ${all.length} hosts ready</h1>`);
    for (const r of all) expect(dom, r.hostname).to.include(`>${r.hostname}</a>`);
    expect(dom).to.match(/<td class="cell s-fail"[^>]*><a href="#h\d+-kernel\.mpls_router">fail<\/a><\/td>/);
    const png = join(ARTIFACTS, 'fleet-report.png');
    rmSync(png, { force: true });
    await chrome(html, 'fleet-shot', { screenshot: png });
    expect(statSync(png).size).to.be.greaterThan(20_000);
  });
});
