/**
 * What `mplsgre fleet` costs over real ssh: fleets of 1, 10 and 50 sshd servers (one namespace,
 * one port each; see test/support/sshd.ts) at the default concurrency 16, and 10 at 4.
 * Expectation: time ~ ceil(N / concurrency) x single-host time while hosts cost latency; where
 * client and servers share this machine's CPUs (as here) the run is CPU-bound and time ~ N x
 * per-host CPU instead: the `ms per host` column. Prints numbers only.
 * Needs root and openssh-server.
 */
import { DEFAULT_CONCURRENCY, fleetCommand, type InventoryEntry } from '../src/commands/fleet.js';
import { parseTarget } from '../src/core/target.js';
import { createSshLab } from '../test/support/sshd.js';

const SIZES = [1, 10, 50];

export async function run(): Promise<void> {
  const lab = await createSshLab();
  try {
    const max = Math.max(...SIZES);
    await Promise.all(Array.from({ length: max }, (_, i) => lab.addServer(2300 + i)));
    const entries: InventoryEntry[] = lab.servers.map((s, i) => ({ target: parseTarget(s.target, 'bench'), where: `line ${i + 1}` }));
    const fleet = async (n: number, concurrency: number): Promise<number> => {
      const r = await fleetCommand({ entries: entries.slice(0, n), concurrency, timeoutMs: 60_000, labels: [100, 101], iface: 'foo4', failOn: 'fail', ssh: { configFile: lab.clientConfig } });
      if (r.summary.unreachable) throw new Error(`${r.summary.unreachable} of ${n} hosts unreachable`);
      return r.durationMs;
    };
    await fleet(1, 1); // warm-up: page cache, sshd binaries
    const single = await fleet(1, 1);
    const rows: Record<string, string>[] = [];
    for (const [n, c] of [...SIZES.map((n) => [n, DEFAULT_CONCURRENCY] as const), [10, 4] as const]) {
      const ms = await fleet(n, c);
      const rounds = Math.ceil(n / c);
      rows.push({
        hosts: String(n), concurrency: String(c), 'wall ms': String(ms),
        'ceil(N/c)': String(rounds), 'ideal ms (rounds x single)': String(rounds * single),
        'ms per round': (ms / rounds).toFixed(0),
        'ms per host': (ms / n).toFixed(0),
      });
    }
    console.log(`fleet over ssh (single host, connection + check: ${single} ms)`);
    console.table(rows);
  } finally {
    await lab.cleanup();
  }
}
