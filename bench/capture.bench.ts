/**
 * Capture decoder vs tcpdump, whole process vs whole process, on the same file in the same run:
 *   node ENTRY FILE          (decodes every packet, prints a count on stderr)
 *   tcpdump -nn -r FILE      (decodes and prints every packet, stdout to /dev/null)
 * ENTRY is bench/capture-decode-entry.ts bundled into one file with esbuild, as the CLI ships
 * (scripts/bundle.ts); the unbundled dist/ entry runs too, to show what module loading costs.
 *
 * FILE is MPLSGRE_BENCH_CAPTURE when set, e.g. the 100,000-packet capture that
 * `node dist/scripts/record-captures.js --bench /tmp/mplsgre-bench-100k.pcap` writes: ~4,000
 * packets recorded from a 6.1 kernel (ping -i 0 through MPLS over GRE) replicated with
 * rewritten timestamps. Otherwise the committed fixture test/fixtures/captures/gre-veth.pcap
 * (recorded the same way) is replicated to 100,000 packets in a temp file, the same way.
 *
 * Both processes run with only PATH in their environment: a NODE_EXTRA_CA_CERTS in the
 * caller's environment alone adds ~50 ms to every node start on the reference machine.
 *
 * Then the streaming path at a size where holding a capture in memory would show: the CLI,
 * `mplsgre capture decode FILE` (decode and summary, one window of 1 MiB), against
 * `tcpdump -nn -r FILE`, on a capture of MPLSGRE_BENCH_LOAD_SIZE (default 64M) written by
 * scripts/big-capture.ts (recorded packets replicated), with each one's peak RSS from GNU time.
 *
 *   node dist/bench/capture.bench.js [FILE]
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { Bench } from 'tinybench';
import { replicatePcap } from '../src/capture/pcap-rewrite.js';
import { parseSize, writeBigCapture } from '../scripts/big-capture.js';

const ENTRY = fileURLToPath(new URL('./capture-decode-entry.js', import.meta.url));
const CLI = fileURLToPath(new URL('../../bin/mplsgre.js', import.meta.url));
const ENTRY_SOURCE = fileURLToPath(new URL('../../bench/capture-decode-entry.ts', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../../test/fixtures/captures/gre-veth.pcap', import.meta.url));
const PACKETS = 100_000;
const TIMEOUT_MS = 60_000;

/** Runs argv to completion with stdout and stderr discarded; rejects on failure or after the timeout. */
function runProcess(file: string, args: string[], onStderr?: (text: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'ignore', onStderr ? 'pipe' : 'ignore'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      onStderr?.(stderr);
      if (code === 0) resolve();
      else reject(new Error(`${file} ${args.join(' ')}: exit ${code ?? signal}`));
    });
  });
}

async function captureFile(arg: string | undefined): Promise<{ file: string; note: string; cleanup: () => Promise<void> }> {
  const given = arg ?? process.env.MPLSGRE_BENCH_CAPTURE;
  if (given !== undefined && given !== '') return { file: given, note: `${given} (given)`, cleanup: async () => {} };
  const dir = await mkdtemp(join(tmpdir(), 'mplsgre-bench-capture-'));
  const file = join(dir, 'replicated.pcap');
  await writeFile(file, replicatePcap(await readFile(FIXTURE), PACKETS));
  return { file, note: `${PACKETS} packets replicated from ${FIXTURE} with rewritten timestamps`, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** The decode-only entry as one file, built the way scripts/bundle.ts builds the CLI. */
async function bundleEntry(dir: string): Promise<string> {
  const outfile = join(dir, 'decode-entry.mjs');
  await build({ entryPoints: [ENTRY_SOURCE], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', minify: true, logLevel: 'warning' });
  return outfile;
}

export async function run(arg?: string): Promise<void> {
  console.log('== capture.bench: capture decoder vs tcpdump -nn -r, whole process vs whole process');
  if (!existsSync('/usr/bin/tcpdump') && !existsSync('/usr/sbin/tcpdump')) {
    console.log('tcpdump not installed (apt-get install tcpdump): nothing to compare against');
    return;
  }
  const { file, note, cleanup } = await captureFile(arg);
  const dir = await mkdtemp(join(tmpdir(), 'mplsgre-bench-entry-'));
  try {
    console.log(`file: ${note}`);
    const bundled = await bundleEntry(dir);
    const bench = new Bench({ iterations: 15, warmupIterations: 2, time: 0 });
    bench.add('decoder, bundled entry', () => runProcess(process.execPath, [bundled, file]));
    bench.add('tcpdump -nn -r', () => runProcess('tcpdump', ['-nn', '-r', file]));
    bench.add('decoder, dist/ entry (unbundled)', () => runProcess(process.execPath, [ENTRY, file]));
    await bench.run();
    console.table(bench.table());
    const node = bench.tasks[0]?.result?.latency;
    const tcpdump = bench.tasks[1]?.result?.latency;
    if (node !== undefined && tcpdump !== undefined) {
      console.log(`tcpdump / decoder: ${(tcpdump.mean / node.mean).toFixed(2)}x by mean (${tcpdump.mean.toFixed(0)} ms / ${node.mean.toFixed(0)} ms), ${((tcpdump.p50 ?? NaN) / (node.p50 ?? NaN)).toFixed(2)}x by median`);
    }
    const unbundled = bench.tasks[2]?.result?.latency;
    if (unbundled !== undefined && tcpdump !== undefined) console.log(`tcpdump / unbundled decoder: ${(tcpdump.mean / unbundled.mean).toFixed(2)}x by mean`);
    await streaming(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
    await cleanup();
  }
}

/** Peak RSS in MiB of one run of argv, from GNU time (undefined without it). */
async function peakRss(argv: string[]): Promise<string> {
  if (!existsSync('/usr/bin/time')) return '? (no /usr/bin/time)';
  let text = '';
  await runProcess('/usr/bin/time', ['-f', 'MAXRSS %M', ...argv], (t) => (text = t));
  const kb = /MAXRSS (\d+)/.exec(text)?.[1];
  return kb === undefined ? '?' : `${(Number(kb) / 1024).toFixed(0)} MiB`;
}

/** The CLI's streaming decode and summary against tcpdump -nn -r on a large capture. */
async function streaming(dir: string): Promise<void> {
  const size = process.env.MPLSGRE_BENCH_LOAD_SIZE ?? '64M';
  const file = join(dir, 'load.pcap');
  const { packets } = await writeBigCapture(file, parseSize(size));
  console.log(`\nstreaming: ${size} capture, ${packets} packets (scripts/big-capture.ts), file deleted afterwards`);
  const bench = new Bench({ iterations: 3, warmupIterations: 1, time: 0 });
  bench.add('mplsgre capture decode FILE', () => runProcess(process.execPath, [CLI, 'capture', 'decode', file]));
  bench.add('tcpdump -nn -r FILE', () => runProcess('tcpdump', ['-nn', '-r', file]));
  await bench.run();
  console.table(bench.table());
  const mb = parseSize(size) / 1e6;
  for (const t of bench.tasks) {
    const mean = t.result?.latency.mean;
    if (mean !== undefined) console.log(`${t.name}: ${(mb / (mean / 1000)).toFixed(0)} MB/s by mean`);
  }
  console.log(`peak RSS: mplsgre ${await peakRss([process.execPath, CLI, 'capture', 'decode', file])}, tcpdump ${await peakRss(['tcpdump', '-nn', '-r', file])}`);
  await rm(file, { force: true });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await run(process.argv[2]);
