/**
 * What a remote login shell that does work costs `mplsgre fleet`: hosts whose ~/.bashrc burns
 * 300 ms of CPU for every non-interactive session (as pyenv, nvm or conda init do on real hosts;
 * test/support/sshd.ts, in the lab's own HOME), fleets of 1 and 8 at the default concurrency.
 *
 * Rows, in one run on the same servers:
 * - `one command per read`: what check did before it batched: `true` for reachability, then each
 *   tick's reads and each version query as its own remote command (the same SshHost, its
 *   batch() hidden);
 * - `batched`: reachability with `ssh -N` (no remote command), then one remote command;
 * - `main build` (only with MPLSGRE_BENCH_BASELINE=DIST, the dist/ of a build of an older
 *   checkout): that build's own fleetCommand, unchanged.
 * `commands/host` is counted by the servers' shells (each logs the command it runs); `wall ms`
 * is the fleet's own duration. Ratios within one run only: the machine is shared.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEFAULT_CONCURRENCY, fleetCommand, type Connector, type FleetOptions, type FleetReport, type InventoryEntry } from '../src/commands/fleet.js';
import { parseTarget } from '../src/core/target.js';
import type { Host } from '../src/host/host.js';
import { SshHost } from '../src/host/ssh.js';
import { createSshLab, type SshServer } from '../test/support/sshd.js';

const BURN_MS = 300;
const SIZES = [1, 8];

/** The sequence before batching: reachability by `true`, then the host without batch(). */
const perRead: Connector = (entry, opts) => {
  if (entry.target.kind !== 'ssh') throw new Error('ssh targets only');
  const ssh = SshHost.fromTarget(entry.target, { ...opts.ssh, overallTimeoutMs: opts.timeoutMs });
  const host: Host = {
    name: ssh.name,
    remote: true,
    exec: (file, args, o) => ssh.exec(file, args, o),
    readFiles: (paths) => ssh.readFiles(paths),
    start: (file, args, o) => ssh.start(file, args, o),
  };
  return {
    open: async () => {
      const r = await ssh.exec('true', [], { timeoutMs: 15_000 });
      return r.failed ? { error: r.stderr.trim() || `exit ${r.exitCode}` } : { host };
    },
    close: () => ssh.close(),
  };
};

type Fleet = (opts: FleetOptions) => Promise<FleetReport>;

export async function run(): Promise<void> {
  const baselineDist = process.env.MPLSGRE_BENCH_BASELINE;
  const baseline = baselineDist
    ? ((await import(pathToFileURL(join(baselineDist, 'src', 'commands', 'fleet.js')).href)) as { fleetCommand: Fleet }).fleetCommand
    : undefined;
  const lab = await createSshLab();
  try {
    const max = Math.max(...SIZES);
    const servers = await Promise.all(Array.from({ length: max }, (_, i) => lab.addServer(2500 + i, { workingShell: { burnMs: BURN_MS } })));
    const entries: InventoryEntry[] = servers.map((s, i) => ({ target: parseTarget(s.target, 'bench'), where: `line ${i + 1}` }));
    const logged = async (ss: readonly SshServer[]): Promise<number> => (await Promise.all(ss.map((s) => s.commands!()))).reduce((n, c) => n + c.length, 0);
    const fleet = async (fn: Fleet, n: number, connect?: Connector): Promise<{ ms: number; perHost: number; ready: number }> => {
      const before = await logged(servers.slice(0, n));
      const r = await fn({
        entries: entries.slice(0, n), concurrency: DEFAULT_CONCURRENCY, timeoutMs: 120_000, labels: [100, 101], iface: 'foo4', failOn: 'fail',
        ssh: { configFile: lab.clientConfig }, ...(connect ? { connect } : {}),
      });
      if (r.summary.unreachable) throw new Error(`${r.summary.unreachable} of ${n} hosts unreachable`);
      return { ms: r.durationMs, perHost: ((await logged(servers.slice(0, n))) - before) / n, ready: r.summary.ready };
    };
    await fleet(fleetCommand, 1); // warm-up: page cache, sshd binaries
    const rows: Record<string, string>[] = [];
    const modes: [string, () => (n: number) => ReturnType<typeof fleet>][] = [
      ['one command per read', () => (n) => fleet(fleetCommand, n, perRead)],
      ['batched', () => (n) => fleet(fleetCommand, n)],
      ...(baseline ? [[`main build (${baselineDist})`, () => (n: number) => fleet(baseline, n)] as [string, () => (n: number) => ReturnType<typeof fleet>]] : []),
    ];
    for (const n of SIZES) {
      for (const [label, make] of modes) {
        const m = await make()(n);
        rows.push({ code: label, hosts: String(n), 'commands/host': m.perHost.toFixed(1), 'wall ms': String(m.ms) });
      }
    }
    console.log(`fleet over ssh, remote ~/.bashrc burning ${BURN_MS} ms per session, concurrency ${DEFAULT_CONCURRENCY}, ${availableParallelism()} cores`);
    console.table(rows);
  } finally {
    await lab.cleanup();
  }
}
