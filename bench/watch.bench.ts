/**
 * What one round of `mplsgre watch` costs, against the real alternative for proving a direction,
 * in user-mode Linux 6.1 with the seed set up by the real `up` in two namespaces (this machine's
 * kernel may have no GRE or MPLS), one tinybench run:
 *  (a) capture: a few pings each way under tcpdump on both ends, judged from the packets
 *      (verify's machinery, --count 3 --no-mtu);
 *  (b) counters: the tunnel devices' MPLS counters read, pings each way, the counters read again
 *      (watch's round, reading both sides afresh);
 *  (b') counters as watch runs them: the previous round's second read is this round's first;
 *  (c) `check` of one end, in-process, to choose how often watch runs it.
 * Wall time from tinybench; CPU per round is this process's and its reaped children's
 * (/proc/self/stat utime + stime + cutime + cstime) over the same iterations. Prints numbers only.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { checkCommand } from '../src/commands/check.js';
import { bind } from '../src/commands/tunnel.js';
import { verifyTopology } from '../src/engine/verify.js';
import { watchRound, type RoundResult } from '../src/engine/watch-round.js';
import { ensureUmlKernel, runInUml } from '../src/host/uml.js';
import { withSeedLab } from './seed-lab.js';

interface Row {
  readonly task: string;
  readonly 'wall median ms': string;
  readonly 'wall mean ms': string;
  readonly 'CPU ms per round': string;
  readonly samples: number;
  readonly proved: string;
}


/** CPU seconds of this process and its reaped children so far (clock ticks of 1/100 s). */
async function cpuS(): Promise<number> {
  const stat = await readFile('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14-17 of proc(5), counted from the state field (3): utime stime cutime cstime.
  return [11, 12, 13, 14].reduce((s, i) => s + Number(f[i]), 0) / 100;
}

/** Guest side: the seed up in two namespaces, the four tasks measured, everything removed. */
export async function benchInGuest(): Promise<{ rows: Row[]; kernel: string }> {
  return withSeedLab('bw', async ({ file, kernel }) => {
    const { topology, hosts } = await bind(file);
    const cpu = new Map<string, number>();
    const proved = new Map<string, Set<string>>();
    const timed = (name: string, fn: () => Promise<string>) => async (): Promise<void> => {
      const c0 = await cpuS();
      const p = await fn();
      cpu.set(name, (cpu.get(name) ?? 0) + (await cpuS()) - c0);
      proved.set(name, (proved.get(name) ?? new Set()).add(p));
    };
    let reads: RoundResult['reads'];
    const tasks: [string, () => Promise<string>][] = [
      ['(a) capture: tcpdump on both ends, 3 pings each way, judged from the packets', async () => {
        const r = await verifyTopology(topology, hosts, { count: 3, interval: 0.05, mtu: false });
        return r.directions.map((d) => `${d.from}->${d.to} ${d.ok ? 'up' : 'down'}`).join(', ');
      }],
      ['(b) counters read, 3 pings each way, counters read', async () => {
        const r = await watchRound(topology, hosts, {});
        return r.directions.map((d) => `${d.from}->${d.to} ${d.up ? 'up' : 'down'}`).join(', ');
      }],
      ['(b\') watch\'s round: the last round\'s read reused, 3 pings each way, counters read', async () => {
        const r = await watchRound(topology, hosts, reads ? { before: reads } : {});
        reads = r.reads;
        return r.directions.map((d) => `${d.from}->${d.to} ${d.up ? 'up' : 'down'}`).join(', ');
      }],
      ['(c) check of one end (in-process, as watch runs it)', async () => {
        const r = await checkCommand({ host: hosts.get('A')!, iface: 'foo4', labels: [100, 101], ignore: [], failOn: 'fail' });
        return r.ready ? 'ready' : `not ready: ${r.checks.filter((c) => c.status === 'fail' || c.status === 'error').map((c) => c.id).join(', ')}`;
      }],
    ];
    const bench = new Bench({ name: 'watch round', time: 1_000, iterations: 8, warmupIterations: 1, throws: true });
    for (const [name, fn] of tasks) bench.add(name, timed(name, fn));
    await bench.run();
    const rows = bench.tasks.map((t): Row => {
      // Warm-up iterations count in the CPU total too: divide by every run of the task.
      const runs = (t.result?.latency.samples.length ?? 0) + 1;
      return {
        task: t.name,
        'wall median ms': (t.result?.latency.p50 ?? NaN).toFixed(0),
        'wall mean ms': (t.result?.latency.mean ?? NaN).toFixed(0),
        'CPU ms per round': (((cpu.get(t.name) ?? NaN) / runs) * 1000).toFixed(0),
        samples: runs - 1,
        proved: [...(proved.get(t.name) ?? [])].join(' | '),
      };
    });
    return { rows, kernel };
  });
}

export async function run(): Promise<void> {
  console.log('== watch.bench: one round of watch (counters) against a capture round, and check, in user-mode Linux');
  await ensureUmlKernel((m) => console.log(m));
  const r = await runInUml({ job: { kind: 'module', module: fileURLToPath(import.meta.url), export: 'benchInGuest', input: {} }, timeoutMs: 900_000 });
  const out = r.output as { ok: boolean; value?: { rows: Row[]; kernel: string }; error?: { message: string } } | undefined;
  if (!out?.ok || !out.value) throw new Error(`the guest bench failed: ${out?.error?.message ?? r.console.slice(-1500)}`);
  console.log(`\nuser-mode Linux ${out.value.kernel}, the seed up in two namespaces`);
  console.table(out.value.rows);
  const cpu = (i: number): number => Number(out.value!.rows[i]?.['CPU ms per round']);
  console.log(`watch's CPU per round: ${cpu(2)} ms (capture round: ${cpu(0)} ms, ${(cpu(0) / cpu(2)).toFixed(1)}x)`);
}
