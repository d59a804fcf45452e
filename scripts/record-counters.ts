/**
 * Records the kernel's MPLS counters, as `ip -j stats show group afstats subgroup mpls` prints
 * them, into test/fixtures/counters/NAME.json: in user-mode Linux 6.1, before mpls_router is
 * loaded, then on the seed set up by the real `up` in two namespaces, around pings that cross,
 * that meet no label route, and that meet MPLS input off. Each fixture holds, per host, the
 * counters before and after the pings and what ping said. Unit tests parse and replay them.
 *
 * With --paths it records instead, into test/fixtures/paths/NAME.json, one broken seed at a
 * time: the real verify run (which direction failed, at which stage), every device's counters
 * on both ends before and after it, and what verify reads of each end to explain a failure
 * (engine/path-facts.ts, through a RecordingHost). Unit tests replay the root cause from them.
 *
 *   npm run build && node dist/scripts/record-counters.js [--paths]
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { upCommand } from '../src/commands/up.js';
import { parseTopology } from '../src/core/topology.js';
import { StateStore } from '../src/engine/state.js';
import { createLabNetwork } from '../src/engine/underlay.js';
import { execLocal } from '../src/host/spawn.js';
import { ensureUmlKernel, runInUml } from '../src/host/uml.js';
import { COUNTERS_ARGV } from '../src/probes/mpls-counters.js';
import type { Stage } from '../src/core/root-cause.js';
import { pathFacts } from '../src/engine/path-facts.js';
import { verifyTopology } from '../src/engine/verify.js';
import { NetnsHost } from '../src/host/netns.js';
import { RecordingHost, type Recording } from '../src/host/replay.js';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const OUT = join(ROOT, 'test', 'fixtures', 'counters');
const PATHS_OUT = join(ROOT, 'test', 'fixtures', 'paths');

const SEED = `tunnel: { name: foo4, overlay: 10.199.0.0/24 }
hosts:
  A: { target: local, underlay: 10.128.0.2, overlay: 10.199.0.1, label: 100 }
  B: { target: local, underlay: 10.128.100.2, overlay: 10.199.0.2, label: 101 }
`;

/** One host's side of a recorded case. */
export interface CountersSide {
  /** `ip` argv, and its stdout, before and after the pings. */
  readonly argv: readonly string[];
  readonly before: string;
  readonly after: string;
}

export interface CountersFixture {
  readonly recorded: { readonly description: string; readonly kernel: string; readonly iproute2: string; readonly at: string; readonly by: string };
  readonly topology: string;
  /** Pings sent from A to B between the two reads, and how many came back. */
  readonly pings: { readonly from: string; readonly to: string; readonly sent: number; readonly received: number };
  readonly hosts: Readonly<Record<string, CountersSide>>;
}

async function must(argv: string[]): Promise<string> {
  const r = await execLocal(argv[0]!, argv.slice(1), { timeoutMs: 20_000 });
  if (r.failed) throw new Error(`${argv.join(' ')}: ${r.stderr.trim() || r.spawnError || r.exitCode}`);
  return r.stdout;
}

const stats = (ns: string): Promise<string> => must(['ip', '-n', ns, ...COUNTERS_ARGV]);

/** Guest side: the counters in each state in turn; returns the fixtures by name. */
export async function recordCountersInGuest(): Promise<Record<string, CountersFixture>> {
  const dir = await mkdtemp(join(tmpdir(), 'mplsgre-rc-'));
  process.env.MPLSGRE_STATE_DIR = join(dir, 'state');
  await must(['modprobe', 'ipv6']);
  const kernel = (await readFile('/proc/sys/kernel/osrelease', 'utf8')).trim();
  const iproute2 = (await must(['ip', '-V'])).trim();
  const at = new Date().toISOString().slice(0, 10);
  const by = 'scripts/record-counters.ts';
  const out: Record<string, CountersFixture> = {};
  const net = await createLabNetwork(parseTopology(SEED));
  const [nsA, nsB] = [...net.namespaces.values()] as [string, string];
  const topology = SEED.replace(/target: local/, `target: netns:${nsA}`).replace(/target: local/, `target: netns:${nsB}`);
  try {
    // Before mpls_router is loaded: the devices are listed without MPLS counters.
    const bare = await stats(nsA);
    out['no-mpls-router'] = {
      recorded: { description: 'the lab namespaces before mpls_router is loaded (no MPLS counters on any device)', kernel, iproute2, at, by },
      topology, pings: { from: 'A', to: 'B', sent: 0, received: 0 },
      hosts: { A: { argv: ['ip', ...COUNTERS_ARGV], before: bare, after: bare } },
    };
    const file = join(dir, 'seed.yaml');
    await writeFile(file, topology);
    const up = await upCommand({ file, store: new StateStore(join(dir, 'state')) });
    if (!up.ok) throw new Error(`up failed: ${up.failure?.message}`);
    const record = async (name: string, description: string): Promise<void> => {
      const before = await Promise.all([stats(nsA), stats(nsB)]);
      const r = await execLocal('ip', ['netns', 'exec', nsA, 'ping', '-n', '-q', '-c', '3', '-i', '0.2', '-W', '1', '-I', '10.199.0.1', '10.199.0.2'], { timeoutMs: 20_000 });
      const received = Number(/(\d+) received/.exec(r.stdout)?.[1] ?? 0);
      const after = await Promise.all([stats(nsA), stats(nsB)]);
      out[name] = {
        recorded: { description, kernel, iproute2, at, by }, topology,
        pings: { from: 'A', to: 'B', sent: 3, received },
        hosts: {
          A: { argv: ['ip', ...COUNTERS_ARGV], before: before[0]!, after: after[0]! },
          B: { argv: ['ip', ...COUNTERS_ARGV], before: before[1]!, after: after[1]! },
        },
      };
    };
    await record('seed-crossing', 'the seed set up by mplsgre up; 3 pings A->B all answered');
    await must(['ip', '-n', nsB, '-f', 'mpls', 'route', 'del', '100']);
    await record('noroute', 'B\'s label route for 100 deleted; 3 pings A->B: B counts them as rx_noroute on foo4');
    await must(['ip', '-n', nsB, '-f', 'mpls', 'route', 'add', '100', 'dev', 'lo']);
    await must(['ip', 'netns', 'exec', nsB, 'sysctl', '-qw', 'net.mpls.conf.foo4.input=0']);
    await record('input-off', 'net.mpls.conf.foo4.input=0 on B; 3 pings A->B: B counts them as rx_dropped on foo4');
  } finally {
    await net.destroy();
    await rm(dir, { recursive: true, force: true });
  }
  return out;
}

/** One broken seed as verify saw it, with what explains it. */
export interface PathFixture {
  readonly recorded: { readonly description: string; readonly kernel: string; readonly iproute2: string; readonly at: string; readonly by: string };
  readonly topology: string;
  /** The direction that failed, its stage, and the ends the stage points at (the reply leg swaps them). */
  readonly direction: { readonly from: string; readonly to: string; readonly stage: Stage; readonly sender: string; readonly receiver: string; readonly sent: number; readonly received: number };
  /** What verify named when it was recorded. */
  readonly verifyCause: string | null;
  /** Every device's counters, `ip -j stats show group afstats subgroup mpls`, before and after verify. */
  readonly counters: Readonly<Record<string, { readonly before: string; readonly after: string }>>;
  /** What engine/path-facts.ts read on each end after verify. */
  readonly facts: Readonly<Record<string, Recording>>;
}

/** A broken seed: how to break it on A or B, how to mend it, and whether verify probes the MTU. */
interface Breakage {
  readonly name: string;
  readonly description: string;
  readonly breakIt: (ns: { A: string; B: string; vethB: string }) => string[][];
  readonly mendIt: (ns: { A: string; B: string; vethB: string }) => string[][];
  readonly mtu: boolean;
}

const inNs = (ns: string, ...argv: string[]): string[] => ['ip', 'netns', 'exec', ns, ...argv];

export const BREAKAGES: readonly Breakage[] = [
  {
    name: 'noroute', description: 'B\'s label route for 100 replaced by one for 999', mtu: false,
    breakIt: (n) => [['ip', '-n', n.B, '-f', 'mpls', 'route', 'del', '100', 'dev', 'lo'], ['ip', '-n', n.B, '-f', 'mpls', 'route', 'add', '999', 'dev', 'lo']],
    mendIt: (n) => [['ip', '-n', n.B, '-f', 'mpls', 'route', 'del', '999', 'dev', 'lo'], ['ip', '-n', n.B, '-f', 'mpls', 'route', 'add', '100', 'dev', 'lo']],
  },
  {
    name: 'input-off', description: 'net.mpls.conf.foo4.input=0 on B', mtu: false,
    breakIt: (n) => [inNs(n.B, 'sysctl', '-qw', 'net.mpls.conf.foo4.input=0')], mendIt: (n) => [inNs(n.B, 'sysctl', '-qw', 'net.mpls.conf.foo4.input=1')],
  },
  {
    name: 'ttl-expired', description: 'A pushes labels with TTL 1 (net.mpls.ip_ttl_propagate=0, net.mpls.default_ttl=1 on A)', mtu: false,
    breakIt: (n) => [inNs(n.A, 'sysctl', '-qw', 'net.mpls.ip_ttl_propagate=0'), inNs(n.A, 'sysctl', '-qw', 'net.mpls.default_ttl=1')],
    mendIt: (n) => [inNs(n.A, 'sysctl', '-qw', 'net.mpls.default_ttl=255'), inNs(n.A, 'sysctl', '-qw', 'net.mpls.ip_ttl_propagate=1')],
  },
  {
    name: 'rp-strict', description: 'net.ipv4.conf.all.rp_filter=1 on B', mtu: false,
    breakIt: (n) => [inNs(n.B, 'sysctl', '-qw', 'net.ipv4.conf.all.rp_filter=1')], mendIt: (n) => [inNs(n.B, 'sysctl', '-qw', 'net.ipv4.conf.all.rp_filter=2')],
  },
  {
    name: 'pushes-other-label', description: 'A\'s overlay route pushes 999 instead of 100', mtu: false,
    breakIt: (n) => [['ip', '-n', n.A, 'route', 'replace', '10.199.0.0/24', 'encap', 'mpls', '999', 'dev', 'foo4']],
    mendIt: (n) => [['ip', '-n', n.A, 'route', 'replace', '10.199.0.0/24', 'encap', 'mpls', '100', 'dev', 'foo4']],
  },
  {
    name: 'wrong-remote', description: 'A\'s tunnel remote 10.128.100.3 instead of B\'s 10.128.100.2', mtu: false,
    breakIt: (n) => [['ip', '-n', n.A, 'tunnel', 'change', 'foo4', 'mode', 'gre', 'remote', '10.128.100.3', 'local', '10.128.0.2']],
    mendIt: (n) => [['ip', '-n', n.A, 'tunnel', 'change', 'foo4', 'mode', 'gre', 'remote', '10.128.100.2', 'local', '10.128.0.2']],
  },
  {
    name: 'small-underlay-mtu', description: 'B\'s underlay MTU 1200 while the tunnel assumes 1500', mtu: true,
    breakIt: (n) => [['ip', '-n', n.B, 'link', 'set', 'dev', n.vethB, 'mtu', '1200']], mendIt: (n) => [['ip', '-n', n.B, 'link', 'set', 'dev', n.vethB, 'mtu', '1500']],
  },
];

/** Guest side of --paths: the seed set up by the real up, then each breakage in turn under verify. */
export async function recordPathsInGuest(input: { only?: string }): Promise<Record<string, PathFixture>> {
  const dir = await mkdtemp(join(tmpdir(), 'mplsgre-rp-'));
  process.env.MPLSGRE_STATE_DIR = join(dir, 'state');
  await must(['modprobe', 'ipv6']);
  const kernel = (await readFile('/proc/sys/kernel/osrelease', 'utf8')).trim();
  const iproute2 = (await must(['ip', '-V'])).trim();
  const at = new Date().toISOString().slice(0, 10);
  const by = 'scripts/record-counters.ts --paths';
  const out: Record<string, PathFixture> = {};
  const net = await createLabNetwork(parseTopology(SEED));
  const [nsA, nsB] = [...net.namespaces.values()] as [string, string];
  const topology = SEED.replace(/target: local/, `target: netns:${nsA}`).replace(/target: local/, `target: netns:${nsB}`);
  const topo = parseTopology(topology);
  const ns = { A: nsA, B: nsB, vethB: net.veth[1]! };
  const nsOf: Record<string, string> = { A: nsA, B: nsB };
  try {
    const file = join(dir, 'seed.yaml');
    await writeFile(file, topology);
    const up = await upCommand({ file, store: new StateStore(join(dir, 'state')) });
    if (!up.ok) throw new Error(`up failed: ${up.failure?.message}`);
    for (const b of BREAKAGES) {
      if (input.only && input.only !== b.name) continue;
      for (const argv of b.breakIt(ns)) await must(argv);
      try {
        const before = await Promise.all([stats(nsA), stats(nsB)]);
        const hosts = new Map([['A', new NetnsHost(nsA)], ['B', new NetnsHost(nsB)]]);
        const r = await verifyTopology(topo, hosts, { count: 3, interval: 0.2, mtu: b.mtu });
        const after = await Promise.all([stats(nsA), stats(nsB)]);
        const d = r.directions.find((x) => !x.ok);
        if (!d || !d.stage) throw new Error(`${b.name}: verify found no failed direction`);
        const reply = d.stage === 'reply_not_labelled';
        const facts: Record<string, Recording> = {};
        for (const name of ['A', 'B']) {
          const host = new RecordingHost(new NetnsHost(nsOf[name]!));
          await pathFacts(host, name, topo.tunnel.name, topo.tunnel.overlay);
          facts[name] = {
            recorded: { description: `${b.name}: ${name}`, kernel, at, by, options: { iface: topo.tunnel.name, labels: [100, 101] } },
            files: host.files, commands: host.commands,
          };
        }
        out[b.name] = {
          recorded: { description: `${b.description}; verify --count 3${b.mtu ? '' : ' --no-mtu'}`, kernel, iproute2, at, by },
          topology,
          direction: { from: d.from, to: d.to, stage: d.stage, sender: reply ? d.to : d.from, receiver: reply ? d.from : d.to, sent: d.sent, received: d.received },
          verifyCause: d.cause,
          counters: { A: { before: before[0]!, after: after[0]! }, B: { before: before[1]!, after: after[1]! } },
          facts,
        };
      } finally {
        for (const argv of b.mendIt(ns)) await must(argv);
      }
    }
  } finally {
    await net.destroy();
    await rm(dir, { recursive: true, force: true });
  }
  return out;
}

async function mainPaths(only: string | undefined): Promise<void> {
  await mkdir(PATHS_OUT, { recursive: true });
  await ensureUmlKernel((m) => console.log(m));
  const r = await runInUml({
    job: { kind: 'module', module: fileURLToPath(import.meta.url), export: 'recordPathsInGuest', input: only ? { only } : {} },
    timeoutMs: 480_000,
  });
  const out = r.output as { ok: boolean; value?: Record<string, PathFixture>; error?: { message: string } } | undefined;
  if (!out?.ok || !out.value) throw new Error(`recording in user-mode Linux failed: ${out?.error?.message ?? r.console.slice(-1500)}`);
  for (const [name, fx] of Object.entries(out.value)) {
    await writeFile(join(PATHS_OUT, `${name}.json`), JSON.stringify(fx, null, 1) + '\n');
    console.log(`paths/${name}.json (${fx.recorded.kernel}): ${fx.direction.from}->${fx.direction.to} ${fx.direction.stage}, verify named ${fx.verifyCause}`);
  }
}

async function main(): Promise<void> {
  if (process.argv.includes('--paths')) return mainPaths(process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined);
  await mkdir(OUT, { recursive: true });
  await ensureUmlKernel((m) => console.log(m));
  const r = await runInUml({
    job: { kind: 'module', module: fileURLToPath(import.meta.url), export: 'recordCountersInGuest', input: {} },
    timeoutMs: 300_000,
  });
  const out = r.output as { ok: boolean; value?: Record<string, CountersFixture>; error?: { message: string } } | undefined;
  if (!out?.ok || !out.value) throw new Error(`recording in user-mode Linux failed: ${out?.error?.message ?? r.console.slice(-1500)}`);
  for (const [name, fx] of Object.entries(out.value)) {
    await writeFile(join(OUT, `${name}.json`), JSON.stringify(fx, null, 1) + '\n');
    console.log(`${name}.json (${fx.recorded.kernel}): ${fx.pings.received}/${fx.pings.sent} answered`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
