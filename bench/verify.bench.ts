/**
 * What `mplsgre verify` costs beside the pings it runs, in user-mode Linux 6.1 with the seed set
 * up by the real `up` in two namespaces (this machine's kernel may have no GRE or MPLS), whole
 * processes in one tinybench run: the two bare `ping` commands verify runs (both directions at
 * once), verify with pings only (--no-tcp), with its default
 * bulk TCP transfer (4 MiB each way) and with 1 MiB; all with --no-mtu (the MTU probe is
 * not this bench's subject). Prints numbers only. Needs root.
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { ensureUmlKernel, runInUml } from '../src/host/uml.js';
import { latencyRow } from './latency-row.js';
import { withSeedLab } from './seed-lab.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'bin', 'mplsgre.js');
const COUNT = 5;

/** A whole process; resolves with its exit code. */
function proc(file: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const p = spawn(file, args, { stdio: 'ignore', env, timeout: 120_000 });
    p.on('error', reject);
    p.on('close', (code) => resolve(code));
  });
}

interface GuestOut {
  readonly kernel: string;
  readonly rows: Record<string, string>[];
  readonly exits: Record<string, string>;
  readonly tcp: string[];
}

/** Guest side: the seed up, each task measured, everything removed. */
export async function benchInGuest(): Promise<GuestOut> {
  return withSeedLab('bv', async ({ file, nsA, nsB, env, kernel }) => {
    const exits: Record<string, Set<number | null>> = {};
    const task = (name: string, run: () => Promise<(number | null)[]>) => async (): Promise<void> => {
      for (const code of await run()) (exits[name] ??= new Set()).add(code);
    };
    // The very commands verify runs for its pings (engine/verify/pings.ts), both ways at once.
    const pingArgs = (ns: string, from: string, to: string): string[] => ['netns', 'exec', ns, 'ping', '-n', '-q', '-c', String(COUNT), '-i', '0.01', '-W', '1', '-I', from, to];
    const pings = `2 x ping -c ${COUNT} (both ways at once)`;
    const verify = (args: string[]) => (): Promise<(number | null)[]> => Promise.all([proc(process.execPath, [CLI, 'verify', file, '--count', String(COUNT), ...args], env)]);
    const tasks: [string, () => Promise<(number | null)[]>][] = [
      [pings, () => Promise.all([proc('ip', pingArgs(nsA, '10.199.0.1', '10.199.0.2'), env), proc('ip', pingArgs(nsB, '10.199.0.2', '10.199.0.1'), env)])],
      [`verify --count ${COUNT} --no-mtu --no-tcp`, verify(['--no-mtu', '--no-tcp'])],
      [`verify --count ${COUNT} --no-mtu --bytes 1M`, verify(['--no-mtu', '--bytes', '1M'])],
      [`verify --count ${COUNT} --no-mtu (4 MiB TCP)`, verify(['--no-mtu'])],
    ];
    // A verify is seconds in a guest: a few rounds each.
    const bench = new Bench({ name: 'verify vs its pings', time: 1, iterations: 3, warmupIterations: 0, warmup: false, throws: true });
    for (const [name, run] of tasks) bench.add(name, task(name, run));
    await bench.run();
    // What the transfers did, once more, as verify reports them.
    const shown = spawnSync(process.execPath, [CLI, 'verify', file, '--count', String(COUNT), '--no-mtu', '--json'], { encoding: 'utf8', timeout: 120_000, env });
    const doc = JSON.parse(shown.stdout) as { result: { durationMs: number; directions: { from: string; to: string; tcp?: { bytes: number; throughputMbps: number | null; durationMs: number; segmentsInGre: number } }[] } };
    const tcp = doc.result.directions.map((d) => `${d.from}->${d.to}: ${d.tcp?.bytes ?? 0} bytes at ${d.tcp?.throughputMbps ?? '-'} Mbit/s in ${d.tcp?.durationMs ?? '-'} ms, ${d.tcp?.segmentsInGre ?? 0} segments labelled in GRE`);
    tcp.push(`verify's own durationMs: ${doc.result.durationMs}`);
    return {
      kernel,
      rows: bench.tasks.map((t) => latencyRow(t, 0)),
      exits: Object.fromEntries(Object.entries(exits).map(([k, v]) => [k, [...v].join(',')])),
      tcp,
    };
  });
}

export async function run(): Promise<void> {
  console.log('== verify.bench: mplsgre verify beside the pings it runs, in user-mode Linux');
  await ensureUmlKernel((m) => console.log(m));
  const r = await runInUml({ job: { kind: 'module', module: fileURLToPath(import.meta.url), export: 'benchInGuest', input: {} }, timeoutMs: 1_800_000 });
  const out = r.output as { ok: boolean; value?: GuestOut; error?: { message: string } } | undefined;
  if (!out?.ok || !out.value) throw new Error(`the guest bench failed: ${out?.error?.message ?? r.console.slice(-1500)}`);
  console.log(`\nuser-mode Linux ${out.value.kernel}, the seed up in two namespaces`);
  console.table(out.value.rows.map((row) => ({ ...row, exit: out.value!.exits[row.task!] ?? '' })));
  console.log(out.value.tcp.join('\n'));
}
