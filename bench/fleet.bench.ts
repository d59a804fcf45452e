/**
 * What `mplsgre fleet` costs over real ssh: fleets of 1, 10 and 50 sshd servers (one namespace,
 * one port each; see test/support/sshd.ts) at the default concurrency 16, 10 at 4, and 10 whose
 * sessions run this machine's /root/.bashrc (`realHome`).
 *
 * Columns. `ideal` = ceil(N / concurrency) x the single-host time: what the run would take if
 * hosts cost only latency. `CPU` = CPU time of everything the run started (this process, the ssh
 * clients and control masters, every sshd and the remote commands), read from a cpuacct cgroup
 * made for the run; `floor` = CPU / cores: the shortest possible wall time on this machine's
 * cores even if nothing else ran. When `wall` follows `floor` and not `ideal`, the run is
 * CPU-bound: client and servers share the cores. `host ms` is each host's own time
 * (connection + check): equal durations across a round show hosts progressed together, not
 * one after another. Ratios within one run only: the machine is shared.
 * Needs root, openssh-server and a cgroup v1 cpuacct hierarchy (else CPU columns are n/a).
 */
import { mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONCURRENCY, fleetCommand, type InventoryEntry } from '../src/commands/fleet.js';
import { parseTarget } from '../src/core/target.js';
import { createSshLab, type SshServer } from '../test/support/sshd.js';

const SIZES = [1, 10, 50];
const CPUACCT = '/sys/fs/cgroup/cpuacct';

/** CPU time (ms) of this process and all it starts, via a cpuacct cgroup; undefined where there is none. */
function cpuMeter(): { read: () => number | undefined; close: () => void } {
  const dir = join(CPUACCT, `mplsgre-bench-${process.pid}`);
  try {
    mkdirSync(dir);
    writeFileSync(join(dir, 'cgroup.procs'), String(process.pid));
  } catch (_err) {
    return { read: () => undefined, close: () => {} };
  }
  return {
    read: () => Number(readFileSync(join(dir, 'cpuacct.usage'), 'utf8')) / 1e6,
    close: () => {
      writeFileSync(join(CPUACCT, 'cgroup.procs'), String(process.pid));
      rmdirSync(dir);
    },
  };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function run(): Promise<void> {
  const cpu = cpuMeter();
  const cores = availableParallelism();
  const lab = await createSshLab();
  try {
    const max = Math.max(...SIZES);
    await Promise.all(Array.from({ length: max }, (_, i) => lab.addServer(2300 + i)));
    const bashrc = await Promise.all(Array.from({ length: 10 }, (_, i) => lab.addServer(2400 + i, { realHome: true })));
    const toEntries = (servers: readonly SshServer[]): InventoryEntry[] => servers.map((s, i) => ({ target: parseTarget(s.target, 'bench'), where: `line ${i + 1}` }));
    const entries = toEntries(lab.servers.slice(0, max));
    const fleet = async (hosts: InventoryEntry[], concurrency: number): Promise<{ ms: number; cpuMs: number | undefined; hostMs: number[] }> => {
      const before = cpu.read();
      const r = await fleetCommand({ entries: hosts, concurrency, timeoutMs: 120_000, labels: [100, 101], iface: 'foo4', failOn: 'fail', ssh: { configFile: lab.clientConfig } });
      const after = cpu.read();
      if (r.summary.unreachable) throw new Error(`${r.summary.unreachable} of ${hosts.length} hosts unreachable`);
      return { ms: r.durationMs, cpuMs: before === undefined || after === undefined ? undefined : after - before, hostMs: r.hosts.map((h) => h.durationMs) };
    };
    await fleet(entries.slice(0, 1), 1); // warm-up: page cache, sshd binaries
    const single = await fleet(entries.slice(0, 1), 1);
    const rows: Record<string, string>[] = [];
    const row = (label: string, n: number, c: number, m: { ms: number; cpuMs: number | undefined; hostMs: number[] }): void => {
      const ideal = Math.ceil(n / c) * single.ms;
      rows.push({
        fleet: label, hosts: String(n), concurrency: String(c), 'wall ms': String(m.ms),
        'ideal ms': String(ideal), 'wall/ideal': (m.ms / ideal).toFixed(1),
        'CPU ms': m.cpuMs === undefined ? 'n/a' : m.cpuMs.toFixed(0),
        'CPU ms/host': m.cpuMs === undefined ? 'n/a' : (m.cpuMs / n).toFixed(0),
        'floor ms': m.cpuMs === undefined ? 'n/a' : (m.cpuMs / cores).toFixed(0),
        'wall/floor': m.cpuMs === undefined ? 'n/a' : (m.ms / (m.cpuMs / cores)).toFixed(1),
        'host ms min/med/max': `${Math.min(...m.hostMs)}/${median(m.hostMs)}/${Math.max(...m.hostMs)}`,
      });
    };
    row('lab HOME', 1, 1, single);
    for (const [n, c] of [...SIZES.map((n) => [n, DEFAULT_CONCURRENCY] as const), [10, 4] as const]) row('lab HOME', n, c, await fleet(entries.slice(0, n), c));
    row('root ~/.bashrc', 10, DEFAULT_CONCURRENCY, await fleet(toEntries(bashrc), DEFAULT_CONCURRENCY));
    console.log(`fleet over ssh, ${cores} cores (single host, connection + check: ${single.ms} ms, ${single.cpuMs?.toFixed(0) ?? 'n/a'} ms CPU)`);
    console.table(rows);
  } finally {
    await lab.cleanup();
    cpu.close();
  }
}
