/**
 * Records, in user-mode Linux 6.1, what the kernel does with traffic classes done by hand on
 * the seed tunnel (set up by the real `up` in two namespaces): a firewall mark from the DSCP
 * (iptables-legacy mangle), a policy rule to the class's table, the class's encap route there,
 * the peer's label route for the class label; then the outer DSCP on the underlay's egress (tc
 * u32 on the label inside GRE, pedit, csum) and the MPLS traffic-class bits (act_mpls on the
 * tunnel's egress). Each step's argv and what the kernel answered, the kernel's view after, and
 * captures on B's underlay of pings both ways, with the class's DSCP and unmarked, before and
 * after the outer marking, go to test/fixtures/classes/: NAME.pcap and classes.json.
 *
 *
 * Then what verify judges: examples/classes.yaml set up by the real `up`, verify's captures
 * (one per host, every interface) around verify's pings (unmarked and each class's, at once),
 * working and with one thing broken at a time, to verify-NAME-HOST.pcap and verify-classes.json.
 *
 *   npm run build && node dist/scripts/record-classes.js            # both
 *   npm run build && node dist/scripts/record-classes.js verify     # verify's captures only
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bind } from '../src/commands/tunnel.js';
import { upCommand } from '../src/commands/up.js';
import type { PingSummary } from '../src/core/ping.js';
import { parseTopology } from '../src/core/topology.js';
import { StateStore } from '../src/engine/state.js';
import { settle, startCaptures } from '../src/engine/verify/captures.js';
import { classProbes } from '../src/engine/verify/classes.js';
import { ping, type PingMarking } from '../src/engine/verify/pings.js';
import { createLabNetwork } from '../src/engine/underlay.js';
import type { Background } from '../src/host/host.js';
import { execLocal, startLocal } from '../src/host/spawn.js';
import { ensureUmlKernel, runInUml } from '../src/host/uml.js';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const OUT = join(ROOT, 'test', 'fixtures', 'classes');
const MODULES = ['ip_tables', 'iptable_mangle', 'xt_dscp', 'xt_mark', 'cls_u32', 'cls_flower', 'act_pedit', 'act_csum', 'act_mpls', 'sch_ingress'];

const SEED = `tunnel: { name: foo4, overlay: 10.199.0.0/24 }
hosts:
  A: { target: local, underlay: 10.128.0.2, overlay: 10.199.0.1, label: 100 }
  B: { target: local, underlay: 10.128.100.2, overlay: 10.199.0.2, label: 101 }
`;

/** One command and what it answered. */
export interface Answer { readonly argv: readonly string[]; readonly exitCode: number | null; readonly stdout: string; readonly stderr: string }

/** One capture: the pings sent while it ran, and the pcap file it wrote. */
export interface ClassCapture {
  readonly file: string;
  readonly description: string;
  /** Each ping: from, to, the tos given to `ping -Q` (0 = unmarked), sent and received. */
  readonly pings: readonly { readonly from: string; readonly to: string; readonly tos: number; readonly sent: number; readonly received: number }[];
  readonly tcpdump: string;
}

export interface ClassesFixture {
  readonly recorded: { readonly kernel: string; readonly iproute2: string; readonly iptables: string; readonly at: string; readonly by: string };
  readonly topology: string;
  /** A's class: DSCP 46 (tos 0xb8) under label 200; B's: DSCP 46 under label 201. */
  readonly classes: Readonly<Record<string, { readonly dscp: number; readonly label: number; readonly mark: number; readonly table: number; readonly underlay: string }>>;
  /** Every command run to set the classes up, in order, with the kernel's answer. */
  readonly steps: readonly (Answer & { readonly host: string })[];
  /** The kernel's view after: rules, the class table, label routes, mangle rules, tc filters. */
  readonly after: Readonly<Record<string, readonly Answer[]>>;
  /** What was refused: the traffic-class bits on an encap route. */
  readonly refused: readonly Answer[];
  readonly captures: readonly ClassCapture[];
}

async function run(argv: readonly string[]): Promise<Answer> {
  const r = await execLocal(argv[0]!, argv.slice(1), { timeoutMs: 20_000 });
  return { argv, exitCode: r.exitCode ?? null, stdout: r.stdout, stderr: r.stderr };
}

async function must(argv: readonly string[]): Promise<string> {
  const a = await run(argv);
  if (a.exitCode !== 0) throw new Error(`${argv.join(' ')}: ${a.stderr.trim() || a.exitCode}`);
  return a.stdout;
}

/** Guest side: sets up the seed and the classes, captures, returns the fixture. */
export async function recordClassesInGuest(input: { dir: string }): Promise<ClassesFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'mplsgre-rcl-'));
  process.env.MPLSGRE_STATE_DIR = join(dir, 'state');
  for (const m of ['ipv6', ...MODULES]) await must(['modprobe', m]);
  const kernel = (await readFile('/proc/sys/kernel/osrelease', 'utf8')).trim();
  const iproute2 = (await must(['ip', '-V'])).trim();
  const iptables = (await must(['iptables-legacy', '-V'])).trim();
  const net = await createLabNetwork(parseTopology(SEED));
  const ns = { A: net.namespaces.get('A')!, B: net.namespaces.get('B')! };
  const topology = SEED.replace(/target: local/, `target: netns:${ns.A}`).replace(/target: local/, `target: netns:${ns.B}`);
  const inNs = (h: 'A' | 'B', ...argv: string[]): string[] => ['ip', 'netns', 'exec', ns[h], ...argv];
  const steps: (Answer & { host: string })[] = [];
  const captures: ClassCapture[] = [];
  try {
    const file = join(dir, 'seed.yaml');
    await writeFile(file, topology);
    const up = await upCommand({ file, store: new StateStore(join(dir, 'state')) });
    if (!up.ok) throw new Error(`up failed: ${up.failure?.message}`);
    const underlayOf = async (h: 'A' | 'B', peer: string): Promise<string> => {
      const out = await must(inNs(h, 'ip', '-j', 'route', 'get', peer));
      return (JSON.parse(out) as { dev: string }[])[0]!.dev;
    };
    const classes = {
      A: { dscp: 46, label: 200, mark: 200, table: 200, underlay: await underlayOf('A', '10.128.100.2') },
      B: { dscp: 46, label: 201, mark: 201, table: 201, underlay: await underlayOf('B', '10.128.0.2') },
    };
    const peerOf = { A: 'B', B: 'A' } as const;
    const step = async (host: 'A' | 'B', ...argv: string[]): Promise<void> => {
      const a = await run(inNs(host, ...argv));
      steps.push({ host, ...a, argv });
      if (a.exitCode !== 0) throw new Error(`${host}: ${argv.join(' ')}: ${a.stderr.trim()}`);
    };
    const pingPair = async (name: string, description: string): Promise<void> => {
      const pcap = join(input.dir, `${name}.pcap`);
      const bg: Background = startLocal('ip', ['netns', 'exec', ns.B, 'tcpdump', '-i', classes.B.underlay, '-n', '--immediate-mode', '-U', '-Z', 'root', '-w', pcap, 'ip', 'proto', '47'], { timeoutMs: 60_000 });
      await bg.waitForLine(/listening on/, 10_000);
      const pings: ClassCapture['pings'][number][] = [];
      for (const [from, to] of [['A', '10.199.0.2'], ['B', '10.199.0.1']] as const) {
        for (const tos of [0xb8, 0]) {
          const r = await run(inNs(from, 'ping', '-n', '-q', '-c', '2', '-i', '0.2', '-W', '1', ...(tos ? ['-Q', String(tos)] : []), to));
          pings.push({ from, to: peerOf[from], tos, sent: 2, received: Number(/(\d+) received/.exec(r.stdout)?.[1] ?? 0) });
        }
      }
      const stopped = await bg.stop('SIGINT');
      captures.push({ file: `${name}.pcap`, description, pings, tcpdump: stopped.stderr.trim().split('\n').filter((l) => l.includes('captured')).join('') });
    };

    await pingPair('classes-unset', 'the seed alone: every ping under the default label, outer tos 0x0 whatever the inner tos');
    for (const h of ['A', 'B'] as const) {
      const c = classes[h];
      const peer = classes[peerOf[h]];
      await step(h, 'iptables-legacy', '-t', 'mangle', '-A', 'OUTPUT', '-m', 'dscp', '--dscp', String(c.dscp), '-j', 'MARK', '--set-mark', String(c.mark));
      await step(h, 'ip', 'rule', 'add', 'fwmark', String(c.mark), 'lookup', String(c.table));
      await step(h, 'ip', 'route', 'add', '10.199.0.0/24', 'encap', 'mpls', String(c.label), 'dev', 'foo4', 'table', String(c.table));
      // This host pops the peer's class label.
      await step(h, 'ip', '-f', 'mpls', 'route', 'add', String(peer.label), 'dev', 'lo');
    }
    await pingPair('classes-routed', 'mark, rule, table route and label route: DSCP 46 pings under the class label, outer tos still 0x0');
    for (const h of ['A', 'B'] as const) {
      const c = classes[h];
      const match = `0x${((c.label << 12) >>> 0).toString(16).padStart(8, '0')}`;
      await step(h, 'tc', 'qdisc', 'add', 'dev', c.underlay, 'clsact');
      // Outer IPv4 header (20 bytes) + GRE (4): the label stack entry is at byte 24.
      await step(h, 'tc', 'filter', 'add', 'dev', c.underlay, 'egress', 'protocol', 'ip', 'prio', '10', 'u32', 'match', 'u32', match, '0xfffff000', 'at', '24',
        'action', 'pedit', 'ex', 'munge', 'ip', 'dsfield', 'set', String(c.dscp << 2), 'pipe', 'action', 'csum', 'ip');
    }
    await step('A', 'tc', 'qdisc', 'add', 'dev', 'foo4', 'clsact');
    await step('A', 'tc', 'filter', 'add', 'dev', 'foo4', 'egress', 'protocol', 'mpls_uc', 'prio', '10', 'flower', 'mpls_label', String(classes.A.label), 'action', 'mpls', 'modify', 'tc', '5');
    await pingPair('classes-marked', "and the outer marking: the class's packets leave with outer tos 0xb8; A's class label also with traffic class 5");

    const after: Record<string, Answer[]> = {};
    for (const h of ['A', 'B'] as const) {
      after[h] = await Promise.all([
        ['ip', 'rule', 'show'], ['ip', 'route', 'show', 'table', String(classes[h].table)], ['ip', '-f', 'mpls', 'route', 'show'],
        ['iptables-legacy-save', '-t', 'mangle'], ['tc', 'filter', 'show', 'dev', classes[h].underlay, 'egress'], ['tc', 'filter', 'show', 'dev', 'foo4', 'egress'],
      ].map(async (argv) => ({ ...(await run(inNs(h, ...argv))), argv })));
    }
    const refused = [
      { ...(await run(inNs('A', 'ip', 'route', 'add', '10.199.5.0/24', 'encap', 'mpls', '300', 'tc', '3', 'dev', 'foo4'))), argv: ['ip', 'route', 'add', '10.199.5.0/24', 'encap', 'mpls', '300', 'tc', '3', 'dev', 'foo4'] },
    ];
    const at = new Date().toISOString().slice(0, 10);
    return { recorded: { kernel, iproute2, iptables, at, by: 'scripts/record-classes.ts' }, topology, classes, steps, after, refused, captures };
  } finally {
    await net.destroy();
    await rm(dir, { recursive: true, force: true });
  }
}

/** One of verify's pings as recorded: who pinged whom, how it was marked (none: unmarked), what ping counted. */
export interface RecordedPing { readonly from: string; readonly to: string; readonly marking?: PingMarking; readonly summary: PingSummary | undefined }

/** verify's captures around verify's pings, one scenario: the files per host. */
export interface VerifyScenario {
  readonly name: string;
  readonly description: string;
  /** What was changed on a host before the pings (restored after), as host and argv. */
  readonly broken: readonly { readonly host: string; readonly argv: readonly string[] }[];
  readonly pings: readonly RecordedPing[];
  /** The pcap file of each host's capture. */
  readonly files: Readonly<Record<string, string>>;
}

export interface VerifyClassesFixture {
  readonly recorded: { readonly kernel: string; readonly iproute2: string; readonly iptables: string; readonly tcpdump: string; readonly at: string; readonly by: string };
  /** examples/classes.yaml, its targets pointed at the namespaces the captures were taken in. */
  readonly topology: string;
  readonly count: number;
  readonly scenarios: readonly VerifyScenario[];
}

/** Guest side: examples/classes.yaml by the real up, then verify's captures and pings per scenario. */
export async function recordVerifyClassesInGuest(input: { dir: string; root: string }): Promise<VerifyClassesFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'mplsgre-rvc-'));
  process.env.MPLSGRE_STATE_DIR = join(dir, 'state');
  await must(['modprobe', 'ipv6']);
  const kernel = (await readFile('/proc/sys/kernel/osrelease', 'utf8')).trim();
  const iproute2 = (await must(['ip', '-V'])).trim();
  const iptables = (await must(['iptables-legacy', '-V'])).trim();
  const tcpdump = (await run(['tcpdump', '--version'])).stdout.split('\n')[0]!.trim();
  const example = await readFile(join(input.root, 'examples', 'classes.yaml'), 'utf8');
  const local = example.replace('target: netns:A', 'target: local').replace('target: netns:B', 'target: local');
  const net = await createLabNetwork(parseTopology(local));
  const ns = { A: net.namespaces.get('A')!, B: net.namespaces.get('B')! };
  const topology = local.replace('target: local', `target: netns:${ns.A}`).replace('target: local', `target: netns:${ns.B}`);
  const count = 3;
  const scenarios: VerifyScenario[] = [];
  try {
    const file = join(dir, 'classes.yaml');
    await writeFile(file, topology);
    const up = await upCommand({ file, store: new StateStore(join(dir, 'state')) });
    if (!up.ok) throw new Error(`up failed: ${up.failure?.message}`);
    const b = await bind(file);
    const topo = b.topology;
    const pair = [topo.hosts[0], topo.hosts[1]] as const;
    const hostOf = (h: (typeof topo.hosts)[number]) => b.hosts.get(h.name)!;
    const inNs = (h: 'A' | 'B', argv: readonly string[]): string[] => ['ip', 'netns', 'exec', ns[h], ...argv];
    const outerA = ['POSTROUTING', '-p', 'gre', '-s', '10.128.0.2/32', '-d', '10.128.100.2/32', '-m', 'u32', '--u32'];
    const scenario = async (name: string, description: string, broken: { host: 'A' | 'B'; argv: string[]; undo: string[] }[]): Promise<void> => {
      for (const x of broken) await must(inNs(x.host, x.argv));
      const capDir = await mkdtemp(join(dir, `cap-${name}-`));
      const caps = await startCaptures(pair, hostOf, capDir, 2048);
      try {
        const probes = classProbes(topo);
        const ways = [[pair[0], pair[1]], [pair[1], pair[0]]] as const;
        const runs = await Promise.all([
          ...ways.map(async ([from, to]) => ({ from: from.name, to: to.name, summary: (await ping(hostOf(from), from, to, count, 0.05, undefined)).summary })),
          ...probes.map(async (p) => ({ from: p.from.name, to: p.to.name, marking: p.marking, summary: (await ping(hostOf(p.from), p.from, p.to, count, 0.05, undefined, p.marking)).summary })),
        ]);
        // Every packet of the pings written: no news for a second.
        await settle([...caps.watched.values()], () => false, 1_000);
        for (const x of caps.sniffers) await x.s.stop();
        const files: Record<string, string> = {};
        for (const h of pair) {
          files[h.name] = `verify-${name}-${h.name}.pcap`;
          await writeFile(join(input.dir, files[h.name]!), await readFile(caps.watched.get(h.name)!.file));
        }
        scenarios.push({ name, description, broken: broken.map((x) => ({ host: x.host, argv: x.argv })), pings: runs, files });
      } finally {
        await caps.close();
        for (const x of broken) await must(inNs(x.host, x.undo));
      }
    };
    await scenario('pass', 'as up made it: each class under its label with its outer DSCP, the unmarked pings under the default labels', []);
    await scenario('no-rule', "A's class policy rule deleted: DSCP 46 still marked 200, routed by the main table under label 100", [
      { host: 'A', argv: ['ip', 'rule', 'delete', 'fwmark', '200', 'lookup', '200'], undo: ['ip', 'rule', 'add', 'fwmark', '200', 'lookup', '200'] },
    ]);
    await scenario('no-mark', "A's mangle rule marking DSCP 46 deleted: the class's pings go under label 100", [
      { host: 'A', argv: ['iptables-legacy', '-w', '5', '-t', 'mangle', '-D', 'OUTPUT', '-m', 'dscp', '--dscp', '46', '-j', 'MARK', '--set-mark', '200'], undo: ['iptables-legacy', '-w', '5', '-t', 'mangle', '-A', 'OUTPUT', '-m', 'dscp', '--dscp', '46', '-j', 'MARK', '--set-mark', '200'] },
    ]);
    await scenario('no-pop', "B's label route popping A's class label 200 deleted: A's class requests die at B, and B's class replies (A answers under 200)", [
      { host: 'B', argv: ['ip', '-f', 'mpls', 'route', 'delete', '200', 'dev', 'lo'], undo: ['ip', '-f', 'mpls', 'route', 'add', '200', 'dev', 'lo'] },
    ]);
    await scenario('outer-on-default', "A's outer DSCP rule matching the default label 100 instead of the class label 200: unmarked pings leave with outer DSCP 46, the class's with 0", [
      { host: 'A', argv: ['iptables-legacy', '-w', '5', '-t', 'mangle', '-D', ...outerA, '0x18&0xfffff000=0xc8000', '-j', 'DSCP', '--set-dscp', '46'], undo: ['iptables-legacy', '-w', '5', '-t', 'mangle', '-A', ...outerA, '0x18&0xfffff000=0xc8000', '-j', 'DSCP', '--set-dscp', '46'] },
      { host: 'A', argv: ['iptables-legacy', '-w', '5', '-t', 'mangle', '-A', ...outerA, '0x18&0xfffff000=0x64000', '-j', 'DSCP', '--set-dscp', '46'], undo: ['iptables-legacy', '-w', '5', '-t', 'mangle', '-D', ...outerA, '0x18&0xfffff000=0x64000', '-j', 'DSCP', '--set-dscp', '46'] },
    ]);
    const at = new Date().toISOString().slice(0, 10);
    return { recorded: { kernel, iproute2, iptables, tcpdump, at, by: 'scripts/record-classes.ts (verify)' }, topology, count, scenarios };
  } finally {
    await net.destroy();
    await rm(dir, { recursive: true, force: true });
  }
}

async function recordVerify(): Promise<void> {
  const r = await runInUml({
    job: { kind: 'module', module: fileURLToPath(import.meta.url), export: 'recordVerifyClassesInGuest', input: { dir: OUT, root: ROOT } },
    timeoutMs: 300_000,
  });
  const out = r.output as { ok: boolean; value?: VerifyClassesFixture; error?: { message: string } } | undefined;
  if (!out?.ok || !out.value) throw new Error(`recording verify's captures in user-mode Linux failed: ${out?.error?.message ?? r.console.slice(-1500)}`);
  await writeFile(join(OUT, 'verify-classes.json'), JSON.stringify(out.value, null, 1) + '\n');
  for (const s of out.value.scenarios) console.log(`${s.name}: ${s.pings.map((p) => `${p.from}->${p.to}${p.marking ? ` tos ${p.marking.tos}` : ''} ${p.summary?.received ?? '?'}/${p.summary?.transmitted ?? '?'}`).join(', ')}`);
}

async function main(): Promise<void> {
  await mkdir(OUT, { recursive: true });
  await ensureUmlKernel((m) => console.log(m));
  if (process.argv[2] === 'verify') return recordVerify();
  const r = await runInUml({
    job: { kind: 'module', module: fileURLToPath(import.meta.url), export: 'recordClassesInGuest', input: { dir: OUT } },
    timeoutMs: 300_000,
  });
  const out = r.output as { ok: boolean; value?: ClassesFixture; error?: { message: string } } | undefined;
  if (!out?.ok || !out.value) throw new Error(`recording in user-mode Linux failed: ${out?.error?.message ?? r.console.slice(-1500)}`);
  await writeFile(join(OUT, 'classes.json'), JSON.stringify(out.value, null, 1) + '\n');
  for (const c of out.value.captures) console.log(`${c.file}: ${c.tcpdump}; ${c.pings.map((p) => `${p.from} tos ${p.tos} ${p.received}/${p.sent}`).join(', ')}`);
  await recordVerify();
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
