/**
 * The load figures in the README, measured in one run:
 *
 * 1. `mplsgre capture decode FILE` on captures of each SIZE (scripts/big-capture.ts: recorded
 *    packets replicated), against `tcpdump -nn -r FILE | wc -l` on the same file: wall time,
 *    CPU time, throughput, peak RSS (GNU time), and both packet counts. Each file is deleted
 *    as soon as it is measured.
 * 2. `mplsgre verify` of the seed setup in user-mode Linux 6.1 (test/kernel/guest-verify-load.ts)
 *    with each COUNT of pings each way at INTERVAL: exit code, counts per direction, the
 *    packets tcpdump captured and verify decoded, wall time and peak RSS of the mplsgre process.
 *
 *   node dist/scripts/measure-load.js [--sizes 100M,1G,3G] [--counts 1000,10000] [--interval 0] [--dir DIR] [--root TREE]
 *
 * An empty --sizes or --counts skips that part. --root measures the CLI of another built
 * checkout (an earlier commit, for a before/after comparison) with this one's scripts. Needs tcpdump and GNU time (/usr/bin/time).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { LoadRun } from '../test/kernel/guest-verify-load.js';
import { ensureUmlKernel, runInUml } from '../src/host/uml.js';
import { parseSize, writeBigCapture } from './big-capture.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'mplsgre.js');
const TIME = '/usr/bin/time';
const TIME_FORMAT = 'MAXRSS %M WALL %e USER %U SYS %S';
const TIMEOUT_MS = 3_600_000;

interface Timed {
  stdout: string;
  maxRssKb: number;
  wallS: number;
  cpuS: number;
}

/**
 * Runs argv under GNU time; with `countLines`, its stdout goes straight into `wc -l` (the
 * pipeline people type) and stdout is wc's count.
 */
function timed(argv: string[], countLines = false): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const wc = countLines ? spawn('wc', ['-l'], { stdio: ['pipe', 'pipe', 'inherit'] }) : undefined;
    const child = spawn(TIME, ['-f', TIME_FORMAT, ...argv], { stdio: ['ignore', wc?.stdin ?? 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
    // closes this process's end only (end() would shut the pipe down for tcpdump too): wc sees EOF when tcpdump exits
    wc?.stdin?.destroy();
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      wc?.kill('SIGKILL');
    }, TIMEOUT_MS);
    let stdout = '';
    let stderr = '';
    (wc?.stdout ?? child.stdout)?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const done = (): void => {
      clearTimeout(timer);
      const m = /MAXRSS (\d+) WALL ([\d.]+) USER ([\d.]+) SYS ([\d.]+)/.exec(stderr);
      if (!m) return reject(new Error(`${argv.join(' ')}: no timing (${stderr.trim()})`));
      resolve({ stdout, maxRssKb: Number(m[1]), wallS: Number(m[2]), cpuS: Number(m[3]) + Number(m[4]) });
    };
    child.on('error', reject);
    const closed = (p: ReturnType<typeof spawn>): Promise<void> => new Promise((r) => p.on('close', () => r()));
    void Promise.all([closed(child), ...(wc ? [closed(wc)] : [])]).then(done);
  });
}

async function measureDecode(sizes: string[], dir: string): Promise<void> {
  console.log('\n| file | packets (mplsgre / tcpdump) | mplsgre wall | CPU | MB/s | peak RSS | tcpdump -nn -r \\| wc -l wall | CPU | MB/s | peak RSS |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const size of sizes) {
    const file = join(dir, `load-${size}.pcap`);
    try {
      const bytes = parseSize(size);
      const { packets } = await writeBigCapture(file, bytes);
      const ours = await timed([process.execPath, BIN, 'capture', 'decode', file]);
      const theirs = await timed(['tcpdump', '-nn', '-r', file], true);
      const decoded = Number(/: pcap, (\d+) packets/.exec(ours.stdout)?.[1] ?? NaN);
      const lines = Number(theirs.stdout.trim());
      const mb = bytes / 1e6;
      const row = (t: Timed): string => `${t.wallS.toFixed(1)} s | ${t.cpuS.toFixed(1)} s | ${(mb / t.wallS).toFixed(0)} | ${(t.maxRssKb / 1024).toFixed(0)} MiB`;
      console.log(`| ${size} (${packets} packets written) | ${decoded} / ${lines}${decoded === packets && lines === packets ? '' : ' MISMATCH'} | ${row(ours)} | ${row(theirs)} |`);
    } finally {
      await rm(file, { force: true });
    }
  }
}

async function measureVerify(counts: number[], interval: string, root: string): Promise<void> {
  await ensureUmlKernel((m) => console.error(`measure-load: ${m}`));
  const run = await runInUml({
    job: { kind: 'module', module: fileURLToPath(new URL('../test/kernel/guest-verify-load.js', import.meta.url)), export: 'verifyLoad', input: { root, counts, interval } },
    timeoutMs: TIMEOUT_MS,
    onLine: (l) => console.error(`measure-load: guest: ${l}`),
  });
  const out = run.output as { ok: boolean; value?: { runs: LoadRun[]; kernel: string }; error?: { message: string } } | undefined;
  if (out?.ok !== true || out.value === undefined) throw new Error(`guest failed: ${out?.error?.message ?? run.console.slice(-2000)}`);
  console.log(`\nverify (${root}) in user-mode Linux ${out.value.kernel}, ping -i ${interval}, --no-mtu:\n`);
  console.log('| pings each way | exit | A->B sent/received, labels, in GRE, replies in GRE | B->A | captured / decoded / dropped (A, B) | verify time | mplsgre wall | peak RSS |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of out.value.runs) {
    const v = r.result;
    const dir = (i: number): string => {
      const d = v?.directions[i];
      return d ? `${d.sent}/${d.received}, ${JSON.stringify(d.requestLabels)}, ${d.onWireInGre}, ${d.repliesInGre}` : '-';
    };
    const caps = v?.captures.map((c) => `${c.captured ?? '?'} / ${c.decoded ?? '?'} / ${c.droppedByKernel ?? '?'}`).join(', ') ?? '-';
    console.log(`| ${r.count} | ${r.code} | ${dir(0)} | ${dir(1)} | ${caps} | ${v ? (v.durationMs / 1000).toFixed(1) : '-'} s | ${r.wallS ?? '?'} s | ${r.maxRssKb === undefined ? '?' : (r.maxRssKb / 1024).toFixed(0)} MiB |`);
    if (r.code !== 0) console.log(`\n(${r.count}: ${r.stderr.trim().split('\n').slice(-3).join(' / ')})\n`);
  }
}

const { values } = parseArgs({ options: { sizes: { type: 'string' }, counts: { type: 'string' }, interval: { type: 'string' }, dir: { type: 'string' }, root: { type: 'string' } } });
const list = (s: string | undefined, d: string): string[] => (s ?? d).split(',').filter((x) => x !== '');
const work = await mkdtemp(join(values.dir ?? tmpdir(), 'mplsgre-measure-'));
try {
  console.log(`node ${process.version}; ${(await timed(['tcpdump', '--version'])).stdout.split('\n')[0] ?? ''}`);
  await measureDecode(list(values.sizes, '100M,1G,3G'), work);
  const counts = list(values.counts, '1000,10000').map(Number);
  if (counts.length > 0) await measureVerify(counts, values.interval ?? '0', values.root ?? ROOT);
} finally {
  await rm(work, { recursive: true, force: true });
}
