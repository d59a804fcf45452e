/**
 * Records the failures of a traffic class, into test/fixtures/class-paths/NAME.json: in
 * user-mode Linux 6.1, examples/classes.yaml (the seed plus a voice class each way) set up by
 * the real `up` in two namespaces, then one fault at a time on A's class (or B's pop of it).
 * For each: pings from A marked with the class's DSCP (ping -Q) under a capture of A's underlay,
 * the labels and outer DSCP its requests left with, every device's MPLS counters on both ends
 * before and after, and what verify reads of each end to explain a class failure
 * (engine/path-facts.ts with classes, through a RecordingHost). Unit tests replay the root cause.
 *
 * With --messages it records instead, into test/fixtures/transcripts/NAME.json, the messages an
 * operator meets on the class path (a TOS policy rule; iptables-legacy without its modules).
 *
 *   npm run build && node dist/scripts/record-class-paths.js [--messages]
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { classesInPcap } from '../src/capture/dsfield.js';
import { startSniffer } from '../src/capture/sniffer.js';
import { upCommand } from '../src/commands/up.js';
import type { PathClass, Stage } from '../src/causes/types.js';
import { parseTopology } from '../src/core/topology.js';
import { pathFacts } from '../src/engine/path-facts.js';
import { StateStore } from '../src/engine/state.js';
import { createLabNetwork } from '../src/engine/underlay.js';
import { NetnsHost } from '../src/host/netns.js';
import { RecordingHost, type Recording } from '../src/host/replay.js';
import { execLocal } from '../src/host/spawn.js';
import { ensureUmlKernel, runInUml, UML_MODULES } from '../src/host/uml.js';
import { COUNTERS_ARGV } from '../src/probes/mpls-counters.js';
import { recordFacts, TRANSCRIPTS_DIR, type Scenario, type TranscriptFixture } from './record-transcripts.js';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const OUT = join(ROOT, 'test', 'fixtures', 'class-paths');

/** One class failure as A's pings met it, with what explains it. */
export interface ClassPathFixture {
  readonly recorded: { readonly description: string; readonly kernel: string; readonly iproute2: string; readonly iptables: string; readonly at: string; readonly by: string };
  readonly topology: string;
  /** What the class's pings met: the stage it makes (null: the class works), the ends, the pings. */
  readonly direction: { readonly from: string; readonly to: string; readonly stage: Stage | null; readonly sender: string; readonly receiver: string; readonly sent: number; readonly received: number };
  /** The class tried, and the labels its requests carried inside GRE on A's underlay. */
  readonly trafficClass: PathClass;
  /** The outer DS fields (tos bytes) of the class's requests on A's underlay. */
  readonly outerTos: readonly number[];
  /** Every device's counters, `ip -j stats show group afstats subgroup mpls`, before and after the pings. */
  readonly counters: Readonly<Record<string, { readonly before: string; readonly after: string }>>;
  /** What engine/path-facts.ts (with classes) read on each end after the pings. */
  readonly facts: Readonly<Record<string, Recording>>;
}

async function must(argv: string[]): Promise<string> {
  const r = await execLocal(argv[0]!, argv.slice(1), { timeoutMs: 20_000 });
  if (r.failed) throw new Error(`${argv.join(' ')}: ${r.stderr.trim() || r.spawnError || r.exitCode}`);
  return r.stdout;
}

const inNs = (ns: string, ...argv: string[]): string[] => ['ip', 'netns', 'exec', ns, ...argv];
const mangle = (ns: string, op: '-A' | '-D', ...rule: string[]): string[] => inNs(ns, 'iptables-legacy', '-w', '5', '-t', 'mangle', op, ...rule);
const MARK = ['OUTPUT', '-m', 'dscp', '--dscp', '46', '-j', 'MARK', '--set-mark', '200'];
const OUTER = ['POSTROUTING', '-p', 'gre', '-s', '10.128.0.2/32', '-d', '10.128.100.2/32', '-m', 'u32', '--u32', '0x18&0xfffff000=0xc8000', '-j', 'DSCP', '--set-dscp', '46'];

interface Fault {
  readonly name: string;
  readonly description: string;
  readonly breakIt: (n: { A: string; B: string }) => string[][];
  readonly mendIt: (n: { A: string; B: string }) => string[][];
}

export const FAULTS: readonly Fault[] = [
  { name: 'healthy', description: 'the class as up set it: nothing broken', breakIt: () => [], mendIt: () => [] },
  { name: 'mark-missing', description: 'A\'s mangle OUTPUT rule marking DSCP 46 with 200 deleted', breakIt: (n) => [mangle(n.A, '-D', ...MARK)], mendIt: (n) => [mangle(n.A, '-A', ...MARK)] },
  {
    name: 'rule-missing', description: 'A\'s policy rule fwmark 200 lookup 200 deleted',
    breakIt: (n) => [['ip', '-n', n.A, 'rule', 'delete', 'fwmark', '200', 'lookup', '200']], mendIt: (n) => [['ip', '-n', n.A, 'rule', 'add', 'fwmark', '200', 'lookup', '200']],
  },
  {
    name: 'rule-shadowed', description: 'on A, ip rule add fwmark 200 lookup main pref 100 (before the class rule)',
    breakIt: (n) => [['ip', '-n', n.A, 'rule', 'add', 'fwmark', '200', 'lookup', 'main', 'pref', '100']], mendIt: (n) => [['ip', '-n', n.A, 'rule', 'delete', 'pref', '100']],
  },
  {
    name: 'route-missing', description: 'A\'s route for 10.199.0.0/24 in table 200 deleted',
    breakIt: (n) => [['ip', '-n', n.A, 'route', 'delete', '10.199.0.0/24', 'table', '200']],
    mendIt: (n) => [['ip', '-n', n.A, 'route', 'add', '10.199.0.0/24', 'encap', 'mpls', '200', 'dev', 'foo4', 'table', '200']],
  },
  {
    name: 'label-not-routed', description: 'B\'s pop of the class label 200 deleted (ip -f mpls route delete 200 dev lo)',
    breakIt: (n) => [['ip', '-n', n.B, '-f', 'mpls', 'route', 'delete', '200', 'dev', 'lo']], mendIt: (n) => [['ip', '-n', n.B, '-f', 'mpls', 'route', 'add', '200', 'dev', 'lo']],
  },
  { name: 'outer-dscp-missing', description: 'A\'s mangle POSTROUTING rule setting DSCP 46 on label 200 deleted', breakIt: (n) => [mangle(n.A, '-D', ...OUTER)], mendIt: (n) => [mangle(n.A, '-A', ...OUTER)] },
];

/** The stage the class's pings make: where its requests left from, under which label, with which outer DSCP. */
export function classStage(labels: readonly number[], tos: readonly number[], c: { label: number; dscp: number }, sent: number, received: number): Stage | null {
  if (!labels.includes(c.label)) return 'class_wrong_label';
  if (received < sent) return 'class_not_delivered';
  if (tos.some((t) => t >> 2 !== c.dscp)) return 'class_outer_dscp';
  return null;
}

/** Guest side: the classes example set up by the real up, then each fault in turn under class pings. */
export async function recordClassPathsInGuest(input: { only?: readonly string[] }): Promise<Record<string, ClassPathFixture>> {
  const dir = await mkdtemp(join(tmpdir(), 'mplsgre-rcp-'));
  process.env.MPLSGRE_STATE_DIR = join(dir, 'state');
  await must(['modprobe', 'ipv6']);
  const kernel = (await readFile('/proc/sys/kernel/osrelease', 'utf8')).trim();
  const iproute2 = (await must(['ip', '-V'])).trim();
  const iptables = (await must(['iptables-legacy', '--version'])).trim();
  const at = new Date().toISOString().slice(0, 10);
  const by = 'scripts/record-class-paths.ts';
  const example = await readFile(join(ROOT, 'examples', 'classes.yaml'), 'utf8');
  const net = await createLabNetwork(parseTopology(example));
  const nsA = net.namespaces.get('A')!;
  const nsB = net.namespaces.get('B')!;
  const topology = example.replace('target: netns:A', `target: netns:${nsA}`).replace('target: netns:B', `target: netns:${nsB}`);
  const topo = parseTopology(topology);
  const a = topo.hosts.find((h) => h.name === 'A')!;
  const voice = a.classes![0]!;
  const nsOf: Record<string, string> = { A: nsA, B: nsB };
  const stats = (ns: string): Promise<string> => must(['ip', '-n', ns, ...COUNTERS_ARGV]);
  const out: Record<string, ClassPathFixture> = {};
  try {
    const file = join(dir, 'classes.yaml');
    await writeFile(file, topology);
    const up = await upCommand({ file, store: new StateStore(join(dir, 'state')) });
    if (!up.ok) throw new Error(`up failed: ${up.failure?.message}`);
    for (const f of FAULTS) {
      if (input.only && !input.only.includes(f.name)) continue;
      for (const argv of f.breakIt({ A: nsA, B: nsB })) await must(argv);
      try {
        const before = await Promise.all([stats(nsA), stats(nsB)]);
        const pcap = join(dir, `${f.name}.pcap`);
        const sniffer = await startSniffer(new NetnsHost(nsA), net.veth[0], pcap, ['ip', 'proto', '47'], 60_000);
        const sent = 3;
        const ping = await execLocal('ip', ['netns', 'exec', nsA, 'ping', '-n', '-q', '-Q', `0x${(voice.dscp[0]! << 2).toString(16)}`, '-c', String(sent), '-i', '0.2', '-W', '1', '-I', a.overlay, '10.199.0.2'], { timeoutMs: 20_000 });
        await sniffer.stop();
        const after = await Promise.all([stats(nsA), stats(nsB)]);
        const received = Number(/(\d+) received/.exec(ping.stdout)?.[1] ?? 0);
        const requests = classesInPcap(await readFile(pcap)).filter((p) => p.icmpType === 8 && p.outerSrc === a.underlay);
        const labelsSeen = [...new Set(requests.map((p) => p.label))];
        const outerTos = [...new Set(requests.map((p) => p.outerTos))];
        const trafficClass: PathClass = { name: voice.name, label: voice.label, mark: voice.mark, table: voice.table, dscp: voice.dscp[0]!, labelsSeen };
        const stage = classStage(labelsSeen, outerTos, trafficClass, sent, received);
        if ((stage === null) !== (f.name === 'healthy')) throw new Error(`${f.name}: the class's pings made stage ${stage} (labels ${labelsSeen.join('/')}, tos ${outerTos.join('/')}, ${received}/${sent} answered)`);
        const facts: Record<string, Recording> = {};
        for (const name of ['A', 'B']) {
          const host = new RecordingHost(new NetnsHost(nsOf[name]!));
          await pathFacts(host, name, topo.tunnel.name, topo.tunnel.overlay, { classes: true });
          facts[name] = {
            recorded: { description: `${f.name}: ${name}`, kernel, at, by, options: { iface: topo.tunnel.name, labels: [100, 101, 200, 201] } },
            files: host.files, commands: host.commands,
          };
        }
        out[f.name] = {
          recorded: { description: `${f.description}; 3 pings from A with DSCP ${trafficClass.dscp} (ping -Q)`, kernel, iproute2, iptables, at, by },
          topology,
          direction: { from: 'A', to: 'B', stage, sender: 'A', receiver: 'B', sent, received },
          trafficClass, outerTos,
          counters: { A: { before: before[0]!, after: after[0]! }, B: { before: before[1]!, after: after[1]! } },
          facts,
        };
      } finally {
        for (const argv of f.mendIt({ A: nsA, B: nsB })) await must(argv);
      }
    }
  } finally {
    await net.destroy();
    await rm(dir, { recursive: true, force: true });
  }
  return out;
}

const HIDE = ['mount', '-t', 'tmpfs', 'tmpfs', UML_MODULES];
const UNHIDE = ['umount', UML_MODULES];
const MARK_RULE = ['iptables-legacy', '-w', '5', '-t', 'mangle', '-A', 'OUTPUT', '-m', 'dscp', '--dscp', '46', '-j', 'MARK', '--set-mark', '200'];
const OUTER_RULE = ['iptables-legacy', '-w', '5', '-t', 'mangle', '-A', ...OUTER.slice(0, -2), '--set-dscp', '46'];

/**
 * The messages an operator meets on a class's path, in order from a fresh boot (the mangle table
 * is not loaded before the first): a DSCP in a policy rule; iptables-legacy with the module
 * directory hidden, first without the mangle table, then with it but without xt_u32 and xt_DSCP.
 */
export const MESSAGE_SCENARIOS: readonly Scenario[] = [
  {
    name: 'rule-tos-invalid', state: 'a fresh network namespace T40; a policy rule for DSCP 46 (tos 0xb8) asked for',
    setup: [['ip', 'netns', 'add', 'T40']], command: inNs('T40', 'ip', 'rule', 'add', 'tos', '0xb8', 'lookup', '200'),
    expect: { cause: 'rule_tos_unsupported', confidence: 'certain' }, diagnose: { netns: 'T40' }, cleanup: [['ip', 'netns', 'del', 'T40']],
  },
  {
    name: 'iptables-mangle-table-missing', state: 'iptable_mangle not loaded; the module directory hidden (tmpfs over it): no netfilter module can be loaded',
    setup: [HIDE], command: MARK_RULE, expect: { cause: 'netfilter_module_missing', confidence: 'certain' }, diagnose: {}, cleanup: [UNHIDE],
  },
  {
    name: 'iptables-u32-match-missing', state: 'iptable_mangle, xt_dscp and xt_mark loaded; then the module directory hidden: xt_u32 and xt_DSCP cannot be loaded',
    setup: [['modprobe', '-a', 'iptable_mangle', 'xt_dscp', 'xt_mark'], HIDE], command: OUTER_RULE,
    expect: { cause: 'netfilter_module_missing', confidence: 'certain' }, diagnose: {}, cleanup: [UNHIDE],
  },
];

/** Guest side of --messages: each scenario's command, its output, and what diagnose reads in that state. */
export async function recordMessagesInGuest(): Promise<TranscriptFixture[]> {
  const kernel = (await readFile('/proc/sys/kernel/osrelease', 'utf8')).trim();
  const tools = {
    iproute2: /iproute2-([\d.]+)/.exec(await must(['ip', '-V']))?.[1] ?? 'unknown',
    iptables: /v([\d.]+)/.exec(await must(['iptables-legacy', '--version']))?.[1] ?? 'unknown',
  };
  const out: TranscriptFixture[] = [];
  for (const s of MESSAGE_SCENARIOS) {
    for (const argv of s.setup) await must([...argv]);
    try {
      const r = await execLocal(s.command[0]!, s.command.slice(1), { timeoutMs: 20_000 });
      const said = { stdout: r.stdout, stderr: r.spawnError ? `${r.stderr}${r.spawnError}` : r.stderr };
      const facts = await recordFacts(s, said, kernel, tools);
      out.push({
        name: s.name, recorded: { by: 'scripts/record-class-paths.ts --messages', at: new Date().toISOString().slice(0, 10), kernel, tools, state: s.state },
        setup: s.setup, command: s.command, exitCode: r.exitCode, ...said, diagnose: s.diagnose, expect: s.expect,
        facts: { ...facts, recorded: { ...facts.recorded, by: 'scripts/record-class-paths.ts --messages' } },
      });
    } finally {
      for (const argv of s.cleanup) await execLocal(argv[0]!, argv.slice(1), { timeoutMs: 20_000 });
    }
  }
  return out;
}

async function mainMessages(): Promise<void> {
  await ensureUmlKernel((m) => console.log(m));
  const r = await runInUml({ job: { kind: 'module', module: fileURLToPath(import.meta.url), export: 'recordMessagesInGuest', input: {} }, timeoutMs: 180_000 });
  const res = r.output as { ok: boolean; value?: TranscriptFixture[]; error?: { message: string } } | undefined;
  if (!res?.ok || !res.value) throw new Error(`recording in user-mode Linux failed: ${res?.error?.message ?? r.console.slice(-1500)}`);
  for (const fx of res.value) {
    await writeFile(join(TRANSCRIPTS_DIR, `${fx.name}.json`), JSON.stringify(fx, null, 1) + '\n');
    console.log(`transcripts/${fx.name}.json: exit ${fx.exitCode} ${JSON.stringify(fx.stderr || fx.stdout)}`);
  }
}

async function main(): Promise<void> {
  if (process.argv.includes('--messages')) return mainMessages();
  await mkdir(OUT, { recursive: true });
  await ensureUmlKernel((m) => console.log(m));
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
  const r = await runInUml({
    job: { kind: 'module', module: fileURLToPath(import.meta.url), export: 'recordClassPathsInGuest', input: only ? { only: [only] } : {} },
    timeoutMs: 300_000,
  });
  const res = r.output as { ok: boolean; value?: Record<string, ClassPathFixture>; error?: { message: string } } | undefined;
  if (!res?.ok || !res.value) throw new Error(`recording in user-mode Linux failed: ${res?.error?.message ?? r.console.slice(-1500)}`);
  for (const [name, fx] of Object.entries(res.value)) {
    await writeFile(join(OUT, `${name}.json`), JSON.stringify(fx, null, 1) + '\n');
    console.log(`class-paths/${name}.json (${fx.recorded.kernel}): ${fx.direction.stage ?? 'ok'}, labels ${fx.trafficClass.labelsSeen.join('/') || 'none'}, outer tos ${fx.outerTos.join('/')}, ${fx.direction.received}/${fx.direction.sent}`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error((err as Error).message);
    process.exitCode = 1;
  });
}
