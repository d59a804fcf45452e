/**
 * Records what the tools really print when an MPLS-over-GRE setup goes wrong, and the live facts
 * `mplsgre diagnose` reads in that same state, from user-mode Linux 6.1 (one boot, every
 * scenario in order) into test/fixtures/transcripts/NAME.json. Unit tests replay them.
 *
 *   npm run build && node dist/scripts/record-transcripts.js [--only NAME]
 *
 * Each scenario starts from a known state reached by argv-only commands: nothing loaded (a fresh
 * boot), the module folder hidden by a tmpfs mount, then modules loaded with each case in a
 * fresh network namespace, then two namespaces joined by the seed tunnel for the silent losses.
 * Order matters: the kernel loads modules on demand, and nothing unloads them.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { diagnoseCommand } from '../src/commands/diagnose.js';
import type { CauseId } from '../src/causes/ids.js';
import { formatTranscript } from '../src/diagnose/transcript.js';
import type { Confidence } from '../src/diagnose/types.js';
import { LocalHost } from '../src/host/local.js';
import { NetnsHost } from '../src/host/netns.js';
import { RecordingHost, type Recording } from '../src/host/replay.js';
import { execLocal } from '../src/host/spawn.js';
import { ensureUmlKernel, runInUml, UML_MODULES } from '../src/host/uml.js';
import { UML_CONFIG } from './kernel-states.js';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const TRANSCRIPTS_DIR = join(ROOT, 'test', 'fixtures', 'transcripts');

type Argv = readonly string[];

/** Where and how diagnose reads the host for a scenario. */
export interface DiagnoseTarget {
  readonly netns?: string;
  readonly iface?: string;
  readonly labels?: readonly number[];
  readonly kernelConfig?: string;
}

export interface Scenario {
  readonly name: string;
  /** The state the command ran in, in words. */
  readonly state: string;
  /** Run in order from a fresh guest (after the scenarios before it); each must succeed. */
  readonly setup: readonly Argv[];
  /** The command whose output is recorded. */
  readonly command: Argv;
  /** The cause diagnose must put first, from how the state was made; null: nothing failed. */
  readonly expect: { readonly cause: CauseId; readonly confidence: Confidence } | null;
  readonly diagnose: DiagnoseTarget;
  /** Undo: run whatever happens. */
  readonly cleanup: readonly Argv[];
  /** Record which modules the command made the kernel load. */
  readonly observeModules?: boolean;
}

/** One recorded transcript: what test/fixtures/transcripts/NAME.json holds. */
export interface TranscriptFixture {
  readonly name: string;
  readonly recorded: {
    readonly by: string;
    readonly at: string;
    readonly kernel: string;
    readonly tools: Readonly<Record<string, string>>;
    readonly state: string;
  };
  readonly setup: readonly Argv[];
  readonly command: Argv;
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly modulesLoaded?: readonly string[];
  readonly diagnose: DiagnoseTarget;
  readonly expect: Scenario['expect'];
  /** The reads and commands of `diagnose` in this state; null when nothing failed. */
  readonly facts: Recording | null;
}

const inNs = (ns: string, ...argv: string[]): string[] => ['ip', 'netns', 'exec', ns, ...argv];
const MODULES = ['modprobe', '-a', 'mpls_router', 'mpls_iptunnel', 'mpls_gso', 'ip_gre', 'veth'];
const NOBODY = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];
const HIDE = ['mount', '-t', 'tmpfs', 'tmpfs', UML_MODULES];
const UNHIDE = ['umount', UML_MODULES];
const TUNNEL = ['mode', 'gre', 'remote', '10.128.100.2', 'local', '10.128.0.2'];
const certain = (cause: CauseId): Scenario['expect'] => ({ cause, confidence: 'certain' });

/** A case in its own fresh namespace, modules loaded. */
function inFreshNs(n: number, name: string, state: string, setup: readonly Argv[], command: Argv, expect: Scenario['expect'], extra: Omit<DiagnoseTarget, 'netns'> = {}): Scenario {
  const ns = `T${n}`;
  return {
    name, state: `modules loaded; a fresh network namespace ${ns} with lo up${state ? `; ${state}` : ''}`,
    setup: [MODULES, ['ip', 'netns', 'add', ns], inNs(ns, 'ip', 'link', 'set', 'lo', 'up'), ...setup.map((a) => inNs(ns, ...a))],
    command: inNs(ns, ...command), expect, diagnose: { netns: ns, ...extra },
    cleanup: [['ip', 'netns', 'del', ns]],
  };
}

/** Namespaces A and B joined by GRE tunnel foo4 as the seed topology: A pushes 100, B pushes 101. */
export const PAIR_SETUP: readonly Argv[] = [
  MODULES,
  ['ip', 'netns', 'add', 'A'], ['ip', 'netns', 'add', 'B'],
  ['ip', 'link', 'add', 'va', 'netns', 'A', 'type', 'veth', 'peer', 'name', 'vb', 'netns', 'B'],
  inNs('A', 'ip', 'link', 'set', 'lo', 'up'), inNs('B', 'ip', 'link', 'set', 'lo', 'up'),
  inNs('A', 'ip', 'addr', 'add', '10.128.0.2/16', 'dev', 'va'), inNs('B', 'ip', 'addr', 'add', '10.128.100.2/16', 'dev', 'vb'),
  inNs('A', 'ip', 'link', 'set', 'va', 'up'), inNs('B', 'ip', 'link', 'set', 'vb', 'up'),
  inNs('A', 'ip', 'tunnel', 'add', 'foo4', 'mode', 'gre', 'remote', '10.128.100.2', 'local', '10.128.0.2'),
  inNs('B', 'ip', 'tunnel', 'add', 'foo4', 'mode', 'gre', 'remote', '10.128.0.2', 'local', '10.128.100.2'),
  inNs('A', 'ip', 'addr', 'add', '10.199.0.1', 'dev', 'foo4'), inNs('B', 'ip', 'addr', 'add', '10.199.0.2', 'dev', 'foo4'),
  inNs('A', 'ip', 'link', 'set', 'foo4', 'up'), inNs('B', 'ip', 'link', 'set', 'foo4', 'up'),
  inNs('A', 'sysctl', '-w', 'net.mpls.platform_labels=65535'), inNs('B', 'sysctl', '-w', 'net.mpls.platform_labels=65535'),
  inNs('A', 'sysctl', '-w', 'net.mpls.conf.foo4.input=1'), inNs('B', 'sysctl', '-w', 'net.mpls.conf.foo4.input=1'),
  inNs('A', 'ip', 'route', 'add', '10.199.0.0/24', 'encap', 'mpls', '100', 'dev', 'foo4'),
  inNs('B', 'ip', 'route', 'add', '10.199.0.0/24', 'encap', 'mpls', '101', 'dev', 'foo4'),
  inNs('A', 'ip', '-f', 'mpls', 'route', 'add', '101', 'dev', 'lo'), inNs('B', 'ip', '-f', 'mpls', 'route', 'add', '100', 'dev', 'lo'),
  inNs('A', 'sysctl', '-w', 'net.ipv4.conf.all.rp_filter=2'), inNs('B', 'sysctl', '-w', 'net.ipv4.conf.all.rp_filter=2'),
];
export const PAIR_CLEANUP: readonly Argv[] = [['ip', 'netns', 'del', 'A'], ['ip', 'netns', 'del', 'B']];
export const PING_A_TO_B = inNs('A', 'ping', '-c', '2', '-i', '0.2', '-W', '1', '-I', '10.199.0.1', '10.199.0.2');

function pair(name: string, state: string, breakIt: readonly Argv[], command: Argv, expect: Scenario['expect'], diagnose: DiagnoseTarget): Scenario {
  return { name, state: `namespaces A and B joined by the seed tunnel foo4 (A pushes 100, B pushes 101, rp_filter 2); then ${state}`, setup: [...PAIR_SETUP, ...breakIt], command, expect, diagnose, cleanup: PAIR_CLEANUP };
}

const hidden = (name: string, command: Argv, expect: Scenario['expect'], setup: readonly Argv[] = []): Scenario => ({
  name, state: `freshly booted, nothing loaded, ${UML_MODULES} hidden by a tmpfs mount (module files absent; config says m)`,
  setup: [HIDE, ...setup], command, expect, diagnose: { kernelConfig: UML_CONFIG }, cleanup: [UNHIDE],
});

const fresh = (name: string, command: Argv, expect: Scenario['expect']): Scenario => ({
  name, state: 'freshly booted: MPLS and GRE modules loadable, none loaded', setup: [], command, expect, diagnose: {}, cleanup: [],
});

export const SCENARIOS: readonly Scenario[] = [
  // Nothing loaded yet: these must come first.
  fresh('fresh-mpls-route-add', ['ip', '-f', 'mpls', 'route', 'add', '101', 'dev', 'lo'], certain('mpls_router_missing')),
  fresh('fresh-sysctl-conf-input', ['sysctl', '-w', 'net.mpls.conf.foo4.input=1'], certain('mpls_router_missing')),
  fresh('fresh-sysctl-platform-labels', ['sysctl', '-w', 'net.mpls.platform_labels=65535'], certain('mpls_router_missing')),
  hidden('hidden-modprobe-mpls-router', ['modprobe', 'mpls_router'], certain('mpls_router_missing')),
  hidden('hidden-modprobe-ip-gre', ['modprobe', 'ip_gre'], certain('ip_gre_missing')),
  hidden('hidden-tunnel-add', ['ip', 'tunnel', 'add', 'foo4', ...TUNNEL], certain('ip_gre_missing')),
  hidden('hidden-link-add-gre', ['ip', 'link', 'add', 'foo4', 'type', 'gre', 'remote', '10.128.100.2', 'local', '10.128.0.2'], certain('ip_gre_missing')),
  hidden('hidden-encap-route', ['ip', 'route', 'add', '10.199.0.0/24', 'encap', 'mpls', '100', 'dev', 'lo'], certain('mpls_iptunnel_missing'), [['ip', 'link', 'set', 'lo', 'up']]),
  hidden('hidden-mpls-route-add', ['ip', '-f', 'mpls', 'route', 'add', '101', 'dev', 'lo'], certain('mpls_router_missing')),
  // What the kernel loads by itself (request_module): recorded, not errors.
  {
    name: 'autoload-tunnel-add', state: 'freshly booted, nothing loaded: ip tunnel add asks for gre0 and the kernel loads ip_gre',
    setup: [], command: ['ip', 'tunnel', 'add', 'foo4', ...TUNNEL], expect: null, diagnose: {}, cleanup: [['ip', 'tunnel', 'del', 'foo4']], observeModules: true,
  },
  {
    name: 'autoload-encap-route', state: 'no MPLS module loaded: encap mpls makes the kernel load mpls_iptunnel (and mpls_router with it)',
    setup: [['ip', 'link', 'set', 'lo', 'up']], command: ['ip', 'route', 'add', '10.199.0.0/24', 'encap', 'mpls', '100', 'dev', 'lo'],
    expect: null, diagnose: {}, cleanup: [['ip', 'route', 'del', '10.199.0.0/24']], observeModules: true,
  },
  // Modules loaded; each case in a fresh namespace.
  inFreshNs(1, 'netns-platform-labels-zero', 'net.mpls.platform_labels left at its default', [], ['ip', '-f', 'mpls', 'route', 'add', '100', 'dev', 'lo'], certain('platform_labels_too_small')),
  inFreshNs(2, 'platform-labels-below-label', 'net.mpls.platform_labels=100', [['sysctl', '-w', 'net.mpls.platform_labels=100']], ['ip', '-f', 'mpls', 'route', 'add', '100', 'dev', 'lo'], certain('platform_labels_too_small')),
  inFreshNs(3, 'platform-labels-max-label', 'net.mpls.platform_labels=1048575 (its maximum)', [['sysctl', '-w', 'net.mpls.platform_labels=1048575']], ['ip', '-f', 'mpls', 'route', 'add', '1048575', 'dev', 'lo'], certain('platform_labels_too_small')),
  inFreshNs(4, 'label-reserved', 'net.mpls.platform_labels=65535', [['sysctl', '-w', 'net.mpls.platform_labels=65535']], ['ip', '-f', 'mpls', 'route', 'add', '15', 'dev', 'lo'], certain('label_reserved')),
  inFreshNs(5, 'label-implicit-null', 'net.mpls.platform_labels=65535', [['sysctl', '-w', 'net.mpls.platform_labels=65535']], ['ip', '-f', 'mpls', 'route', 'add', '3', 'dev', 'lo'], certain('label_reserved')),
  inFreshNs(6, 'encap-implicit-null', '', [], ['ip', 'route', 'add', '10.199.0.0/24', 'encap', 'mpls', '3', 'dev', 'lo'], certain('label_reserved')),
  inFreshNs(7, 'label-out-of-range', 'net.mpls.platform_labels=65535', [['sysctl', '-w', 'net.mpls.platform_labels=65535']], ['ip', '-f', 'mpls', 'route', 'add', '1048576', 'dev', 'lo'], certain('label_out_of_range')),
  inFreshNs(8, 'encap-label-out-of-range', '', [], ['ip', 'route', 'add', '10.199.0.0/24', 'encap', 'mpls', '1048576', 'dev', 'lo'], certain('label_out_of_range')),
  inFreshNs(9, 'mpls-route-exists', 'label 101 routed to lo', [['sysctl', '-w', 'net.mpls.platform_labels=65535'], ['ip', '-f', 'mpls', 'route', 'add', '101', 'dev', 'lo']], ['ip', '-f', 'mpls', 'route', 'add', '101', 'dev', 'lo'], certain('route_exists')),
  inFreshNs(10, 'ip-route-exists', '10.199.0.0/24 routed to lo', [['ip', 'route', 'add', '10.199.0.0/24', 'dev', 'lo']], ['ip', 'route', 'add', '10.199.0.0/24', 'dev', 'lo'], certain('route_exists')),
  inFreshNs(11, 'link-exists', 'GRE link foo4 exists', [['ip', 'link', 'add', 'foo4', 'type', 'gre', 'remote', '10.128.100.2', 'local', '10.128.0.2']], ['ip', 'link', 'add', 'foo4', 'type', 'gre', 'remote', '10.128.100.2', 'local', '10.128.0.2'], certain('interface_exists')),
  inFreshNs(12, 'tunnel-same-endpoints', 'tunnel foo4 local 10.128.0.2 remote 10.128.100.2 exists', [['ip', 'tunnel', 'add', 'foo4', ...TUNNEL]], ['ip', 'tunnel', 'add', 'foo5', ...TUNNEL], certain('tunnel_exists')),
  inFreshNs(13, 'device-down-route', 'tunnel foo4 created, still down', [['ip', 'tunnel', 'add', 'foo4', ...TUNNEL]], ['ip', 'route', 'add', '10.199.0.0/24', 'encap', 'mpls', '100', 'dev', 'foo4'], certain('device_down')),
  inFreshNs(14, 'interface-missing-route', 'no foo4', [], ['ip', 'route', 'add', '10.199.0.0/24', 'encap', 'mpls', '100', 'dev', 'foo4'], certain('interface_missing')),
  inFreshNs(15, 'interface-missing-sysctl', 'no foo4', [], ['sysctl', '-w', 'net.mpls.conf.foo4.input=1'], certain('interface_missing')),
  inFreshNs(16, 'interface-missing-link-set', 'no foo4', [], ['ip', 'link', 'set', 'foo4', 'up'], certain('interface_missing')),
  inFreshNs(17, 'interface-missing-link-show', 'no foo4', [], ['ip', 'link', 'show', 'foo4'], certain('interface_missing')),
  inFreshNs(18, 'route-absent', 'no route for 10.199.0.0/24', [], ['ip', 'route', 'del', '10.199.0.0/24'], certain('route_absent')),
  inFreshNs(19, 'platform-labels-invalid-value', '', [], ['sysctl', '-w', 'net.mpls.platform_labels=1048576'], certain('sysctl_value_invalid')),
  inFreshNs(20, 'underlay-route-get', 'only lo', [], ['ip', 'route', 'get', '10.200.100.2'], certain('underlay_unreachable')),
  inFreshNs(21, 'gateway-unreachable', 'only lo', [], ['ip', 'route', 'add', '10.199.0.0/24', 'via', '10.200.0.1'], certain('underlay_unreachable')),
  inFreshNs(22, 'vcan-has-mpls-conf', 'a vcan device vc0: a type older kernels gave no MPLS configuration', [['ip', 'link', 'add', 'vc0', 'type', 'vcan']], ['sysctl', '-w', 'net.mpls.conf.vc0.input=1'], null),
  // Without CAP_NET_ADMIN: run as nobody in the guest's own namespace.
  {
    name: 'unprivileged-mpls-route', state: 'modules loaded; the command runs as uid 65534 without capabilities',
    setup: [MODULES], command: [...NOBODY, 'ip', '-f', 'mpls', 'route', 'add', '200', 'dev', 'lo'], expect: certain('not_privileged'), diagnose: {}, cleanup: [],
  },
  {
    name: 'unprivileged-sysctl', state: 'modules loaded; the command runs as uid 65534 without capabilities',
    setup: [MODULES], command: [...NOBODY, 'sysctl', '-w', 'net.mpls.platform_labels=1000'], expect: certain('not_privileged'), diagnose: {}, cleanup: [],
  },
  {
    name: 'unprivileged-tunnel-add', state: 'modules loaded; the command runs as uid 65534 without capabilities',
    setup: [MODULES], command: [...NOBODY, 'ip', 'tunnel', 'add', 'g9', 'mode', 'gre', 'remote', '10.1.1.1'], expect: certain('not_privileged'), diagnose: {}, cleanup: [],
  },
  {
    name: 'unprivileged-netns-exec', state: 'namespace T0 exists; the command runs as uid 65534 without capabilities',
    setup: [['ip', 'netns', 'add', 'T0']], command: [...NOBODY, 'ip', 'netns', 'exec', 'T0', 'ip', 'link', 'show'], expect: certain('not_privileged'), diagnose: {},
    cleanup: [['ip', 'netns', 'del', 'T0']],
  },
  // Silent losses: the tunnel is up, pings vanish.
  pair('ping-ok', 'nothing broken', [], PING_A_TO_B, null, {}),
  pair('ping-rp-filter-strict', 'B: net.ipv4.conf.all.rp_filter=1 (lo left at 0: effective strict)', [inNs('B', 'sysctl', '-w', 'net.ipv4.conf.all.rp_filter=1')], PING_A_TO_B,
    certain('rp_filter_strict'), { netns: 'B', iface: 'foo4', labels: [100, 101] }),
  pair('ping-mpls-input-off', 'B: net.mpls.conf.foo4.input=0', [inNs('B', 'sysctl', '-w', 'net.mpls.conf.foo4.input=0')], PING_A_TO_B,
    certain('mpls_input_disabled'), { netns: 'B', iface: 'foo4' }),
  pair('ping-label-not-routed', 'B: the route for label 100 deleted', [inNs('B', 'ip', '-f', 'mpls', 'route', 'del', '100', 'dev', 'lo')], PING_A_TO_B,
    certain('label_not_routed'), { netns: 'B', iface: 'foo4', labels: [100, 101] }),
  pair('ping-mtu', 'nothing broken; A pings with 1500-byte payloads and don\'t-fragment', [],
    inNs('A', 'ping', '-c', '1', '-W', '1', '-M', 'do', '-s', '1500', '-I', '10.199.0.1', '10.199.0.2'), certain('mtu_exceeded'), { netns: 'A', iface: 'foo4' }),
  pair('ping-local-endpoint-wrong', 'A: foo4 changed to local 10.128.0.9, an address A does not have',
    [inNs('A', 'ip', 'tunnel', 'change', 'foo4', 'mode', 'gre', 'remote', '10.128.100.2', 'local', '10.128.0.9')], PING_A_TO_B,
    certain('tunnel_endpoint_mismatch'), { netns: 'A' }),
  pair('ping-remote-unreachable', 'A: foo4 changed to remote 10.200.100.2, which A has no route to',
    [inNs('A', 'ip', 'tunnel', 'change', 'foo4', 'mode', 'gre', 'remote', '10.200.100.2', 'local', '10.128.0.2')], PING_A_TO_B,
    certain('underlay_unreachable'), { netns: 'A' }),
  pair('ping-tunnel-down', 'A: foo4 set down', [inNs('A', 'ip', 'link', 'set', 'foo4', 'down')], PING_A_TO_B, certain('device_down'), { netns: 'A' }),
];

async function run(argv: Argv, timeoutMs = 20_000): Promise<{ exitCode: number | null; stdout: string; stderr: string }> {
  const [file, ...args] = argv;
  const r = await execLocal(file!, args, { timeoutMs });
  return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.spawnError ? `${r.stderr}${r.spawnError}` : r.stderr };
}

const loadedModules = async (): Promise<Set<string>> => new Set((await run(['cat', '/proc/modules'])).stdout.split('\n').map((l) => l.split(' ')[0]!).filter(Boolean));

/** Versions of the tools, as they print them. */
async function toolVersions(): Promise<Record<string, string>> {
  const first = async (argv: Argv, re: RegExp): Promise<string> => re.exec((await run(argv)).stdout)?.[1] ?? 'unknown';
  return {
    iproute2: await first(['ip', '-V'], /iproute2-([\d.]+)/),
    procps: await first(['sysctl', '-V'], /procps-ng ([\d.]+)/),
    kmod: await first(['modprobe', '-V'], /kmod version (\d+)/),
    iputils: await first(['ping', '-V'], /iputils (\d+)/),
  };
}

/** Diagnoses the recorded output through a RecordingHost in the same state: the facts a replay needs. */
export async function recordFacts(s: Scenario, out: { stdout: string; stderr: string }, kernel: string, tools: Record<string, string>): Promise<Recording> {
  const host = new RecordingHost(s.diagnose.netns ? new NetnsHost(s.diagnose.netns) : new LocalHost());
  await diagnoseCommand({
    host,
    input: { kind: 'transcript', text: formatTranscript(s.command, out.stdout, out.stderr) },
    labels: s.diagnose.labels ?? [],
    ...(s.diagnose.iface ? { iface: s.diagnose.iface } : {}),
    ...(s.diagnose.kernelConfig ? { kernelConfig: s.diagnose.kernelConfig } : {}),
  });
  return {
    recorded: {
      description: `${s.name}: ${s.state}`, kernel, iproute2: `iproute2 ${tools.iproute2}`,
      at: new Date().toISOString().slice(0, 10), by: 'scripts/record-transcripts.ts',
      options: { labels: [...(s.diagnose.labels ?? [])], ...(s.diagnose.iface ? { iface: s.diagnose.iface } : {}), ...(s.diagnose.kernelConfig ? { kernelConfig: s.diagnose.kernelConfig } : {}) },
    },
    files: host.files,
    commands: host.commands,
  };
}

/** Guest side: every scenario in order, in one boot. */
export async function recordInGuest(input: { only?: string }): Promise<TranscriptFixture[]> {
  const kernel = (await run(['uname', '-r'])).stdout.trim();
  const tools = await toolVersions();
  const out: TranscriptFixture[] = [];
  for (const s of SCENARIOS) {
    if (input.only && input.only !== s.name) continue;
    for (const argv of s.setup) {
      const r = await run(argv);
      if (r.exitCode !== 0) throw new Error(`${s.name}: setup ${argv.join(' ')} failed (${r.exitCode}): ${r.stderr.trim()}`);
    }
    const before = s.observeModules ? await loadedModules() : undefined;
    const r = await run(s.command);
    const after = before ? await loadedModules() : undefined;
    const facts = s.expect ? await recordFacts(s, r, kernel, tools) : null;
    out.push({
      name: s.name,
      recorded: { by: 'scripts/record-transcripts.ts', at: new Date().toISOString().slice(0, 10), kernel, tools, state: s.state },
      setup: s.setup, command: s.command, exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr,
      ...(before && after ? { modulesLoaded: [...after].filter((m) => !before.has(m)).sort() } : {}),
      diagnose: s.diagnose, expect: s.expect, facts,
    });
    for (const argv of s.cleanup) await run(argv);
  }
  return out;
}

async function main(): Promise<void> {
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
  if (only !== undefined && !SCENARIOS.some((s) => s.name === only)) throw new Error(`--only: no scenario ${only} (known: ${SCENARIOS.map((s) => s.name).join(', ')})`);
  await ensureUmlKernel((m) => console.log(m));
  const r = await runInUml({
    job: { kind: 'module', module: fileURLToPath(import.meta.url), export: 'recordInGuest', input: only ? { only } : {} },
    timeoutMs: 600_000,
  });
  const result = r.output as { ok: boolean; value?: TranscriptFixture[]; error?: { message: string } } | undefined;
  if (!result?.ok || !result.value) throw new Error(`recording in user-mode Linux failed: ${result?.error?.message ?? r.console.slice(-1500)}`);
  await mkdir(TRANSCRIPTS_DIR, { recursive: true });
  for (const fx of result.value) {
    await writeFile(join(TRANSCRIPTS_DIR, `${fx.name}.json`), JSON.stringify(fx, null, 1) + '\n');
    console.log(`${fx.name}.json: exit ${fx.exitCode} ${(fx.stderr || fx.stdout).trim().split('\n').at(-1)}`);
  }
  console.log(`${result.value.length} transcripts in ${Math.round(r.durationMs)} ms`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
