import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { writeAtomic } from '../../src/cli/io.js';
import { renderFleetPrometheus } from '../../src/report/prometheus.js';
import { runCli } from '../support/run-cli.js';
import { parseProm } from './support/prom.js';
import { parseXml } from './support/xml.js';
import { recordedReport } from './support/reports.js';

describe('check --format html|junit|prom, and --out for the textfile collector', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'mplsgre-prom-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('every new format runs on this machine', async () => {
    for (const format of ['html', 'junit', 'prom']) {
      const r = await runCli(['check', '--format', format]);
      expect(r.code, `${format}: ${r.stderr}`).to.be.oneOf([0, 1]);
      if (format === 'html') expect(r.stdout).to.match(/^<!DOCTYPE html>\n[\s\S]*<h1>(Ready|Not ready)[^<]*<\/h1>/);
      if (format === 'junit') expect(parseXml(r.stdout).name).to.equal('testsuites');
      if (format === 'prom') expect(parseProm(r.stdout).some((s) => s.name === 'mplsgre_ready')).to.be.true;
    }
  });

  it('--format prom --out FILE writes the file, prints nothing, and leaves no temporary file', async () => {
    const out = join(dir, 'mplsgre.prom');
    const r = await runCli(['check', '--format', 'prom', '--out', out]);
    expect(r.code, r.stderr).to.be.oneOf([0, 1]);
    expect(r.stdout).to.equal('');
    expect(readdirSync(dir)).to.deep.equal(['mplsgre.prom']);
    const samples = parseProm(readFileSync(out, 'utf8'));
    expect(samples.filter((s) => s.name === 'mplsgre_ready').map((s) => s.value)).to.deep.equal([r.code === 0 ? 1 : 0]);
  });

  /** Rewrites `path` `rounds` times with `write` while a worker reads it in a tight loop. */
  async function race(path: string, texts: readonly string[], write: (p: string, t: string) => Promise<void>, rounds = 60): Promise<{ reads: number; partial: number; firstPartial?: string; distinct: number }> {
    await writeAtomic(path, texts[0]!);
    const stop = new SharedArrayBuffer(4);
    const worker = new Worker(new URL('./support/atomic-reader.js', import.meta.url), { workerData: { path, texts, stop } });
    const result = new Promise<{ reads: number; partial: number; firstPartial?: string; distinct: number }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    for (let i = 0; i < rounds; i++) await write(path, texts[i % texts.length]!);
    Atomics.store(new Int32Array(stop), 0, 1);
    const r = await result;
    await worker.terminate();
    return r;
  }

  it('a reader in a tight loop never sees a partial file while it is rewritten', async function () {
    this.timeout(60_000);
    // Texts of different sizes (the largest over a megabyte): a torn write would show as a text none of them is.
    const base = await recordedReport('host');
    const fleet = (n: number, tag: string): string => renderFleetPrometheus(Array.from({ length: n }, (_, i) => ({ ...base, hostname: `${tag}-${i}` })));
    const texts = [fleet(600, 'a'), fleet(40, 'b'), fleet(1200, 'c'), fleet(5, 'd')];
    expect(texts[2]!.length).to.be.greaterThan(1_000_000);
    const path = join(dir, 'mplsgre.prom');
    const r = await race(path, texts, (p, t) => writeAtomic(p, t));
    // Sanity: the reader really raced the writer (many reads, more than one version seen).
    expect(r.reads, 'reads while writing').to.be.greaterThan(60);
    expect(r.distinct, 'versions seen').to.be.greaterThan(1);
    expect(r.partial, `partial reads (first: ${r.firstPartial})`).to.equal(0);
    expect(readdirSync(dir)).to.deep.equal(['mplsgre.prom']);
    for (const t of texts) parseProm(t);
    // Control: the same race with a plain writeFile (truncate, then write) is caught, so the check above can fail.
    const control = await race(join(dir, 'plain.prom'), texts, (p, t) => writeFile(p, t));
    expect(control.partial, 'torn reads of a non-atomic writer').to.be.greaterThan(0);
  });
});
