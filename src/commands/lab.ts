import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MplsgreError } from '../core/errors.js';
import { plan as makePlan } from '../core/planner.js';
import { loadTopology, type Topology } from '../core/topology.js';
import { applyPlan, type ApplyResult } from '../engine/apply.js';
import { removePlan, type RemoveResult } from '../engine/remove.js';
import { StateStore } from '../engine/state.js';
import { createLabNetwork, type LabNetwork } from '../engine/underlay.js';
import { verifyTopology, type VerifyResult } from '../engine/verify.js';
import { LocalHost } from '../host/local.js';
import { inSea, packageRoot, packageText } from '../host/paths.js';
import { runtimeDir } from '../host/runtime-dir.js';
import { hostForTarget } from '../host/targets.js';
import { ensureUmlKernel, runInUml } from '../host/uml.js';
import { ProbeContext } from '../probes/context.js';
import { kernelRelease } from '../probes/kernel.js';
import { moduleFacts } from '../probes/modules.js';
import { requireCaps } from './tunnel.js';

/** The embedded default topology (the seed setup) as a file, and how to drop it when done. */
export interface SeedFile {
  readonly file: string;
  readonly dispose: () => Promise<void>;
}

/**
 * The package's examples/seed.yaml; the single executable writes its copy to a temporary folder
 * (under /tmp, which a user-mode Linux guest shares) for the run's duration.
 */
export async function seedFile(): Promise<SeedFile> {
  if (!inSea()) return { file: join(packageRoot(), 'examples', 'seed.yaml'), dispose: async () => {} };
  const dir = await mkdtemp(join(tmpdir(), 'mplsgre-seed-'));
  const file = join(dir, 'seed.yaml');
  await writeFile(file, packageText('examples/seed.yaml'));
  return { file, dispose: () => rm(dir, { recursive: true, force: true }) };
}

export interface LabOptions {
  readonly file: string;
  readonly count: number;
  readonly keep: boolean;
  /** Run in user-mode Linux even when this kernel could do it. */
  readonly uml: boolean;
  readonly signal: AbortSignal;
  readonly progress: (ok: boolean, text: string) => void;
}

export interface LabResult {
  readonly ok: boolean;
  readonly where: 'host' | 'uml';
  readonly kernel: string | undefined;
  /** Why the lab ran in user-mode Linux. */
  readonly reason?: string;
  readonly namespaces?: Record<string, string>;
  readonly up?: ApplyResult;
  readonly verify?: VerifyResult;
  readonly down?: RemoveResult;
  /** Anything the lab could not remove: empty on every successful run. */
  readonly leftBehind: readonly string[];
  readonly error?: string;
  readonly durationMs: number;
}

const NEEDED = ['mpls_router', 'mpls_iptunnel', 'ip_gre'] as const;

/** Whether this kernel can do MPLS over GRE (each capability loaded, built in or loadable), and if not why. */
export async function kernelCanDoIt(): Promise<{ ok: boolean; release: string | undefined; reason: string }> {
  const ctx = new ProbeContext(new LocalHost(), { labels: [] });
  const [rel, ...facts] = await Promise.all([kernelRelease(ctx), ...NEEDED.map((m) => moduleFacts(ctx, m))]);
  const bad = facts.filter((f) => !['loaded', 'builtin', 'loadable'].includes(f.state));
  const nomod = bad.some((f) => f.noModuleSupport) ? ', and no module support' : '';
  return {
    ok: bad.length === 0,
    release: rel.release,
    reason: bad.length ? `no ${bad.map((f) => `${f.module} (${f.configOption}${f.state === 'unknown' ? ' unknown' : ''})`).join(', ')}${nomod}` : 'MPLS routing, MPLS encap and GRE available',
  };
}

const GUEST_PREFIX = '[mplsgre-lab] ';

/** `mplsgre lab`: the seed setup end to end on this machine, or in user-mode Linux where it cannot. */
export async function labCommand(opts: LabOptions): Promise<LabResult> {
  const topo = await loadTopology(opts.file);
  await requireCaps('lab', true);
  const can = await kernelCanDoIt();
  if (can.ok && !opts.uml) {
    opts.progress(true, `kernel ready (${can.release}: ${can.reason})`);
    return runLab(topo, opts, can.release);
  }
  const reason = opts.uml ? 'requested with --uml' : `this kernel ${can.release} has ${can.reason}`;
  const kernel = await ensureUmlKernel((m) => opts.progress(true, m));
  opts.progress(true, `kernel ready (user-mode Linux ${kernel.release}: ${reason})`);
  if (opts.keep) opts.progress(false, '--keep has no effect here: the namespaces live in the user-mode Linux guest and end with it');
  const dir = await mkdtemp(join(tmpdir(), 'mplsgre-lab-'));
  try {
    const resultFile = join(dir, 'result.json');
    // The guest runs this same CLI: the single executable is its own entry.
    const entry = inSea() ? [process.execPath] : [process.execPath, join(packageRoot(), 'bin', 'mplsgre.js')];
    const argv = [...entry, 'lab', opts.file, '--count', String(opts.count), '--inside-uml', resultFile];
    await runInUml({
      job: { kind: 'argv', argv },
      timeoutMs: 300_000,
      signal: opts.signal,
      onLine: (line) => {
        const at = line.indexOf(GUEST_PREFIX);
        if (at === -1) return;
        const text = line.slice(at + GUEST_PREFIX.length);
        opts.progress(!text.startsWith('✖'), text.replace(/^[✔✖] /, ''));
      },
    });
    const inner = JSON.parse(await readFile(resultFile, 'utf8').catch(() => 'null')) as LabResult | null;
    if (!inner) throw new MplsgreError('environment', 'the lab in user-mode Linux ended without a result');
    return { ...inner, where: 'uml', reason };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The guest side of a lab in user-mode Linux: progress to the console, the result to a file. */
export function guestProgress(ok: boolean, text: string): void {
  process.stderr.write(`${GUEST_PREFIX}${ok ? '✔' : '✖'} ${text}\n`);
}

function checkAbort(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
}

/** Namespaces, up, verify, down, namespaces gone: every exit path runs the teardown. */
export async function runLab(topo: Topology, opts: LabOptions, kernel: string | undefined): Promise<LabResult> {
  const started = performance.now();
  const stateDir = await mkdtemp(join(runtimeDir(), 'mplsgre-lab-state-'));
  const store = new StateStore(stateDir);
  let net: LabNetwork | undefined;
  let up: ApplyResult | undefined;
  let verify: VerifyResult | undefined;
  let down: RemoveResult | undefined;
  let error: string | undefined;
  const leftBehind: string[] = [];
  const [a, b] = topo.hosts;
  let teardown: (() => Promise<RemoveResult>) | undefined;
  try {
    net = await createLabNetwork(topo);
    opts.progress(true, `${a.name}, ${b.name} namespaces + underlay ${a.underlay} <-> ${b.underlay} (${[...net.namespaces.values()].join(', ')})`);
    checkAbort(opts.signal);
    const plan = makePlan(net.topology);
    const hosts = new Map(await Promise.all(net.topology.hosts.map(async (h) => [h.name, await hostForTarget(h.target)] as const)));
    teardown = () => removePlan(plan, hosts, store);
    up = await applyPlan(plan, hosts, store, { signal: opts.signal });
    if (!up.ok) {
      opts.progress(false, `up failed at ${up.failure?.step}: ${up.failure?.message}; rolled back ${up.rolledBack.length} steps`);
    } else {
      const per = plan.hosts.map((h) => h.steps.length);
      opts.progress(true, `up: ${topo.tunnel.name} on ${a.name} and ${b.name} (${per.join(' + ')} steps, ${up.changed} changed)`);
      checkAbort(opts.signal);
      verify = await verifyTopology(net.topology, hosts, { count: opts.count, interval: 0.01, mtu: true, signal: opts.signal, log: (line) => opts.progress(true, line) });
      for (const d of verify.directions) {
        const rtt = d.rttMs ? `, rtt ${d.rttMs.avg} ms` : '';
        const mtu = d.mtu?.largestPayload ? `, largest ping payload ${d.mtu.largestPayload} (tunnel mtu ${d.mtu.tunnelMtu})` : '';
        opts.progress(d.ok, `verify ${d.from}->${d.to}: ${d.received}/${d.sent} replies, ${d.ok ? `label ${d.label} inside GRE on the wire${rtt}${mtu}` : `${d.cause ?? d.stage}: ${d.explanation}${d.rootCause?.fix ? ` (fix: ${d.rootCause.fix})` : ''}`}`);
      }
    }
    if (!opts.keep) {
      checkAbort(opts.signal);
      down = await removePlan(plan, hosts, store);
      opts.progress(down.ok, down.ok ? `down: all removed, sysctls restored (${down.undone} undone)` : `down: ${down.steps.filter((s) => s.outcome === 'failed').map((s) => `${s.id}: ${s.detail}`).join('; ')}`);
    }
  } catch (err) {
    error = (err as Error).message;
    opts.progress(false, `lab stopped: ${error}`);
  } finally {
    // Interrupted between up and down: undo first, so modules loaded and sysctls written are restored.
    if (teardown && up?.ok && !down && !opts.keep) down = await teardown().catch(() => undefined);
    if (net && !opts.keep) leftBehind.push(...(await net.destroy()));
    else if (net) opts.progress(true, `kept: namespaces ${[...net.namespaces.values()].join(', ')} (ip netns delete NAME to remove)`);
    await rm(stateDir, { recursive: true, force: true });
  }
  const ok = !error && !!up?.ok && !!verify?.ok && (opts.keep || !!down?.ok) && leftBehind.length === 0;
  return {
    ok, where: 'host', kernel,
    ...(net ? { namespaces: Object.fromEntries(net.namespaces) } : {}),
    ...(up ? { up } : {}), ...(verify ? { verify } : {}), ...(down ? { down } : {}),
    leftBehind, ...(error ? { error } : {}),
    durationMs: Math.round(performance.now() - started),
  };
}
