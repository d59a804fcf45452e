/**
 * What `mplsgre check` costs:
 *  (a) the probe engine in-process (checkCommand on this machine);
 *  (b) the whole CLI process against bare `node -e 0`, interleaved in one run: the budget is
 *      CLI <= 1.3x bare node, so start-up must stay close to node's own;
 *      MPLSGRE_BENCH_BASELINE=/other/checkout/bin/mplsgre.js adds that build's CLI to the same
 *      rounds, so two builds compare under one load;
 *  (d) ~20 small /proc reads, readFileSync (what LocalHost does) against fs.promises.readFile.
 * Prints numbers only; nothing here asserts a time.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench, type Task } from 'tinybench';
import { checkCommand } from '../src/commands/check.js';
import { LocalHost } from '../src/host/local.js';
import { latencyRow } from './latency-row.js';

/** The repository root, from dist/bench. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = fileURLToPath(new URL('../../bin/mplsgre.js', import.meta.url));
const CLI_ARGS = ['check', '--iface', 'foo4', '--labels', '100,101'];

/** Files of the kind the probes read: sysctls, kernel identity, module lists. Missing ones are part of the cost. */
const PROC_FILES = [
  '/proc/version',
  '/proc/sys/kernel/osrelease',
  '/proc/sys/kernel/hostname',
  '/proc/modules',
  '/proc/filesystems',
  '/proc/self/status',
  '/proc/self/cgroup',
  '/proc/net/dev',
  '/proc/sys/net/mpls/platform_labels',
  '/proc/sys/net/mpls/ip_ttl_propagate',
  '/proc/sys/net/mpls/conf/lo/input',
  '/proc/sys/net/ipv4/ip_forward',
  '/proc/sys/net/ipv4/conf/all/rp_filter',
  '/proc/sys/net/ipv4/conf/default/rp_filter',
  '/proc/sys/net/ipv4/conf/lo/rp_filter',
  '/proc/sys/net/ipv6/conf/all/forwarding',
  '/proc/sys/net/ipv6/conf/all/disable_ipv6',
  '/proc/sys/net/core/somaxconn',
  '/sys/module/mpls_router/initstate',
  '/sys/class/net/lo/mtu',
];

const ms = (n: number | undefined): string => (n === undefined ? '-' : n.toFixed(3));
const row = (t: Task): Record<string, string> => latencyRow(t, 3);

function failed(bench: Bench): void {
  for (const t of bench.tasks) if (t.result?.error) throw new Error(`${t.name}: ${t.result.error.message}`);
}

/** (a) The probe engine alone: no process start, no module loading. */
async function engine(): Promise<void> {
  const host = new LocalHost();
  const first = await checkCommand({ host, labels: [100, 101], iface: 'foo4', ignore: [], failOn: 'fail' });
  const bench = new Bench({ name: 'check engine', time: 3_000, iterations: 20, warmupIterations: 3, warmupTime: 200, throws: true });
  bench.add('checkCommand(LocalHost, foo4, 100,101)', async () => {
    await checkCommand({ host, labels: [100, 101], iface: 'foo4', ignore: [], failOn: 'fail' });
  });
  await bench.run();
  failed(bench);
  console.log(`\n(a) probe engine in-process (${first.checks.length} checks, ${first.tally.pass} pass / ${first.tally.fail} fail / ${first.tally.error} error)`);
  console.table(bench.tasks.map(row));
}

interface Stats {
  readonly mean: number;
  readonly median: number;
  readonly p95: number;
  readonly min: number;
  readonly max: number;
}

function stats(samples: readonly number[]): Stats {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  const mid = s.length / 2;
  const median = s.length % 2 ? s[Math.floor(mid)]! : (s[mid - 1]! + s[mid]!) / 2;
  return { mean: s.reduce((a, b) => a + b, 0) / s.length, median, p95: at(0.95), min: s[0]!, max: s[s.length - 1]! };
}

function wall(argv: readonly string[], env: NodeJS.ProcessEnv): { ms: number; status: number | null; signal: string | null } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, argv, { cwd: ROOT, stdio: 'ignore', timeout: 30_000, env });
  const elapsed = performance.now() - t0;
  if (r.error) throw new Error(`node ${argv.join(' ')}: ${r.error.message}`);
  return { ms: elapsed, status: r.status, signal: r.signal };
}

/**
 * (b) Whole-process wall time. Each round runs every variant once, rotating which goes first,
 * so drift in machine load lands on all of them alike. `--version` separates start-up (load
 * and parse the bundle) from the probes themselves. The caches (V8 code and tool versions, in
 * a folder of this run's) are warm after the first round; the variant with them off is what a
 * first run, or MPLSGRE_TOOL_CACHE=off, costs: compile the bundle, spawn ip and tcpdump.
 */
function processes(rounds: number, warmup: number): void {
  const cacheDir = mkdtempSync(join(tmpdir(), 'mplsgre-bench-cache-'));
  const warm = { ...process.env, MPLSGRE_CACHE_DIR: cacheDir };
  const off = { ...process.env, MPLSGRE_TOOL_CACHE: 'off' };
  const variants = [
    { name: `node bin/mplsgre.js ${CLI_ARGS.join(' ')}`, argv: [CLI, ...CLI_ARGS], env: warm, samples: [] as number[] },
    { name: 'node bin/mplsgre.js --version', argv: [CLI, '--version'], env: warm, samples: [] as number[] },
    { name: 'node -e 0', argv: ['-e', '0'], env: warm, samples: [] as number[] },
    { name: `MPLSGRE_TOOL_CACHE=off node bin/mplsgre.js ${CLI_ARGS.join(' ')}`, argv: [CLI, ...CLI_ARGS], env: off, samples: [] as number[] },
  ];
  const baseline = process.env.MPLSGRE_BENCH_BASELINE;
  // A cache folder of its own: a build drops the code caches of other bundles from its folder.
  const baseDir = baseline ? mkdtempSync(join(tmpdir(), 'mplsgre-bench-cache-')) : undefined;
  if (baseline) variants.push({ name: `baseline ${baseline} ${CLI_ARGS.join(' ')}`, argv: [baseline, ...CLI_ARGS], env: { ...process.env, MPLSGRE_CACHE_DIR: baseDir! }, samples: [] as number[] });
  try {
    measure(variants, rounds, warmup);
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
    if (baseDir) rmSync(baseDir, { recursive: true, force: true });
  }
}

function measure(variants: { name: string; argv: string[]; env: NodeJS.ProcessEnv; samples: number[] }[], rounds: number, warmup: number): void {
  const probe = wall(variants[0]!.argv, variants[0]!.env);
  if (probe.signal !== null || probe.status === null || probe.status >= 2) {
    throw new Error(`${variants[0]!.name} ended with ${probe.signal ?? `exit ${probe.status}`}; build first (npm run build)`);
  }
  for (let i = 0; i < warmup + rounds; i++) {
    for (let k = 0; k < variants.length; k++) {
      const v = variants[(i + k) % variants.length]!;
      const r = wall(v.argv, v.env);
      if (i >= warmup) v.samples.push(r.ms);
    }
  }
  const all = variants.map((v) => ({ name: v.name, s: stats(v.samples) }));
  console.log(`\n(b) whole process, ${rounds} interleaved rounds after ${warmup} warm-up rounds (check exit status ${probe.status})`);
  console.table(all.map(({ name, s }) => ({
    process: name, 'mean ms': ms(s.mean), 'median ms': ms(s.median), 'p95 ms': ms(s.p95), 'min ms': ms(s.min), 'max ms': ms(s.max), runs: String(rounds),
  })));
  const [check, version, bare, cold, base] = all.map((a) => a.s) as [Stats, Stats, Stats, Stats, Stats | undefined];
  const budget = 1.3;
  const mean = check.mean / bare.mean;
  const median = check.median / bare.median;
  console.log(`check / bare node: mean ${mean.toFixed(2)}x, median ${median.toFixed(2)}x (budget <= ${budget}x: ${median <= budget && mean <= budget ? 'within' : 'OVER'})`);
  console.log(`--version / bare node: mean ${(version.mean / bare.mean).toFixed(2)}x, median ${(version.median / bare.median).toFixed(2)}x`);
  console.log(`over bare node, median: start-up ${ms(version.median - bare.median)} ms, probes ${ms(check.median - version.median)} ms`);
  if (base) console.log(`baseline check / bare node: mean ${(base.mean / bare.mean).toFixed(2)}x, median ${(base.median / bare.median).toFixed(2)}x; this build / baseline, median ${(check.median / base.median).toFixed(2)}x`);
  console.log(`caches off / bare node: median ${(cold.median / bare.median).toFixed(2)}x; caches save ${ms(cold.median - check.median)} ms a run`);
}

function readSync(path: string): Buffer | string {
  try {
    return readFileSync(path);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? 'EIO';
  }
}

async function readAsync(path: string): Promise<Buffer | string> {
  try {
    return await readFile(path);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? 'EIO';
  }
}

/** (d) The LocalHost read path, and the two ways it could have been written. */
async function procReads(): Promise<void> {
  const host = new LocalHost();
  const found = PROC_FILES.filter((p) => typeof readSync(p) !== 'string').length;
  const bench = new Bench({ name: '/proc reads', time: 1_500, warmupTime: 200, throws: true });
  bench
    .add(`readFileSync x${PROC_FILES.length}`, () => {
      for (const p of PROC_FILES) readSync(p);
    })
    .add(`fs.promises.readFile x${PROC_FILES.length}, Promise.all`, async () => {
      await Promise.all(PROC_FILES.map(readAsync));
    })
    .add(`fs.promises.readFile x${PROC_FILES.length}, one after another`, async () => {
      for (const p of PROC_FILES) await readAsync(p);
    })
    .add(`LocalHost.readFiles x${PROC_FILES.length}`, async () => {
      await host.readFiles(PROC_FILES);
    });
  await bench.run();
  failed(bench);
  console.log(`\n(d) reading ${PROC_FILES.length} /proc and /sys files (${found} present on this machine)`);
  console.table(bench.tasks.map(row));
  const sync = bench.tasks[0]?.result?.latency.p50;
  const all = bench.tasks[1]?.result?.latency.p50;
  if (sync !== undefined && all !== undefined) {
    console.log(`fs.promises (Promise.all) / readFileSync, median: ${(all / sync).toFixed(2)}x (${ms(all - sync)} ms per batch)`);
  }
}

export async function run(): Promise<void> {
  console.log('== check.bench: mplsgre check cost');
  await engine();
  processes(30, 3);
  await procReads();
}
