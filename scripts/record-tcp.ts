/**
 * Records bulk TCP transfers through the tunnel into test/fixtures/tcp/NAME/: in user-mode Linux
 * 6.1, the seed set up by the real `up` in two namespaces, one capture per host as verify takes
 * them (tcpdump -i any -y LINUX_SLL, GRE and bare MPLS), and verify's own TCP endpoints moving
 * 128 KiB from A to B; once on the seed as it is, once with B's underlay MTU lowered to 1200
 * (full segments vanish, small packets cross). Each case holds A.pcap, B.pcap and run.json (the
 * endpoints' reports, the port, what ping said). Unit tests replay them through the tally and
 * the verdict.
 *
 *   npm run build && node dist/scripts/record-tcp.js
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSniffer } from '../src/capture/sniffer.js';
import { upCommand } from '../src/commands/up.js';
import { parseTopology } from '../src/core/topology.js';
import { StateStore } from '../src/engine/state.js';
import { createLabNetwork } from '../src/engine/underlay.js';
import { runTcp, type TcpRun } from '../src/engine/verify/tcp.js';
import { NetnsHost } from '../src/host/netns.js';
import { execLocal } from '../src/host/spawn.js';
import { ensureUmlKernel, runInUml } from '../src/host/uml.js';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const OUT = join(ROOT, 'test', 'fixtures', 'tcp');

const SEED = `tunnel: { name: foo4, overlay: 10.199.0.0/24 }
hosts:
  A: { target: local, underlay: 10.128.0.2, overlay: 10.199.0.1, label: 100 }
  B: { target: local, underlay: 10.128.100.2, overlay: 10.199.0.2, label: 101 }
`;

/** The bytes each recorded transfer moves: enough for full-size segments, small enough for a fixture. */
export const RECORDED_BYTES = 128 * 1024;

export interface TcpFixture {
  readonly recorded: { readonly description: string; readonly kernel: string; readonly tcpdump: string; readonly at: string; readonly by: string };
  readonly topology: string;
  readonly requested: number;
  /** The transfer A->B as verify's runTcp reported it. */
  readonly run: TcpRun;
  /** 3 pings A->B (56 bytes) just before, and how many came back. */
  readonly pings: { readonly sent: number; readonly received: number };
}

async function must(argv: string[]): Promise<string> {
  const r = await execLocal(argv[0]!, argv.slice(1), { timeoutMs: 20_000 });
  if (r.failed) throw new Error(`${argv.join(' ')}: ${r.stderr.trim() || r.spawnError || r.exitCode}`);
  return r.stdout;
}

/** Guest side: each case's captures (base64) and report. */
export async function recordTcpInGuest(): Promise<Record<string, { fixture: TcpFixture; A: string; B: string }>> {
  const dir = await mkdtemp(join(tmpdir(), 'mplsgre-rt-'));
  process.env.MPLSGRE_STATE_DIR = join(dir, 'state');
  await must(['modprobe', 'ipv6']);
  const kernel = (await readFile('/proc/sys/kernel/osrelease', 'utf8')).trim();
  const tcpdump = (await execLocal('tcpdump', ['--version'], { timeoutMs: 5_000 })).stdout.split('\n')[0]!.trim();
  const at = new Date().toISOString().slice(0, 10);
  const by = 'scripts/record-tcp.ts';
  const out: Record<string, { fixture: TcpFixture; A: string; B: string }> = {};
  const net = await createLabNetwork(parseTopology(SEED));
  const [nsA, nsB] = [...net.namespaces.values()] as [string, string];
  const topology = SEED.replace(/target: local/, `target: netns:${nsA}`).replace(/target: local/, `target: netns:${nsB}`);
  const topo = parseTopology(topology);
  const hosts = new Map([['A', new NetnsHost(nsA)], ['B', new NetnsHost(nsB)]]);
  try {
    const file = join(dir, 'seed.yaml');
    await writeFile(file, topology);
    const up = await upCommand({ file, store: new StateStore(join(dir, 'state')) });
    if (!up.ok) throw new Error(`up failed: ${up.failure?.message}`);
    const record = async (name: string, description: string): Promise<void> => {
      const files = { A: join(dir, `${name}-A.pcap`), B: join(dir, `${name}-B.pcap`) };
      const sniffers = await Promise.all((['A', 'B'] as const).map((h) => startSniffer(hosts.get(h)!, 'any', files[h], ['-Z', 'root', '-B', '8192', '-y', 'LINUX_SLL', 'ip', 'proto', '47', 'or', 'ether', 'proto', '0x8847'])));
      const p = await execLocal('ip', ['netns', 'exec', nsA, 'ping', '-n', '-q', '-c', '3', '-i', '0.2', '-W', '1', '-I', '10.199.0.1', '10.199.0.2'], { timeoutMs: 20_000 });
      const [run] = await runTcp([topo.hosts[0]!, topo.hosts[1]!], (h) => hosts.get(h.name)!, [true, false], { bytes: RECORDED_BYTES, stallMs: 3_000 });
      await new Promise((r) => setTimeout(r, 500));
      await Promise.all(sniffers.map((s) => s.stop()));
      out[name] = {
        fixture: {
          recorded: { description, kernel, tcpdump, at, by }, topology, requested: RECORDED_BYTES, run: run!,
          pings: { sent: 3, received: Number(/(\d+) received/.exec(p.stdout)?.[1] ?? 0) },
        },
        A: (await readFile(files.A)).toString('base64'),
        B: (await readFile(files.B)).toString('base64'),
      };
    };
    await record('crossing', 'the seed set up by mplsgre up; 128 KiB from A to B through the tunnel');
    await must(['ip', '-n', nsB, 'link', 'set', 'dev', net.veth[1]!, 'mtu', '1200']);
    await record('small-underlay-mtu', 'B\'s underlay veth MTU lowered to 1200: 56-byte pings cross, full-size segments are dropped, the transfer stalls');
  } finally {
    await net.destroy();
    await rm(dir, { recursive: true, force: true });
  }
  return out;
}

async function main(): Promise<void> {
  await ensureUmlKernel((m) => console.log(m));
  const r = await runInUml({
    job: { kind: 'module', module: fileURLToPath(import.meta.url), export: 'recordTcpInGuest', input: {} },
    timeoutMs: 300_000,
  });
  const out = r.output as { ok: boolean; value?: Awaited<ReturnType<typeof recordTcpInGuest>>; error?: { message: string } } | undefined;
  if (!out?.ok || !out.value) throw new Error(`recording in user-mode Linux failed: ${out?.error?.message ?? r.console.slice(-1500)}`);
  for (const [name, { fixture, A, B }] of Object.entries(out.value)) {
    await mkdir(join(OUT, name), { recursive: true });
    await writeFile(join(OUT, name, 'run.json'), JSON.stringify(fixture, null, 1) + '\n');
    await writeFile(join(OUT, name, 'A.pcap'), Buffer.from(A, 'base64'));
    await writeFile(join(OUT, name, 'B.pcap'), Buffer.from(B, 'base64'));
    console.log(`${name} (${fixture.recorded.kernel}): ${fixture.run.receiver?.bytes ?? 0} of ${fixture.requested} bytes arrived${fixture.run.receiver?.stalled ? ', stalled' : ''}`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
