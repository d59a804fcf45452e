import { EnvironmentError, UsageError } from '../core/errors.js';
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
export async function bind(file: string | Topology, caps?: { command: string; raw?: boolean }, ssh: SshOptions = {}, only?: string): Promise<Bound> {
  const topology = typeof file === 'string' ? await loadTopology(file) : file;
  if (only !== undefined) hostNamed(topology, only, '--host');
  if (caps) await requireCaps(caps.command, caps.raw);
  const full = makePlan(topology);
  // One end only (`--host`, as the boot unit runs it): the other host is never contacted.
  const plan = only === undefined ? full : { ...full, hosts: full.hosts.filter((h) => h.name === only) };
  const ends = topology.hosts.filter((h) => only === undefined || h.name === only);
  const hosts = new Map(await Promise.all(ends.map(async (h) => [h.name, await hostForTarget(h.target, ssh)] as const)));
  return { topology, plan, hosts };
}

/** The topology's host called `name`, or a usage error on `field` listing the names it has. */
export function hostNamed(topology: Topology, name: string, field: string): Topology['hosts'][number] {
  const h = topology.hosts.find((x) => x.name === name);
  if (!h) throw new UsageError(field, `no host "${name.slice(0, 64)}" in the topology (hosts: ${topology.hosts.map((x) => x.name).join(', ')})`);
  return h;
}

/** The bound hosts keyed by their target as the state store names it (`ssh:root@b`, `netns:A`). */
export function hostsByTarget(b: Bound): ReadonlyMap<string, Host> {
  return new Map(b.topology.hosts.filter((h) => b.hosts.has(h.name)).map((h) => [formatTarget(h.target), b.hosts.get(h.name)!]));
}
