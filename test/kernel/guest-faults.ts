import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { plan as makePlan, type Plan } from '../../src/core/planner.js';
import { parseTopology } from '../../src/core/topology.js';
import { applyPlan } from '../../src/engine/apply.js';
import { removePlan } from '../../src/engine/remove.js';
import { StateStore } from '../../src/engine/state.js';
import { createLabNetwork, type LabNetwork } from '../../src/engine/underlay.js';
import type { Host } from '../../src/host/host.js';
import { NetnsHost } from '../../src/host/netns.js';
import { execLocal } from '../../src/host/spawn.js';
import { doArgv, FAULT_KINDS, FaultyHost, mutatingArgvs, type FaultKind } from '../support/faulty-host.js';
import { differences, hostSnapshot, settled, type HostSnapshot } from './snapshot.js';
import { SEED } from './guest-tunnel.js';

export interface FaultCase {
  readonly host: string;
  readonly k: number;
  readonly kind: FaultKind | 'sigkill-before' | 'sigkill-after';
  /** The command the fault hit. */
  readonly argv: readonly string[];
  /** What `up` returned (or the killed CLI's exit), then for SIGKILL the next up and down. */
  readonly outcome: string;
  /** Differences from the snapshot taken before: empty when restored exactly. */
  readonly diff: readonly string[];
  /** State files left for the tunnel after the case. */
  readonly stateLeft: readonly string[];
}

export interface FaultReport {
  /** Mutating commands `up` runs per host from a clean start. */
  readonly steps: { readonly coldA: number; readonly A: number; readonly B: number; readonly moduleLoads: number };
  readonly cleanRunDiff: readonly string[];
  readonly cases: readonly FaultCase[];
  readonly cliCases: readonly FaultCase[];
  readonly netnsLeft: string;
  readonly seconds: { inProcess: number; cli: number };
}

/** The sysctls and modules a plan touches: what a snapshot must hold besides links, addresses and routes. */
export function touched(plan: Plan): { sysctls: string[]; modules: string[] } {
  const sysctls = new Set<string>();
  const modules = new Set<string>(['gre']); // ip_gre's dependency, loaded and unloaded with it
  for (const s of plan.hosts.flatMap((h) => h.steps)) {
    if (s.do.kind === 'sysctl-write') sysctls.add(s.do.key);
    if (s.do.kind === 'modprobe') modules.add(s.do.module);
    const argv = doArgv(s);
    if (argv[0] === 'sysctl' && argv[1] === '-w') sysctls.add(argv[2]!.split('=')[0]!);
  }
  return { sysctls: [...sysctls].sort(), modules: [...modules].sort() };
}

/** One pair of namespaces with the seed's underlay, and what both look like before anything runs. */
interface Pair {
  readonly net: LabNetwork;
  readonly plan: Plan;
  readonly file: string;
  readonly before: Record<string, HostSnapshot>;
  snap(): Promise<Record<string, HostSnapshot>>;
}

/** createLabNetwork's commands have 10 s each: a loaded guest, still freeing a deleted namespace, can take longer. */
async function labNetwork(): Promise<LabNetwork> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await createLabNetwork(parseTopology(SEED));
    } catch (err) {
      if (attempt === 3) throw err;
      await new Promise((r) => setTimeout(r, 5_000));
    }
  }
}

async function pair(dir: string): Promise<Pair> {
  const net = await labNetwork();
  const plan = makePlan(net.topology);
  const { sysctls, modules } = touched(plan);
  const names = [...net.namespaces.entries()];
  // rp_filter strict on A: `up` writes 2 there and must restore 1.
  await execLocal('ip', ['netns', 'exec', names[0]![1], 'sysctl', '-qw', 'net.ipv4.conf.all.rp_filter=1'], { timeoutMs: 10_000 });
  await Promise.all(names.map(([, ns]) => settled(ns)));
  const snap = async (): Promise<Record<string, HostSnapshot>> =>
    Object.fromEntries(await Promise.all(names.map(async ([h, ns]) => [h, await hostSnapshot(ns, sysctls, modules)] as const)));
  const file = join(dir, `seed-${net.id}.yaml`);
  let text = SEED;
  for (const [, ns] of names) text = text.replace(/target: local/, `target: netns:${ns}`);
  await writeFile(file, text);
  return { net, plan, file, before: await snap(), snap };
}

const stateFiles = async (dir: string): Promise<string[]> => (await readdir(dir).catch(() => [] as string[]));

const MODULES = ['mpls_router', 'mpls_iptunnel', 'ip_gre', 'mpls_gso'];

export interface CampaignInput {
  readonly root: string;
  /** Fault kinds for commands run with the modules already loaded (every k, both hosts). */
  readonly warmKinds?: readonly FaultKind[];
  /** Fault kinds for the module loads (the first commands on A when no module is loaded). */
  readonly coldKinds?: readonly FaultKind[];
  /** SIGKILL cases through the real CLI, modules loaded; k counts that host's mutating commands. */
  readonly cliCases?: readonly { host: string; k: number; when: 'before' | 'after' }[] | 'sample';
  /** Only these in-process cases (host#k), when given. */
  readonly only?: readonly string[];
  /** In-process cases on these hosts only, when given (the campaign split across guests). */
  readonly hosts?: readonly string[];
}

/**
 * Runs inside user-mode Linux. For every mutating command `up` runs on either host, and each
 * fault kind, in process through the engine: that command goes wrong, and both hosts must end
 * exactly as they began with no state recorded. Module loads are faulted with no module loaded
 * ("cold"); every other command with the modules loaded ("warm", where they are `already`), as
 * on a host that ran MPLS before. Then the real CLI killed by SIGKILL at a command: the next
 * `up` completes and the next `down` brings both hosts back exactly.
 */
export async function faultCampaign(input: CampaignInput): Promise<FaultReport> {
  await execLocal('modprobe', ['ipv6'], { timeoutMs: 10_000 });
  const dir = await mkdtemp(join(tmpdir(), 'mplsgre-faults-'));
  const started = performance.now();
  let p = await pair(dir);
  const hostsFor = (faulty: Map<string, FaultyHost>): Map<string, Host> => new Map([...p.net.namespaces].map(([h, ns]) => [h, faulty.get(h) ?? new NetnsHost(ns)]));
  const unloadModules = (): Promise<unknown> => execLocal('modprobe', ['-r', '-a', ...MODULES], { timeoutMs: 20_000 });
  const loadModules = async (): Promise<void> => {
    for (const m of MODULES) await execLocal('modprobe', [m], { timeoutMs: 20_000 });
  };
  let warm = false;
  const fresh = async (): Promise<void> => {
    await p.net.destroy();
    await unloadModules();
    if (warm) await loadModules();
    p = await pair(dir);
  };

  // A clean up and down, counting the mutating commands per host.
  const cleanRun = async (): Promise<{ steps: Record<string, number>; diff: string[] }> => {
    const counters = new Map([...p.net.namespaces].map(([h, ns]) => [h, new FaultyHost(new NetnsHost(ns), mutatingArgvs(p.plan))]));
    const store = new StateStore(join(dir, `state-clean-${warm}`));
    await applyPlan(p.plan, hostsFor(counters), store);
    const steps = Object.fromEntries([...counters].map(([h, c]) => [h, c.mutations]));
    await removePlan(p.plan, hostsFor(counters), store);
    return { steps, diff: differences(p.before, await p.snap()) };
  };
  const cold = await cleanRun();

  const cases: FaultCase[] = [];
  let n = 0;
  const inject = async (h: string, k: number, kind: FaultKind): Promise<void> => {
    if (input.only && !input.only.includes(`${h}#${k}`)) return;
    if (input.hosts && !input.hosts.includes(h)) return;
    const storeDir = join(dir, `state-${n++}`);
    const store = new StateStore(storeDir);
    const faulty = new FaultyHost(new NetnsHost(p.net.namespaces.get(h)!), mutatingArgvs(p.plan), { at: k, kind });
    const hosts = hostsFor(new Map([[h, faulty]]));
    const r = await applyPlan(p.plan, hosts, store);
    let outcome = r.ok ? 'up ok' : `up failed at ${r.failure?.step}, ${r.rolledBack.filter((s) => s.outcome === 'undone').length} undone, ${r.rolledBack.filter((s) => s.outcome === 'failed').length} undo failures`;
    // A fault on an optional step is absorbed: `up` succeeds, and `down` must then restore.
    if (r.ok) {
      const d = await removePlan(p.plan, hosts, store);
      outcome += `; down ${d.ok ? 'ok' : 'failed'}`;
    }
    const diff = differences(p.before, await p.snap());
    cases.push({ host: h, k, kind, argv: faulty.faulted ?? [], outcome, diff, stateLeft: await stateFiles(storeDir) });
    // A host not restored would spoil every later case: start again from a fresh pair.
    if (diff.length) await fresh();
  };

  // Cold: no module loaded; A's first commands load them.
  await loadModules();
  warm = true;
  p = { ...p, before: await p.snap() };
  const warmRun = await cleanRun();
  const moduleLoads = cold.steps.A! - warmRun.steps.A!;
  warm = false;
  await unloadModules();
  p = { ...p, before: await p.snap() };
  for (let k = 1; k <= moduleLoads; k++) for (const kind of input.coldKinds ?? FAULT_KINDS) await inject('A', k, kind);

  // Warm: modules loaded, every other command on both hosts.
  await loadModules();
  warm = true;
  p = { ...p, before: await p.snap() };
  for (const h of p.net.namespaces.keys()) {
    for (let k = 1; k <= warmRun.steps[h]!; k++) for (const kind of input.warmKinds ?? FAULT_KINDS) await inject(h, k, kind);
  }
  const inProcess = (performance.now() - started) / 1000;

  // The real CLI, killed by SIGKILL at its k-th mutating command; then up, then down.
  const cliStarted = performance.now();
  const cliCases: FaultCase[] = [];
  const preload = pathToFileURL(join(input.root, 'dist', 'test', 'support', 'kill-at.js')).href;
  const bin = join(input.root, 'bin', 'mplsgre.js');
  // The sample: just after every command on A; on B the first, middle and last; and two kills just before a command.
  const B = warmRun.steps.B!;
  const sample = [
    ...Array.from({ length: warmRun.steps.A! }, (_, i) => ({ host: 'A', k: i + 1, when: 'after' as const })),
    ...[...new Set([1, Math.ceil(B / 2), B])].map((k) => ({ host: 'B', k, when: 'after' as const })),
    { host: 'A', k: 2, when: 'before' as const }, { host: 'B', k: 3, when: 'before' as const },
  ];
  for (const c of input.cliCases === 'sample' ? sample : input.cliCases ?? []) {
    const storeDir = join(dir, `cli-state-${n++}`);
    const env = { MPLSGRE_STATE_DIR: storeDir };
    // A's commands all run before B's.
    const at = c.host === 'A' ? c.k : warmRun.steps.A! + c.k;
    const killed = await execLocal(process.execPath, ['--import', preload, bin, 'up', p.file, '--json'], {
      timeoutMs: 120_000,
      env: { ...env, MPLSGRE_TEST_KILL_AT: String(at), MPLSGRE_TEST_KILL_WHEN: c.when, MPLSGRE_TEST_MUTATING: JSON.stringify([...mutatingArgvs(p.plan)]) },
    });
    const up = await execLocal(process.execPath, [bin, 'up', p.file, '--json'], { timeoutMs: 120_000, env });
    const down = await execLocal(process.execPath, [bin, 'down', p.file, '--json'], { timeoutMs: 120_000, env });
    const diff = differences(p.before, await p.snap());
    cliCases.push({
      host: c.host, k: c.k, kind: c.when === 'before' ? 'sigkill-before' : 'sigkill-after', argv: [],
      outcome: `killed: ${killed.signal ?? `exit ${killed.exitCode}`}; up: exit ${up.exitCode}; down: exit ${down.exitCode}${up.exitCode ? ` ${up.stdout.slice(0, 400)}` : ''}${down.exitCode ? ` ${down.stdout.slice(0, 400)}` : ''}`,
      diff, stateLeft: (await stateFiles(storeDir)).filter((f) => !f.endsWith('.tmp')),
    });
    if (diff.length) await fresh();
  }
  const cli = (performance.now() - cliStarted) / 1000;
  await p.net.destroy();
  await unloadModules();
  await rm(dir, { recursive: true, force: true });
  const left = await execLocal('ip', ['netns', 'list'], { timeoutMs: 5_000 });
  return {
    steps: { coldA: cold.steps.A!, A: warmRun.steps.A!, B: warmRun.steps.B!, moduleLoads },
    cleanRunDiff: [...cold.diff, ...warmRun.diff], cases, cliCases, netnsLeft: left.stdout.trim(), seconds: { inProcess, cli },
  };
}

/**
 * The whole campaign, in two guests that run at once (a guest keeps one core busy): every
 * mutating command on A with every fault kind in one; every one on B, then SIGKILL just after
 * every command on A, a sample on B (first, middle, last) and two kills just before a command,
 * in the other. Each guest counts the commands itself.
 */
export const faultCampaignA = (input: { root: string }): Promise<FaultReport> =>
  faultCampaign({ ...input, hosts: ['A'], cliCases: [] });
export const faultCampaignBAndKills = (input: { root: string }): Promise<FaultReport> =>
  faultCampaign({ ...input, hosts: ['B'], cliCases: 'sample' });

/** Two cases the engine got wrong before it recorded each change ahead of running it. */
export const faultDemo = (input: { root: string }): Promise<FaultReport> =>
  faultCampaign({ ...input, only: ['A#2'], coldKinds: [], warmKinds: ['times-out-after-change'], cliCases: [{ host: 'A', k: 2, when: 'after' }] });
