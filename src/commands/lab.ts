import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MplsgreError } from '../core/errors.js';
import { plan as makePlan } from '../core/planner.js';
import { loadTopology, type Topology } from '../core/topology.js';
import { applyPlan, type ApplyResult } from '../engine/apply.js';
import { removePlan, type RemoveResult } from '../engine/remove.js';
import { StateStore } from '../engine/state.js';
import { createLabNetwork, type LabNetwork } from '../engine/underlay.js';
import { verifyTopology, type ClassResult, type DirectionResult, type VerifyResult } from '../engine/verify.js';
import { LocalHost } from '../host/local.js';
import { inSea, packageRoot, packageText } from '../host/paths.js';
import { runtimeDir } from '../host/runtime-dir.js';
import { hostForTarget } from '../host/targets.js';
import { ensureUmlKernel, runInUml } from '../host/uml.js';
import { guestChannel } from '../host/uml-channel.js';
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
  /** Each step as data; the CLI renders it (src/report/lab-text.ts). */
  readonly progress: (event: LabEvent) => void;
}

/**
 * What the lab reports as it goes: data, rendered once by whoever shows it. A lab in user-mode
 * Linux sends these over the guest's data channel, followed by one `result` record.
 */
export type LabEvent =
  | { readonly kind: 'setup'; readonly text: string }
  | { readonly kind: 'kernel'; readonly where: 'host' | 'uml'; readonly release: string | undefined; readonly reason: string }
  | { readonly kind: 'keep-ignored' }
  | { readonly kind: 'namespaces'; readonly hosts: readonly [string, string]; readonly underlay: readonly [string, string]; readonly namespaces: readonly string[] }
  | { readonly kind: 'up'; readonly ok: boolean; readonly tunnel: string; readonly hosts: readonly [string, string]; readonly steps: readonly number[]; readonly changed: number; readonly failure?: { readonly step: string; readonly message: string }; readonly rolledBack: number }
  | { readonly kind: 'verify-log'; readonly text: string }
  | { readonly kind: 'direction'; readonly direction: DirectionResult }
  | { readonly kind: 'class'; readonly class: ClassResult }
  | { readonly kind: 'down'; readonly ok: boolean; readonly undone: number; readonly failed: readonly { readonly id: string; readonly detail: string }[] }
  | { readonly kind: 'stopped'; readonly error: string }
  | { readonly kind: 'kept'; readonly namespaces: readonly string[] }
  /** Cleanup after a stop or at the end: what was removed, and what could not be. */
  | { readonly kind: 'cleanup'; readonly removed: readonly string[]; readonly leftBehind: readonly string[] };

/** A guest's record on the data channel: a step, or the lab's result. */
export type LabRecord = { readonly kind: 'event'; readonly event: LabEvent } | { readonly kind: 'result'; readonly result: LabResult };

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

/** `mplsgre lab`: the seed setup end to end on this machine, or in user-mode Linux where it cannot. */
export async function labCommand(opts: LabOptions): Promise<LabResult> {
  const topo = await loadTopology(opts.file);
  await requireCaps('lab', true);
  const can = await kernelCanDoIt();
  if (can.ok && !opts.uml) {
    opts.progress({ kind: 'kernel', where: 'host', release: can.release, reason: can.reason });
    return runLab(topo, opts, can.release);
  }
  const reason = opts.uml ? 'requested with --uml' : `this kernel ${can.release} has ${can.reason}`;
  const kernel = await ensureUmlKernel((text) => opts.progress({ kind: 'setup', text }));
  opts.progress({ kind: 'kernel', where: 'uml', release: kernel.release, reason });
  if (opts.keep) opts.progress({ kind: 'keep-ignored' });
  const dir = await mkdtemp(join(tmpdir(), 'mplsgre-lab-'));
  let inner: LabResult | undefined;
  let stopped = false;
  try {
    // The guest runs this same CLI: the single executable is its own entry.
    const entry = inSea() ? [process.execPath] : [process.execPath, join(packageRoot(), 'bin', 'mplsgre.js')];
    const argv = [...entry, 'lab', opts.file, '--count', String(opts.count), '--inside-uml'];
    await runInUml({
      job: { kind: 'argv', argv },
      timeoutMs: 300_000,
      signal: opts.signal,
      onRecord: (value) => {
        const rec = value as LabRecord;
        if (rec.kind === 'event') opts.progress(rec.event);
        else if (rec.kind === 'result') inner = rec.result;
      },
    });
    if (!inner) throw new MplsgreError('environment', 'the lab in user-mode Linux ended without a result');
    return { ...inner, where: 'uml', reason };
  } catch (err) {
    stopped = true;
    throw err;
  } finally {
    await rm(dir, { recursive: true, force: true });
    // Stopped: the guest was killed, and everything it created (namespaces, tunnel, modules) with it.
    if (stopped) opts.progress({ kind: 'cleanup', removed: ['the user-mode Linux guest, with its namespaces and tunnel', `its temporary folder ${dir}`], leftBehind: [] });
  }
}

/** The guest side of a lab in user-mode Linux: runs it, sends each step and then the result over the data channel. */
export async function guestLab(file: string, count: number, signal: AbortSignal): Promise<LabResult> {
  const channel = guestChannel();
  if (!channel) throw new MplsgreError('environment', '--inside-uml runs only inside the user-mode Linux guest that `mplsgre lab` starts');
  try {
    const r = await runLab(await loadTopology(file), { file, count, keep: false, uml: false, signal, progress: (event) => channel.write({ kind: 'event', event } satisfies LabRecord) }, undefined);
    const result = { ...r, kernel: process.getBuiltinModule('node:os').release() };
    channel.write({ kind: 'result', result } satisfies LabRecord);
    return result;
  } finally {
    channel.close();
  }
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
    opts.progress({ kind: 'namespaces', hosts: [a.name, b.name], underlay: [a.underlay, b.underlay], namespaces: [...net.namespaces.values()] });
    checkAbort(opts.signal);
    const plan = makePlan(net.topology);
    const hosts = new Map(await Promise.all(net.topology.hosts.map(async (h) => [h.name, await hostForTarget(h.target)] as const)));
    teardown = () => removePlan(plan, hosts, store);
    up = await applyPlan(plan, hosts, store, { signal: opts.signal });
    const upEvent = { kind: 'up', ok: up.ok, tunnel: topo.tunnel.name, hosts: [a.name, b.name], steps: plan.hosts.map((h) => h.steps.length), changed: up.changed, rolledBack: up.rolledBack.length } as const;
    opts.progress(up.failure ? { ...upEvent, failure: { step: up.failure.step, message: up.failure.message } } : upEvent);
    if (up.ok) {
      checkAbort(opts.signal);
      verify = await verifyTopology(net.topology, hosts, { count: opts.count, interval: 0.01, mtu: true, signal: opts.signal, log: (text) => opts.progress({ kind: 'verify-log', text }) });
      for (const direction of verify.directions) opts.progress({ kind: 'direction', direction });
      for (const c of verify.classes ?? []) opts.progress({ kind: 'class', class: c });
    }
    if (!opts.keep) {
      checkAbort(opts.signal);
      down = await removePlan(plan, hosts, store);
      opts.progress({ kind: 'down', ok: down.ok, undone: down.undone, failed: down.steps.filter((s) => s.outcome === 'failed').map((s) => ({ id: s.id, detail: s.detail ?? '' })) });
    }
  } catch (err) {
    error = (err as Error).message;
    opts.progress({ kind: 'stopped', error });
  } finally {
    const removed: string[] = [];
    // Interrupted between up and down: undo first, so modules loaded and sysctls written are restored.
    if (teardown && up?.ok && !down && !opts.keep) {
      down = await teardown().catch((err: unknown) => {
        leftBehind.push(`${topo.tunnel.name}: ${(err as Error).message}`);
        return undefined;
      });
      if (down?.ok) removed.push(`${topo.tunnel.name} (${down.undone} step(s) undone, sysctls restored)`);
      else if (down) leftBehind.push(...down.steps.filter((s) => s.outcome === 'failed').map((s) => `${s.id}: ${s.detail ?? ''}`));
    }
    if (net && !opts.keep) {
      const left = await net.destroy();
      leftBehind.push(...left);
      removed.push(...[...net.namespaces.values()].filter((n) => !left.some((l) => l.startsWith(`${n}:`))).map((n) => `namespace ${n}`));
    } else if (net) opts.progress({ kind: 'kept', namespaces: [...net.namespaces.values()] });
    await rm(stateDir, { recursive: true, force: true });
    if (error !== undefined || removed.length || leftBehind.length) opts.progress({ kind: 'cleanup', removed, leftBehind });
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
