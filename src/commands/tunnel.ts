import { EnvironmentError, UsageError } from '../core/errors.js';
import { plan as makePlan, type Plan } from '../core/planner.js';
import { loadTopology, type Topology } from '../core/topology.js';
import type { FileRead, Host } from '../host/host.js';
import { LocalHost } from '../host/local.js';
import { bindTarget, type SshExtras } from '../host/targets.js';
import { formatTarget } from '../core/target.js';
import { ProbeContext } from '../probes/context.js';
import { missingCaps, parseProcessStatus, privileges, PROCESS_STATUS } from '../probes/tools.js';

export interface Bound {
  readonly topology: Topology;
  readonly plan: Plan;
  readonly hosts: ReadonlyMap<string, Host>;
}

/** Refuses early, naming the capability, when this process cannot change networking. */
export async function requireCaps(what: string, raw = false): Promise<void> {
  const p = await privileges(new ProbeContext(new LocalHost(), { labels: [] }));
  const missing = missingCaps(p.capEff, raw);
  if (missing.length) throw new EnvironmentError(`${what} needs ${missing.join(' and ')} (run as root); nothing was changed`);
}

/**
 * Refuses, naming each ssh host and what it lacks, when the remote user cannot change networking
 * there: its /proc/self/status, read by the command that proved the host answers.
 */
function requireRemoteCaps(what: string, raw: boolean, remote: readonly { host: Host; files: readonly FileRead[] }[]): void {
  const lacking = remote.flatMap(({ host, files }) => {
    const status = files.find((f) => f.path === PROCESS_STATUS);
    const p = parseProcessStatus(status?.ok ? status.data.toString('utf8') : undefined);
    const missing = missingCaps(p.capEff, raw);
    const who = p.uid === undefined ? 'the login there' : `the login there, uid ${p.uid},`;
    return missing.length ? [`${missing.join(' and ')} on ${host.name} (${who} lacks it${p.uid === 0 ? '' : ': log in as root'})`] : [];
  });
  if (lacking.length) throw new EnvironmentError(`${what} needs ${lacking.join('; ')}; nothing was changed`);
}

/** How ssh targets are reached (`--ssh-config`). */
export type SshOptions = SshExtras;

/**
 * Loads the topology (usage errors first), plans it, and binds each host to its target. With
 * `caps`, capabilities are checked where the changes happen: this process's, before any host is
 * contacted, when a target is local or a namespace here (exit 3 naming the missing one, not a
 * namespace error it would cause later); an ssh target's remote user's, read by the same remote
 * command that proves the host answers, before anything is changed.
 */
export async function bind(file: string | Topology, caps?: { command: string; raw?: boolean }, ssh: SshOptions = {}, only?: string): Promise<Bound> {
  const topology = typeof file === 'string' ? await loadTopology(file) : file;
  if (only !== undefined) hostNamed(topology, only, '--host');
  // One end only (`--host`, as the boot unit runs it): the other host is never contacted.
  const ends = topology.hosts.filter((h) => only === undefined || h.name === only);
  if (caps && ends.some((h) => h.target.kind !== 'ssh')) await requireCaps(caps.command, caps.raw);
  const full = makePlan(topology);
  const plan = only === undefined ? full : { ...full, hosts: full.hosts.filter((h) => h.name === only) };
  const read = caps ? [PROCESS_STATUS] : [];
  const settled = await Promise.allSettled(ends.map((h) => bindTarget(h.target, ssh, h.target.kind === 'ssh' ? read : [])));
  const failed = settled.flatMap((s, i) => (s.status === 'rejected' ? [{ host: ends[i]!.name, error: s.reason as unknown }] : []));
  if (failed.length) {
    // Every target that cannot be used is named in one error (an ssh host that answered closes at exit).
    const first = failed[0]!.error;
    if (failed.length === 1 || !failed.every((f) => f.error instanceof EnvironmentError)) throw first;
    throw new EnvironmentError(failed.map((f) => `hosts.${f.host}: ${(f.error as Error).message}`).join('; '), first);
  }
  const bound = settled.map((s) => (s as PromiseFulfilledResult<{ host: Host; files: readonly FileRead[] }>).value);
  if (caps) requireRemoteCaps(caps.command, caps.raw ?? false, bound.filter((_, i) => ends[i]!.target.kind === 'ssh'));
  const hosts = new Map(bound.map((b, i) => [ends[i]!.name, b.host] as const));
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
