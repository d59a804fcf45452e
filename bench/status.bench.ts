/**
 * What `mplsgre status` costs against `mplsgre check --netns` on one namespace (budget: status on
 * two netns hosts < 2x check on one), whole processes, in one tinybench run:
 *  (a) in user-mode Linux 6.1 with the seed set up by the real `up` in two namespaces (this
 *      machine's kernel may have no GRE or MPLS: the objects must exist to be compared);
 *  (b) on this machine's kernel, in two fresh namespaces with the records `up` wrote in the guest
 *      (test/fixtures/status): every object absent, and status still reads and compares them all.
 * Prints numbers only. Needs root.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench, type Task } from 'tinybench';
import { StateStore } from '../src/engine/state.js';
import { execLocal } from '../src/host/spawn.js';
import { ensureUmlKernel, runInUml } from '../src/host/uml.js';
import { withSeedLab } from './seed-lab.js';
import type { StatusFixture } from '../scripts/record-status.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'bin', 'mplsgre.js');

interface Row {
  readonly task: string;
  readonly 'mean ms': string;
  readonly 'median ms': string;
  readonly 'p99 ms': string;
  readonly samples: number;
  readonly exit: string;
}

/** Both commands as whole processes, `time` ms each, in one tinybench run; the table and the ratio. */
async function compare(file: string, netns: string, env: NodeJS.ProcessEnv, time: number, iterations: number): Promise<{ rows: Row[]; ratio: number }> {
  const exits = new Map<string, Set<number | null>>();
  const proc = (name: string, args: string[]) => (): void => {
    const r = spawnSync(process.execPath, [CLI, ...args], { stdio: 'ignore', timeout: 30_000, env });
    if (r.error) throw r.error;
    exits.set(name, (exits.get(name) ?? new Set()).add(r.status));
  };
  const status = `mplsgre status FILE (two netns hosts)`;
  const check = `mplsgre check --netns ${netns} --iface foo4 --labels 100,101`;
  const bench = new Bench({ name: 'status vs check', time, iterations, warmupIterations: 2, throws: true });
  bench.add(status, proc(status, ['status', file])).add(check, proc(check, ['check', '--netns', netns, '--iface', 'foo4', '--labels', '100,101']));
  await bench.run();
  const med = (t: Task | undefined): number => t?.result?.latency.p50 ?? NaN;
  const rows = bench.tasks.map((t) => ({
    task: t.name,
    'mean ms': (t.result?.latency.mean ?? NaN).toFixed(1),
    'median ms': med(t).toFixed(1),
    'p99 ms': (t.result?.latency.p99 ?? NaN).toFixed(1),
    samples: t.result?.latency.samples.length ?? 0,
    exit: [...(exits.get(t.name) ?? [])].join(','),
  }));
  return { rows, ratio: med(bench.tasks[0]) / med(bench.tasks[1]) };
}

/** Guest side of (a): the seed up in two namespaces, both commands measured, everything removed. */
export async function benchInGuest(): Promise<{ rows: Row[]; ratio: number; kernel: string; shown: string[] }> {
  return withSeedLab('bs', async ({ file, nsA, nsB, env, kernel }) => {
    // A process start costs ~0.3 s in a guest: fewer rounds than on the host.
    const r = await compare(file, nsA, env, 3_000, 6);
    // What an operator sees, in effect and after drift made behind mplsgre's back.
    const show = (): string => {
      const p = spawnSync(process.execPath, [CLI, 'status', file], { encoding: 'utf8', timeout: 30_000, env });
      return `$ mplsgre status seed.yaml; echo $?\n${p.stdout}${p.status}\n`;
    };
    const shown = [show()];
    await execLocal('ip', ['-n', nsA, '-f', 'mpls', 'route', 'del', '101'], { timeoutMs: 10_000 });
    await execLocal('ip', ['netns', 'exec', nsB, 'sysctl', '-qw', 'net.mpls.conf.foo4.input=0'], { timeoutMs: 10_000 });
    shown.push(show());
    return { ...r, shown, kernel };
  });
}

/** (b) This machine: fresh namespaces, the guest's records. */
async function onHost(): Promise<void> {
  const fx = JSON.parse(await readFile(join(ROOT, 'test', 'fixtures', 'status', 'status-up.json'), 'utf8')) as StatusFixture;
  const dir = await mkdtemp(join(tmpdir(), 'mplsgre-bs-'));
  const id = `${process.pid}`;
  const [a, b] = [`mplsgre-bs${id}-A`, `mplsgre-bs${id}-B`];
  const made: string[] = [];
  try {
    for (const n of [a, b]) {
      const r = await execLocal('ip', ['netns', 'add', n], { timeoutMs: 10_000 });
      if (r.failed) throw new Error(`ip netns add ${n}: ${r.stderr.trim()}`);
      made.push(n);
    }
    const file = join(dir, 'seed.yaml');
    await writeFile(file, fx.topology.replace(/netns:\S+-A\b/, `netns:${a}`).replace(/netns:\S+-B\b/, `netns:${b}`));
    const store = new StateStore(join(dir, 'state'));
    const [ra, rb] = Object.values(fx.records);
    await store.save({ ...ra!, target: `netns:${a}` });
    await store.save({ ...rb!, target: `netns:${b}` });
    const env = { ...process.env, MPLSGRE_STATE_DIR: store.dir, MPLSGRE_CACHE_DIR: join(dir, 'cache') };
    const { rows, ratio } = await compare(file, a, env, 5_000, 10);
    console.log(`\n(b) host kernel ${(await readFile('/proc/sys/kernel/osrelease', 'utf8')).trim()}, fresh namespaces (objects absent, status exit 1)`);
    console.table(rows);
    console.log(`status (2 netns hosts) / check --netns (1), median: ${ratio.toFixed(2)}x (budget < 2x)`);
  } finally {
    for (const n of made) await execLocal('ip', ['netns', 'delete', n], { timeoutMs: 10_000 });
    await rm(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  console.log('== status.bench: mplsgre status on two netns hosts against check --netns on one');
  await onHost();
  await ensureUmlKernel((m) => console.log(m));
  const r = await runInUml({ job: { kind: 'module', module: fileURLToPath(import.meta.url), export: 'benchInGuest', input: {} }, timeoutMs: 900_000 });
  const out = r.output as { ok: boolean; value?: { rows: Row[]; ratio: number; kernel: string; shown: string[] }; error?: { message: string } } | undefined;
  if (!out?.ok || !out.value) throw new Error(`the guest bench failed: ${out?.error?.message ?? r.console.slice(-1500)}`);
  console.log(`\n(a) user-mode Linux ${out.value.kernel}, the seed up in two namespaces (status exit 0)`);
  console.table(out.value.rows);
  console.log(`status (2 netns hosts) / check --netns (1), median: ${out.value.ratio.toFixed(2)}x (budget < 2x)`);
  console.log(`\nthe output in the guest (names of its namespaces), in effect and after drift:\n\n${out.value.shown.join('\n')}`);
}
