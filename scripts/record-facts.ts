/**
 * Records the raw inputs of `mplsgre check` (every file read and command run by the probes)
 * from real kernels into test/fixtures/facts/NAME.json: this machine's kernel, and user-mode
 * Linux in each state of scripts/kernel-states.ts. Unit tests replay them.
 *
 * With --tunnel-state it records instead what verify reads of each end's tunnel before it sends
 * (test/fixtures/tunnel-state/NAME.json): two namespaces on this machine joined by a veth
 * underlay where up never ran, and namespace A of user-mode Linux in each TUNNEL_STATES entry.
 *
 *   npm run build && node dist/scripts/record-facts.js [--only NAME[,NAME]] [--tunnel-state]
 *     (host-classes, uml-classes-fresh and uml-classes-loaded are check --classes)
 *   node dist/scripts/record-facts.js --here NAME [--netns NS] [--description TEXT] [--out DIR]
 *     records the machine it runs on as it is (the booted Debian guest of the boot test runs it)
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkCommand } from '../src/commands/check.js';
import { LocalHost } from '../src/host/local.js';
import { NetnsHost } from '../src/host/netns.js';
import { RecordingHost, type Recording } from '../src/host/replay.js';
import { ensureUmlKernel, runInUml } from '../src/host/uml.js';
import { CLASS_STATES, enterState, KERNEL_STATES, leaveState, SEED_SETUP, type KernelState } from './kernel-states.js';
import { parseTopology } from '../src/core/topology.js';
import { createLabNetwork } from '../src/engine/underlay.js';
import { readTunnelPresence } from '../src/engine/tunnel-presence.js';
import { plan as makePlan } from '../src/core/planner.js';
import { dryRunPlan } from '../src/engine/dry-run.js';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const OUT = join(ROOT, 'test', 'fixtures', 'facts');
const TUNNEL_OUT = join(ROOT, 'test', 'fixtures', 'tunnel-state');

const inA = (...argv: string[]): string[] => ['ip', 'netns', 'exec', 'A', ...argv];
/** The seed's underlay only: namespaces A and B joined by a veth, no tunnel. */
const UNDERLAY_ONLY = SEED_SETUP.slice(0, SEED_SETUP.findIndex((argv) => argv.includes('tunnel')));

/** Namespace A of user-mode Linux in the states verify must tell apart before it sends. */
export const TUNNEL_STATES: readonly KernelState[] = [
  { name: 'uml-tunnel-absent', description: 'the seed underlay in namespaces A and B, up never ran', setup: UNDERLAY_ONLY, netns: 'A', iface: 'foo4', labels: [100, 101] },
  { name: 'uml-configured', description: 'the seed setup in namespace A', setup: SEED_SETUP, netns: 'A', iface: 'foo4', labels: [100, 101] },
  { name: 'uml-tunnel-down', description: 'the seed setup, then ip link set foo4 down in A', setup: [...SEED_SETUP, inA('ip', 'link', 'set', 'foo4', 'down')], netns: 'A', iface: 'foo4', labels: [100, 101] },
  { name: 'uml-address-absent', description: 'the seed setup, then the overlay address deleted in A', setup: [...SEED_SETUP, inA('ip', 'address', 'delete', '10.199.0.1/32', 'dev', 'foo4')], netns: 'A', iface: 'foo4', labels: [100, 101] },
  { name: 'uml-route-absent', description: 'the seed setup, then the overlay route deleted in A', setup: [...SEED_SETUP, inA('ip', 'route', 'delete', '10.199.0.0/24', 'dev', 'foo4')], netns: 'A', iface: 'foo4', labels: [100, 101] },
];

const SEED_A = parseTopology(`tunnel: { name: foo4, overlay: 10.199.0.0/24 }
hosts:
  A: { target: netns:A, underlay: 10.128.0.2, overlay: 10.199.0.1, label: 100 }
  B: { target: netns:B, underlay: 10.128.100.2, overlay: 10.199.0.2, label: 101 }
`);

/**
 * Reads, through a RecordingHost, what verify reads of one end's tunnel (the seed's A: foo4,
 * 10.199.0.1 in 10.199.0.0/24) and what `up --dry-run` reads on A (each step's check).
 */
export async function recordPresence(name: string, description: string, netns: string): Promise<Recording> {
  const host = new RecordingHost(new NetnsHost(netns));
  await readTunnelPresence(host, 'A', 'foo4', '10.199.0.1', '10.199.0.0/24');
  const p = makePlan(SEED_A);
  await dryRunPlan({ ...p, hosts: p.hosts.filter((h) => h.name === 'A') }, new Map([['A', host]]));
  const uname = await new LocalHost().exec('uname', ['-r'], { timeoutMs: 5_000 });
  return {
    recorded: {
      description: `${name}: ${description}`, kernel: uname.stdout.trim() || 'unknown',
      at: new Date().toISOString().slice(0, 10), by: 'scripts/record-facts.ts --tunnel-state',
      options: { iface: 'foo4', labels: [100, 101] },
    },
    files: host.files, commands: host.commands,
  };
}

/** Guest side of --tunnel-state: every TUNNEL_STATES entry in one boot. */
export async function recordTunnelStatesInGuest(input: { only?: string }): Promise<Record<string, Recording>> {
  const out: Record<string, Recording> = {};
  for (const state of TUNNEL_STATES) {
    if (input.only && input.only !== state.name) continue;
    await enterState(state);
    try {
      out[state.name] = await recordPresence(state.name, state.description, 'A');
    } finally {
      await leaveState(state);
    }
  }
  return out;
}

/** This machine: two namespaces and a veth underlay, as the seed topology names them, up never run. */
async function recordHostTunnelAbsent(): Promise<Recording> {
  const net = await createLabNetwork(parseTopology(`tunnel: { name: foo4, overlay: 10.199.0.0/24 }
hosts:
  A: { target: local, underlay: 10.128.0.2, overlay: 10.199.0.1, label: 100 }
  B: { target: local, underlay: 10.128.100.2, overlay: 10.199.0.2, label: 101 }
`));
  try {
    return await recordPresence('host-netns-tunnel-absent', 'this machine: two namespaces joined by a veth underlay, up never ran', net.namespaces.get('A')!);
  } finally {
    await net.destroy();
  }
}

async function mainTunnelState(only: string | undefined): Promise<void> {
  await mkdir(TUNNEL_OUT, { recursive: true });
  const write = async (name: string, rec: Recording): Promise<void> => {
    await writeFile(join(TUNNEL_OUT, `${name}.json`), JSON.stringify(rec, null, 1) + '\n');
    console.log(`tunnel-state/${name}.json (${rec.recorded.kernel})`);
  };
  if (!only || only === 'host-netns-tunnel-absent') await write('host-netns-tunnel-absent', await recordHostTunnelAbsent());
  if (only === 'host-netns-tunnel-absent') return;
  await ensureUmlKernel((m) => console.log(m));
  const r = await runInUml({
    job: { kind: 'module', module: fileURLToPath(import.meta.url), export: 'recordTunnelStatesInGuest', input: only ? { only } : {} },
    timeoutMs: 480_000,
  });
  const out = r.output as { ok: boolean; value?: Record<string, Recording>; error?: { message: string } } | undefined;
  if (!out?.ok || !out.value) throw new Error(`recording in user-mode Linux failed: ${out?.error?.message ?? r.console.slice(-1500)}`);
  for (const [name, rec] of Object.entries(out.value)) await write(name, rec);
}

/** A batched read inside a namespace that failed as a whole (timed out on a loaded machine): not a fact of the kernel. */
const transportFailure = (rec: Recording): boolean => Object.values(rec.files).some((f) => 'error' in f && /^netns .*: /.test(f.error));

/** Runs check through a RecordingHost and returns what it saw; a recording whose namespace read failed is taken again (3 tries). */
export async function recordOne(name: string, description: string, opts: RecordOptions): Promise<Recording> {
  for (let attempt = 1; ; attempt++) {
    const rec = await recordOnce(name, description, opts);
    if (!transportFailure(rec)) return rec;
    if (attempt === 3) throw new Error(`${name}: the batched read in namespace ${opts.netns} failed 3 times; nothing recorded`);
    console.error(`${name}: the batched read in namespace ${opts.netns} failed (a loaded machine); recording again`);
  }
}

interface RecordOptions { netns?: string; iface: string; labels: readonly number[]; kernelConfig?: string; classes?: boolean }

async function recordOnce(name: string, description: string, opts: RecordOptions): Promise<Recording> {
  const host = new RecordingHost(opts.netns ? new NetnsHost(opts.netns) : new LocalHost());
  const report = await checkCommand({
    host, iface: opts.iface, labels: opts.labels, ignore: [], failOn: 'fail',
    ...(opts.kernelConfig ? { kernelConfig: opts.kernelConfig } : {}),
    ...(opts.classes ? { classes: true } : {}),
  });
  const tool = (id: string): string | undefined => report.checks.find((c) => c.id === id)?.summary.split(':')[0];
  return {
    recorded: {
      description: `${name}: ${description}`,
      kernel: report.kernel ?? 'unknown',
      ...(tool('tool.iproute2') ? { iproute2: tool('tool.iproute2')! } : {}),
      ...(tool('tool.tcpdump') ? { tcpdump: tool('tool.tcpdump')! } : {}),
      at: new Date().toISOString().slice(0, 10),
      by: 'scripts/record-facts.ts',
      options: { iface: opts.iface, labels: [...opts.labels], target: host.name, ...(opts.kernelConfig ? { kernelConfig: opts.kernelConfig } : {}), ...(opts.classes ? { classes: true } : {}) },
    },
    files: host.files,
    commands: host.commands,
  };
}

/** Guest side: walks every state in one boot and returns the recordings. */
export async function recordStatesInGuest(input: { only?: string }): Promise<Record<string, Recording>> {
  const out: Record<string, Recording> = {};
  for (const state of [...KERNEL_STATES, ...CLASS_STATES]) {
    if (input.only && !input.only.split(',').includes(state.name)) continue;
    await enterState(state);
    out[state.name] = await recordOne(state.name, state.description, stateOptions(state));
    await leaveState(state);
  }
  return out;
}

export const stateOptions = (s: KernelState): RecordOptions => ({
  iface: s.iface, labels: s.labels,
  ...(s.classes ? { classes: true } : {}),
  ...(s.netns ? { netns: s.netns } : {}),
  ...(s.kernelConfig ? { kernelConfig: s.kernelConfig } : {}),
});

/** `--here NAME`: this machine (or one of its namespaces) as it is now. */
async function recordHere(args: readonly string[]): Promise<void> {
  const opt = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const name = opt('--here')!;
  const netns = opt('--netns');
  const out = opt('--out') ?? OUT;
  const rec = await recordOne(name, opt('--description') ?? 'recorded where it ran', { iface: 'foo4', labels: [100, 101], ...(netns ? { netns } : {}) });
  await mkdir(out, { recursive: true });
  await writeFile(join(out, `${name}.json`), JSON.stringify(rec, null, 1) + '\n');
  console.log(`${name}.json (${rec.recorded.kernel})`);
}

async function main(): Promise<void> {
  if (process.argv.includes('--here')) return recordHere(process.argv);
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
  if (process.argv.includes('--tunnel-state')) return mainTunnelState(only);
  await mkdir(OUT, { recursive: true });
  const hostOnly = only?.split(',').every((n) => n === 'host' || n === 'host-classes');
  for (const [name, description, classes] of [['host', 'this machine\'s own kernel, as found', false], ['host-classes', 'this machine\'s own kernel, as found, check --classes', true]] as const) {
    if (only && !only.split(',').includes(name)) continue;
    const rec = await recordOne(name, description, { iface: 'foo4', labels: [100, 101], ...(classes ? { classes } : {}) });
    await writeFile(join(OUT, `${name}.json`), JSON.stringify(rec, null, 1) + '\n');
    console.log(`${name}.json (${rec.recorded.kernel})`);
  }
  if (hostOnly) return;
  await ensureUmlKernel((m) => console.log(m));
  const r = await runInUml({
    job: { kind: 'module', module: fileURLToPath(import.meta.url), export: 'recordStatesInGuest', input: only ? { only } : {} },
    timeoutMs: 600_000,
  });
  const out = r.output as { ok: boolean; value?: Record<string, Recording>; error?: { message: string } } | undefined;
  if (!out?.ok || !out.value) throw new Error(`recording in user-mode Linux failed: ${out?.error?.message ?? r.console.slice(-1500)}`);
  for (const [name, rec] of Object.entries(out.value)) {
    await writeFile(join(OUT, `${name}.json`), JSON.stringify(rec, null, 1) + '\n');
    console.log(`${name}.json (${rec.recorded.kernel})`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
