import { access } from 'node:fs/promises';
import { now } from '../core/clock.js';
import { plan as makePlan, type HostPlan } from '../core/planner.js';
import { compareHost, hostState, readSpecOf, type HostStatus, type RecordedStep, type StatusReport } from '../core/status.js';
import { formatTarget, loadTopology, type Target, type Topology } from '../core/topology.js';
import type { Host } from '../host/host.js';
import { LocalHost } from '../host/local.js';
import { NetnsHost } from '../host/netns.js';
import type { SshExtras } from '../host/targets.js';
import { readTunnelState } from '../probes/tunnel-state.js';
import { localStateBackend, StateStore, type HostState } from '../engine/state.js';

export interface StatusOptions {
  readonly file: string;
  readonly ssh?: SshExtras;
  /** Where local and netns records are (default MPLSGRE_STATE_DIR or /run/mplsgre). */
  readonly stateDir?: string;
  /** Tests: the Host behind a target (default: local, netns or ssh as the topology says). */
  readonly hostFor?: (t: Target) => Promise<Host>;
  /** Tests: a fixed frame nonce, so a recorded read replays. */
  readonly nonce?: string;
}

/**
 * The Host behind a target, or why it cannot be reached. Unlike `up`, no separate reachability
 * probe: the one read is the probe, so an ssh host costs one remote command.
 */
async function openHost(t: Target, ssh: SshExtras): Promise<Host | { error: string }> {
  switch (t.kind) {
    case 'local':
      return new LocalHost();
    case 'netns':
      return (await access(`/run/netns/${t.name}`).then(() => true, () => false))
        ? new NetnsHost(t.name)
        : { error: `network namespace "${t.name}" does not exist` };
    case 'ssh': {
      const { SshHost, closeAtExit } = await import('../host/ssh.js');
      return closeAtExit(SshHost.fromTarget(t, ssh));
    }
  }
}

function parseRecord(text: string, path: string): HostState {
  const r = JSON.parse(text) as HostState;
  if (r === null || typeof r !== 'object' || !Array.isArray(r.steps)) throw new Error(`${path} is not a state record`);
  return r;
}

/**
 * `mplsgre status FILE`: what is in effect on each host against what `up` recorded there.
 * Read-only; one command per host (the records of local and netns hosts are files here).
 */
export async function statusCommand(opts: StatusOptions): Promise<StatusReport> {
  const started = now();
  const topology = await loadTopology(opts.file);
  const plan = makePlan(topology);
  const store = new StateStore(opts.stateDir);
  const hosts = await Promise.all(plan.hosts.map((hp) => hostStatus(topology, hp, store, opts)));
  const objects = hosts.flatMap((h) => h.objects);
  return {
    tunnel: topology.tunnel.name,
    file: opts.file,
    ok: hosts.every((h) => h.state === 'in effect'),
    hosts,
    counts: {
      inEffect: objects.filter((o) => o.state === 'in effect').length,
      missing: objects.filter((o) => o.state === 'missing').length,
      changed: objects.filter((o) => o.state === 'changed').length,
    },
    durationMs: Math.round(now() - started),
  };
}

async function hostStatus(t: Topology, hp: HostPlan, store: StateStore, opts: StatusOptions): Promise<HostStatus> {
  const target = formatTarget(hp.target);
  const path = store.path(t.tunnel.name, target);
  const base = { host: hp.name, target, objects: [], unrecorded: [], unplanned: [] };
  const host = opts.hostFor ? await opts.hostFor(hp.target) : await openHost(hp.target, opts.ssh ?? {});
  if ('error' in host) return { ...base, state: 'unreadable', error: host.error };
  const remote = host.remote === true;
  const [read, localText] = await Promise.all([
    readTunnelState(host, readSpecOf(t, hp), { ...(remote ? { recordPath: path } : {}), ...(opts.nonce ? { nonce: opts.nonce } : {}) }),
    remote ? Promise.resolve(undefined) : localStateBackend.read(path).catch((err: Error) => new Error(`cannot read the state record ${path}: ${err.message}`)),
  ]);
  if (localText instanceof Error) return { ...base, state: 'unreadable', error: localText.message };
  if (!read.ok) return { ...base, state: 'unreadable', error: read.error };
  const text = remote ? (read.record && 'text' in read.record ? read.record.text : undefined) : localText;
  if (text === undefined) return { ...base, state: 'not configured', error: `no record of an up on ${hp.name} (${path})` };
  let record: HostState;
  try {
    record = parseRecord(text, path);
  } catch (err) {
    return { ...base, state: 'unreadable', error: `the state record ${path} cannot be read: ${(err as Error).message}` };
  }
  const c = compareHost(t, hp, record.steps as readonly RecordedStep[], read.facts);
  return { ...base, ...c, state: hostState(c), recordedAt: record.updatedAt };
}
