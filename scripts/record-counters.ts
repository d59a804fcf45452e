/**
 * Records the kernel's MPLS counters, as `ip -j stats show group afstats subgroup mpls` prints
 * them, into test/fixtures/counters/NAME.json: in user-mode Linux 6.1, before mpls_router is
 * loaded, then on the seed set up by the real `up` in two namespaces, around pings that cross,
 * that meet no label route, and that meet MPLS input off. Each fixture holds, per host, the
 * counters before and after the pings and what ping said. Unit tests parse and replay them.
 *
 *   npm run build && node dist/scripts/record-counters.js
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

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const OUT = join(ROOT, 'test', 'fixtures', 'counters');

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

async function main(): Promise<void> {
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
