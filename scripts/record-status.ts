/**
 * Records what `mplsgre status` reads from real kernels into test/fixtures/status/NAME.json: in
 * user-mode Linux 6.1, the seed set up by the real `up` in two namespaces, then drift made behind
 * mplsgre's back. Each fixture holds the topology, the state records `up` wrote, every command
 * status ran per host (with a fixed frame nonce, so the reads replay) and the report status made
 * in the guest. Unit tests replay them (test/commands/status.test.ts).
 *
 * With --classes it records instead the seed with a traffic class each way (A's with `tc:`):
 * right after up, then with A's policy rule and B's pop of A's class label deleted.
 *
 *   npm run build && node dist/scripts/record-status.js [--classes]
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { statusCommand } from '../src/commands/status.js';
import { upCommand } from '../src/commands/up.js';
import { downCommand } from '../src/commands/down.js';
import type { StatusReport } from '../src/core/status.js';
import { formatTarget, parseTopology, type Target } from '../src/core/topology.js';
import { StateStore, type HostState } from '../src/engine/state.js';
import { createLabNetwork } from '../src/engine/underlay.js';
import { NetnsHost } from '../src/host/netns.js';
import { RecordingHost, type Recording } from '../src/host/replay.js';
import { execLocal } from '../src/host/spawn.js';
import { ensureUmlKernel, runInUml } from '../src/host/uml.js';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const OUT = join(ROOT, 'test', 'fixtures', 'status');

/** The frame nonce of recorded reads: replay matches commands by their exact argv. */
export const RECORDED_NONCE = '@mplsgre-recorded';

export const SEED = `tunnel: { name: foo4, overlay: 10.199.0.0/24 }
hosts:
  A: { target: local, underlay: 10.128.0.2, overlay: 10.199.0.1, label: 100 }
  B: { target: local, underlay: 10.128.100.2, overlay: 10.199.0.2, label: 101 }
`;

export interface StatusFixture {
  readonly recorded: { readonly description: string; readonly kernel: string; readonly iproute2: string; readonly at: string; readonly by: string };
  readonly topology: string;
  /** By target, as `up` wrote them. */
  readonly records: Record<string, HostState>;
  /** By target: every command status ran there. */
  readonly reads: Record<string, Pick<Recording, 'files' | 'commands'>>;
  /** What status reported in the guest. */
  readonly report: StatusReport;
}

async function must(argv: string[]): Promise<void> {
  const r = await execLocal(argv[0]!, argv.slice(1), { timeoutMs: 20_000 });
  if (r.failed) throw new Error(`${argv.join(' ')}: ${r.stderr.trim() || r.spawnError || r.exitCode}`);
}

/** The seed with a class each way, as examples/classes.yaml, A's setting the traffic-class bits too. */
export const CLASSES = SEED
  .replace('label: 100 }', 'label: 100, classes: [ { name: voice, dscp: 46, label: 200, tc: 5 } ] }')
  .replace('label: 101 }', 'label: 101, classes: [ { name: voice, dscp: 46, label: 201 } ] }');

/** Guest side: up, then each state in turn; returns the fixtures by name. */
export async function recordStatusInGuest(input: { classes?: boolean } = {}): Promise<Record<string, StatusFixture>> {
  const dir = await mkdtemp(join(tmpdir(), 'mplsgre-rs-'));
  const stateDir = join(dir, 'state');
  process.env.MPLSGRE_STATE_DIR = stateDir;
  await must(['modprobe', 'ipv6']);
  const source = input.classes ? CLASSES : SEED;
  const net = await createLabNetwork(parseTopology(source));
  const [nsA, nsB] = [...net.namespaces.values()] as [string, string];
  const topology = source.replace(/target: local/, `target: netns:${nsA}`).replace(/target: local/, `target: netns:${nsB}`);
  const file = join(dir, 'seed.yaml');
  await writeFile(file, topology);
  const kernel = (await readFile('/proc/sys/kernel/osrelease', 'utf8')).trim();
  const iproute2 = (await execLocal('ip', ['-V'], { timeoutMs: 5_000 })).stdout.trim();
  const store = new StateStore(stateDir);
  const out: Record<string, StatusFixture> = {};
  const record = async (name: string, description: string): Promise<void> => {
    const hosts = new Map<string, RecordingHost>();
    const hostFor = async (t: Target): Promise<RecordingHost> => {
      const h = new RecordingHost(new NetnsHost(t.kind === 'netns' ? t.name : ''));
      hosts.set(formatTarget(t), h);
      return h;
    };
    const report = await statusCommand({ file, stateDir, hostFor, nonce: RECORDED_NONCE });
    const records: Record<string, HostState> = {};
    for (const ns of [nsA, nsB]) {
      const r = await store.load('foo4', `netns:${ns}`);
      if (r) records[`netns:${ns}`] = r;
    }
    out[name] = {
      recorded: { description, kernel, iproute2, at: new Date().toISOString().slice(0, 10), by: 'scripts/record-status.ts' },
      topology, records,
      reads: Object.fromEntries([...hosts].map(([t, h]) => [t, { files: h.files, commands: h.commands }])),
      report,
    };
  };
  try {
    const up = await upCommand({ file, store });
    if (!up.ok) throw new Error(`up failed: ${up.failure?.message} ${up.failure?.stderr ?? ''}`);
    if (input.classes) {
      await record('status-classes-up', 'the seed with a voice class each way (A\'s with tc: 5) set up by mplsgre up in two namespaces, nothing changed since');
      await must(['ip', '-n', nsA, 'rule', 'del', 'fwmark', '200', 'lookup', '200']);
      await must(['ip', '-n', nsB, '-f', 'mpls', 'route', 'del', '200']);
      await record('status-classes-drift', 'after up: the policy rule fwmark 200 lookup 200 deleted on A, the label route 200 (A\'s class label) deleted on B');
      await downCommand({ file, store });
      return out;
    }
    await record('status-up', 'the seed set up by mplsgre up in two namespaces, nothing changed since');
    await must(['ip', '-n', nsA, '-f', 'mpls', 'route', 'del', '101']);
    await must(['ip', 'netns', 'exec', nsB, 'sysctl', '-qw', 'net.mpls.conf.foo4.input=0']);
    await record('status-drift', 'after up: label route 101 deleted on A, net.mpls.conf.foo4.input=0 on B');
    await must(['ip', '-n', nsA, '-f', 'mpls', 'route', 'add', '101', 'dev', 'lo']);
    await must(['ip', 'netns', 'exec', nsB, 'sysctl', '-qw', 'net.mpls.conf.foo4.input=1']);
    await must(['ip', '-n', nsB, 'link', 'del', 'foo4']);
    await record('status-tunnel-gone', 'after up: the tunnel foo4 deleted on B');
    await must(['ip', '-n', nsA, 'tunnel', 'change', 'foo4', 'mode', 'gre', 'remote', '10.128.100.3', 'local', '10.128.0.2']);
    await must(['ip', '-n', nsA, 'route', 'change', '10.199.0.0/24', 'encap', 'mpls', '200', 'dev', 'foo4']);
    await must(['ip', 'netns', 'exec', nsA, 'sysctl', '-qw', 'net.ipv4.conf.all.rp_filter=1']);
    await record('status-changed', 'after the tunnel went on B: on A the tunnel remote 10.128.100.3, the overlay route pushing 200, rp_filter 1');
    await downCommand({ file, store });
    await record('status-down', 'after mplsgre down: no record');
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
    job: { kind: 'module', module: fileURLToPath(import.meta.url), export: 'recordStatusInGuest', input: { classes: process.argv.includes('--classes') } },
    timeoutMs: 600_000,
  });
  const out = r.output as { ok: boolean; value?: Record<string, StatusFixture>; error?: { message: string } } | undefined;
  if (!out?.ok || !out.value) throw new Error(`recording in user-mode Linux failed: ${out?.error?.message ?? r.console.slice(-1500)}`);
  for (const [name, fx] of Object.entries(out.value)) {
    await writeFile(join(OUT, `${name}.json`), JSON.stringify(fx, null, 1) + '\n');
    console.log(`${name}.json (${fx.recorded.kernel}): ${fx.report.ok ? 'in effect' : `${fx.report.counts.missing} missing, ${fx.report.counts.changed} changed`}`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
