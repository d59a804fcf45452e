import { EnvironmentError } from '../core/errors.js';
import type { HostSpec, Topology } from '../core/topology.js';
import type { Host } from '../host/host.js';
import { CLASS_NETFILTER_MODULES, CLASS_TC_MODULES, classModules, policyRouting, type PolicyRoutingFacts } from '../probes/class-needs.js';
import { ProbeContext } from '../probes/context.js';
import type { ModuleFacts } from '../probes/modules.js';
import { iptablesLegacy, tc, type ToolFacts } from '../probes/tools.js';

/** What one host offers its own classes, as `check --classes` reads it. */
export interface ClassSupport {
  readonly policy: PolicyRoutingFacts;
  readonly iptables: ToolFacts;
  readonly netfilter: readonly ModuleFacts[];
  /** Read only where a class sets `tc:`. */
  readonly tc?: { readonly tool: ToolFacts; readonly modules: readonly ModuleFacts[] };
}

/**
 * What a host lacks for its classes, one phrase each; empty when `up` can go ahead. Only what
 * cannot work is named: a loadable module (up loads it) or one no source can tell about is not.
 */
export function classProblems(s: ClassSupport): string[] {
  const out: string[] = [];
  if (s.policy.option === 'n') out.push('policy routing (CONFIG_IP_MULTIPLE_TABLES is not set)');
  else if (s.policy.option === undefined && s.policy.rules && !s.policy.rules.ok) out.push(`policy routing (\`ip rule\` failed: ${s.policy.rules.error})`);
  if (!s.iptables.present) out.push('iptables-legacy (apt-get install iptables)');
  const missing = (ms: readonly ModuleFacts[]): string[] => ms.filter((m) => m.state === 'missing').map((m) => `module ${m.module} (${m.reason})`);
  out.push(...missing(s.netfilter));
  if (s.tc) {
    if (!s.tc.tool.present) out.push('tc (apt-get install iproute2), for tc:');
    out.push(...missing(s.tc.modules).map((m) => `${m}, for tc:`));
  }
  return out;
}

async function supportOn(host: Host, h: HostSpec): Promise<ClassSupport> {
  const ctx = new ProbeContext(host, { labels: [], classes: true });
  const withTc = (h.classes ?? []).some((c) => c.tc !== undefined);
  const [policy, iptables, netfilter, tool, tcModules] = await Promise.all([
    policyRouting(ctx), iptablesLegacy(ctx), classModules(ctx, CLASS_NETFILTER_MODULES),
    withTc ? tc(ctx) : undefined, withTc ? classModules(ctx, CLASS_TC_MODULES) : undefined,
  ]);
  if (!policy.asked || !netfilter.asked) throw new Error('class probes not asked');
  return { policy, iptables, netfilter: netfilter.modules, ...(tool && tcModules?.asked ? { tc: { tool, modules: tcModules.modules } } : {}) };
}

/**
 * `up`'s refusal before anything changes: every host with classes of its own must have what they
 * need. Throws EnvironmentError (exit 3) naming each missing piece per host.
 */
export async function requireClassSupport(t: Topology, hosts: ReadonlyMap<string, Host>): Promise<void> {
  const withClasses = t.hosts.filter((h) => (h.classes ?? []).length > 0 && hosts.has(h.name));
  const found = await Promise.all(withClasses.map(async (h) => [h.name, classProblems(await supportOn(hosts.get(h.name)!, h))] as const));
  const lacking = found.filter(([, p]) => p.length > 0);
  if (lacking.length) {
    throw new EnvironmentError(`the traffic classes cannot be set up: ${lacking.map(([n, p]) => `${n} lacks ${p.join('; ')}`).join('. ')}. Nothing was changed (mplsgre check --classes says more)`);
  }
}
