import { EnvironmentError } from '../core/errors.js';
import { plan as makePlan, type Plan } from '../core/planner.js';
import { loadTopology, type Topology } from '../core/topology.js';
import type { Host } from '../host/host.js';
import { LocalHost } from '../host/local.js';
import { hostForTarget, type SshExtras } from '../host/targets.js';
import { formatTarget } from '../core/target.js';
import { ProbeContext } from '../probes/context.js';
import { CAP_NET_ADMIN, CAP_NET_RAW, hasCap, privileges } from '../probes/tools.js';

export interface Bound {
  readonly topology: Topology;
  readonly plan: Plan;
  readonly hosts: ReadonlyMap<string, Host>;
}

/** Refuses early, naming the capability, when this process cannot change networking. */
export async function requireCaps(what: string, raw = false): Promise<void> {
  const p = await privileges(new ProbeContext(new LocalHost(), { labels: [] }));
  if (p.capEff === undefined) return;
  const missing = [hasCap(p.capEff, CAP_NET_ADMIN) ? '' : 'CAP_NET_ADMIN', raw && !hasCap(p.capEff, CAP_NET_RAW) ? 'CAP_NET_RAW' : ''].filter(Boolean);
  if (missing.length) throw new EnvironmentError(`${what} needs ${missing.join(' and ')} (run as root); nothing was changed`);
}

/** How ssh targets are reached (`--ssh-config`). */
export type SshOptions = SshExtras;

/**
 * Loads the topology (usage errors first), plans it, and binds each host to its target. With
 * `caps`, this process's capabilities are checked before any host is contacted: exit 3 naming
 * the missing one, not a namespace or ssh error it would cause later.
 */
export async function bind(file: string | Topology, caps?: { command: string; raw?: boolean }, ssh: SshOptions = {}): Promise<Bound> {
  const topology = typeof file === 'string' ? await loadTopology(file) : file;
  if (caps) await requireCaps(caps.command, caps.raw);
  const plan = makePlan(topology);
  const settled = await Promise.allSettled(topology.hosts.map((h) => hostForTarget(h.target, ssh)));
  const failed = settled.flatMap((s, i) => (s.status === 'rejected' ? [{ host: topology.hosts[i]!.name, error: s.reason as unknown }] : []));
  if (failed.length) {
    // Every target that cannot be used is named in one error (an ssh host that answered closes at exit).
    const first = failed[0]!.error;
    if (failed.length === 1 || !failed.every((f) => f.error instanceof EnvironmentError)) throw first;
    throw new EnvironmentError(failed.map((f) => `hosts.${f.host}: ${(f.error as Error).message}`).join('; '), first);
  }
  const hosts = new Map(settled.map((s, i) => [topology.hosts[i]!.name, (s as PromiseFulfilledResult<Host>).value] as const));
  return { topology, plan, hosts };
}

/** The bound hosts keyed by their target as the state store names it (`ssh:root@b`, `netns:A`). */
export function hostsByTarget(b: Bound): ReadonlyMap<string, Host> {
  return new Map(b.topology.hosts.map((h) => [formatTarget(h.target), b.hosts.get(h.name)!]));
}
