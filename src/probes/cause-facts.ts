import { isIP } from 'node:net';
import { causeById } from '../causes/index.js';
import type { CauseId } from '../causes/ids.js';
import { netfilterModulesOf } from '../causes/lib/netfilter.js';
import { safeIfName, tunnelsOf } from '../causes/lib/tunnels.js';
import type { FactNeed, HostFacts, LinkFacts, Reading, Subject } from '../causes/types.js';
import { mangleRules, parseRules, parseTableRoutes } from '../diagnose/class-readings.js';
import { mplsRouteLabels, mplsStatsOf, neighState, routeCount, routeDev } from '../diagnose/ip-json.js';
import { parseLinks } from '../diagnose/tunnels.js';
import type { ProbeContext } from './context.js';
import { moduleFacts, type ModuleFacts } from './modules.js';
import { countersArgv } from './mpls-counters.js';
import { interfaceFacts, readSysctl, type InterfaceFacts, type SysctlValue } from './sysctl.js';
import { privileges } from './tools.js';

const safeAddress = (a: string | undefined): string | undefined => (a !== undefined && isIP(a) !== 0 ? a : undefined);
const safePrefix = (p: string | undefined): string | undefined =>
  p !== undefined && (p === 'default' || /^[0-9a-fA-F.:]{2,39}(\/\d{1,3})?$/.test(p)) ? p : undefined;

/** /proc/net/netstat: `TcpExt: names` then `TcpExt: values`; one counter by name. */
export function netstatCounter(text: string, group: string, name: string): number | undefined {
  const lines = text.split('\n').filter((l) => l.startsWith(`${group}:`));
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const names = lines[i]!.split(/\s+/).slice(1);
    const values = lines[i + 1]!.split(/\s+/).slice(1);
    const at = names.indexOf(name);
    if (at !== -1 && values[at] !== undefined && /^\d+$/.test(values[at]!)) return Number(values[at]);
  }
  return undefined;
}

/** Labels pushed by `encap mpls A/B` in `ip route show` text. */
export function pushedLabelsOf(text: string): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(/\bencap mpls\s+([0-9/]+)/g)) for (const l of m[1]!.split('/')) if (l) out.push(Number(l));
  return [...new Set(out)];
}

interface Plan {
  modules: Set<string>;
  platformLabels: boolean;
  named: Set<string>;
  namedConf: Set<string>;
  links: boolean;
  tunnels: boolean;
  tunnelInput: boolean;
  tunnelStats: boolean;
  tunnelIfaces: boolean;
  rpFilter: boolean;
  mplsRoutes: boolean;
  pushed: boolean;
  routes: Set<string>;
  reach: Set<string>;
  tunnelReach: boolean;
  privileges: boolean;
  policyRules: boolean;
  /** The prefix whose routes are read in every table. */
  overlayRoutes?: string;
  mangle: boolean;
}

/** What to read for the needs of the candidates (each cause's `reads`), about this subject. */
export function planFor(needs: Iterable<FactNeed>, s: Subject): Plan {
  const p: Plan = {
    modules: new Set(), platformLabels: false, named: new Set(), namedConf: new Set(), links: false, tunnels: false,
    tunnelInput: false, tunnelStats: false, tunnelIfaces: false, rpFilter: false, mplsRoutes: false, pushed: false,
    routes: new Set(), reach: new Set(), tunnelReach: false, privileges: false, policyRules: false, mangle: false,
  };
  const iface = safeIfName(s.iface);
  for (const need of needs) {
    switch (need) {
      case 'platform-labels':
        p.platformLabels = true;
        break;
      case 'module:mpls_router':
      case 'module:mpls_iptunnel':
      case 'module:ip_gre':
        p.modules.add(need.slice('module:'.length));
        break;
      case 'named-interface':
        if (iface) p.named.add(iface);
        break;
      case 'named-conf':
        if (iface) p.namedConf.add(iface);
        break;
      case 'links':
        p.links = true;
        break;
      case 'tunnels':
        p.tunnels = true;
        break;
      case 'tunnel-interfaces':
        p.tunnelIfaces = true;
        break;
      case 'tunnel-input':
        p.tunnelInput = true;
        break;
      case 'tunnel-counters':
        p.tunnelStats = true;
        break;
      case 'tunnel-reach':
        p.tunnelReach = true;
        break;
      case 'rp-filter':
        p.rpFilter = true;
        break;
      case 'mpls-routes':
        p.mplsRoutes = true;
        break;
      case 'pushed-labels':
        p.pushed = true;
        break;
      case 'subject-routes': {
        const prefix = safePrefix(s.prefix);
        if (s.command?.kind === 'mpls-route') p.mplsRoutes = true;
        else if (prefix) p.routes.add(prefix);
        break;
      }
      case 'subject-reach': {
        const a = safeAddress(s.address);
        if (a) p.reach.add(a);
        else p.tunnelReach = true;
        break;
      }
      case 'privileges':
        p.privileges = true;
        break;
      case 'policy-rules':
        p.policyRules = true;
        break;
      case 'overlay-routes': {
        const prefix = safePrefix(s.prefix);
        if (prefix && prefix !== 'default') p.overlayRoutes = prefix;
        break;
      }
      case 'mangle':
        p.mangle = true;
        break;
      case 'netfilter-modules':
        for (const m of netfilterModulesOf(s.command?.argv ?? [], s.module)) p.modules.add(m);
        break;
    }
  }
  // Which tunnels: the one named (--iface, or the command's device), else every configured one.
  if (p.tunnels && !(safeIfName(s.givenIface) ?? (s.command?.kind === 'ping' ? undefined : iface))) p.links = true;
  if (p.tunnelReach) p.links = true;
  return p;
}

/** Every fact the candidates read. */
export const needsOf = (causes: readonly CauseId[]): Set<FactNeed> => new Set(causes.flatMap((c) => causeById(c).reads));

async function runIp(ctx: ProbeContext, args: string[], timeoutMs = 5_000): Promise<Reading<string>> {
  const source = ['ip', ...args].join(' ');
  const r = await ctx.exec('ip', args, { timeoutMs });
  if (r.failed) return { source, error: (r.stderr.trim() || r.spawnError || `exit ${r.exitCode}`).split('\n')[0]! };
  return { source, value: r.stdout };
}

/** `iptables-legacy-save -t mangle`: a host without it (or without the mangle table) gives a reading with the error. */
async function runMangleSave(ctx: ProbeContext, timeoutMs = 5_000): Promise<Reading<string>> {
  const args = ['-t', 'mangle'];
  const source = ['iptables-legacy-save', ...args].join(' ');
  let r;
  try {
    r = await ctx.exec('iptables-legacy-save', args, { timeoutMs });
  } catch (err) {
    return { source, error: (err as Error).message };
  }
  if (r.failed) return { source, error: (r.stderr.trim() || r.spawnError || `exit ${r.exitCode}`).split('\n')[0]! };
  return { source, value: r.stdout };
}

const parsed = <T>(r: Reading<string>, parse: (s: string) => T): Reading<T> => {
  if (r.value === undefined) return { source: r.source, ...(r.error ? { error: r.error } : {}) };
  try {
    return { source: r.source, value: parse(r.value) };
  } catch (err) {
    return { source: r.source, error: `unreadable output: ${(err as Error).message}` };
  }
};

/**
 * Gathers, through the probe context (reads batched, commands memoised), the live facts the
 * candidate causes need: nothing else is read or run.
 */
export async function collectFacts(ctx: ProbeContext, causes: readonly CauseId[], s: Subject, opts: { timeoutMs?: number } = {}): Promise<HostFacts> {
  const p = planFor(needsOf(causes), s);
  const run = (c: ProbeContext, args: string[]): Promise<Reading<string>> => runIp(c, args, opts.timeoutMs);
  const labelsRead = p.platformLabels ? readSysctl(ctx, 'net', 'mpls', 'platform_labels') : undefined;
  // While net.mpls exists, mpls_router is active: how it could be loaded does not matter then.
  const moduleNeeded = async (m: string): Promise<boolean> => m !== 'mpls_router' || (await labelsRead)?.value === undefined;
  const [platformLabels, modules, links, mplsRoutes, pushed, priv, policyRules, overlayRoutes, mangle] = await Promise.all([
    labelsRead,
    Promise.all([...p.modules].sort().map(async (m) => ((await moduleNeeded(m)) ? [[m, await moduleFacts(ctx, m)] as const] : []))).then((l) => l.flat()),
    p.links ? run(ctx, ['-j', '-d', 'address', 'show']).then((r) => parsed(r, parseLinks)) : undefined,
    p.mplsRoutes ? run(ctx, ['-j', '-f', 'mpls', 'route', 'show']).then((r) => parsed(r, mplsRouteLabels)) : undefined,
    p.pushed ? run(ctx, ['route', 'show']).then((r) => parsed(r, pushedLabelsOf)) : undefined,
    p.privileges ? privileges(ctx) : undefined,
    p.policyRules ? run(ctx, ['-j', '-4', 'rule', 'show']).then((r) => parsed(r, parseRules)) : undefined,
    p.overlayRoutes ? run(ctx, ['route', 'show', 'table', 'all', p.overlayRoutes]).then((r) => parsed(r, parseTableRoutes)) : undefined,
    p.mangle ? runMangleSave(ctx, opts.timeoutMs).then((r) => parsed(r, mangleRules)) : undefined,
  ]);

  const tunnels = p.tunnels ? tunnelsOf(s, links) : [];
  const ifaceNames = new Set([...p.named, ...(p.tunnelIfaces || p.tunnelInput ? tunnels : [])]);
  const confNames = new Set([...p.namedConf, ...(p.tunnelInput ? tunnels : [])]);
  const rpNames = p.rpFilter ? ['all', 'lo', ...tunnels] : [];
  const linkOf = (n: string): LinkFacts | undefined => links?.value?.find((l) => l.name === n);
  const remotes = p.tunnelReach ? tunnels.map((t) => safeAddress(linkOf(t)?.remote)).filter((a): a is string => a !== undefined) : [];
  const reachTargets = [...new Set([...p.reach, ...remotes])];

  const [interfaces, mplsInput, rpFilter, rpDrops, stats, routes, reach, neighbours] = await Promise.all([
    Promise.all([...ifaceNames].map(async (n) => [n, await interfaceFacts(ctx, n)] as const)),
    Promise.all([...confNames].map(async (n) => [n, await readSysctl(ctx, 'net', 'mpls', 'conf', n, 'input')] as const)),
    Promise.all(rpNames.map(async (n) => [n, await readSysctl(ctx, 'net', 'ipv4', 'conf', n, 'rp_filter')] as const)),
    p.rpFilter ? ctx.read('/proc/net/netstat').then((r): Reading<number> => {
      const source = '/proc/net/netstat TcpExt IPReversePathFilter';
      if (!r.ok) return { source, error: r.error };
      const v = netstatCounter(r.data.toString('utf8'), 'TcpExt', 'IPReversePathFilter');
      return v === undefined ? { source, error: 'no such counter' } : { source, value: v };
    }) : undefined,
    Promise.all((p.tunnelStats ? tunnels : []).map(async (t) => [t, parsed(await run(ctx, countersArgv(t)), mplsStatsOf)] as const)),
    Promise.all([...p.routes].map(async (prefix) => [prefix, parsed(await run(ctx, ['-j', 'route', 'show', 'exact', prefix]), routeCount)] as const)),
    Promise.all(reachTargets.map(async (a) => [a, parsed(await run(ctx, ['-j', 'route', 'get', a]), routeDev)] as const)),
    Promise.all(remotes.map(async (a) => [a, parsed(await run(ctx, ['-j', 'neigh', 'show', a]), neighState)] as const)),
  ]);

  return {
    ...(platformLabels ? { platformLabels } : {}),
    modules: Object.fromEntries(modules) as Record<string, ModuleFacts>,
    interfaces: Object.fromEntries(interfaces) as Record<string, InterfaceFacts>,
    mplsInput: Object.fromEntries(mplsInput) as Record<string, SysctlValue>,
    rpFilter: Object.fromEntries(rpFilter) as Record<string, SysctlValue>,
    ...(rpDrops ? { rpFilterDrops: rpDrops } : {}),
    ...(links ? { links } : {}),
    ...(mplsRoutes ? { mplsRoutes } : {}),
    ...(pushed ? { pushedLabels: pushed } : {}),
    routes: Object.fromEntries(routes),
    reach: Object.fromEntries(reach),
    neighbours: Object.fromEntries(neighbours),
    counters: Object.fromEntries(stats),
    ...(priv ? { privileges: priv } : {}),
    ...(policyRules ? { policyRules } : {}),
    ...(overlayRoutes ? { overlayRoutes } : {}),
    ...(mangle ? { mangle } : {}),
  };
}

