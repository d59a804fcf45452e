import { isIP } from 'node:net';
import type { ProbeContext } from '../probes/context.js';
import { moduleFacts, type ModuleFacts } from '../probes/modules.js';
import { interfaceFacts, readSysctl, type InterfaceFacts, type SysctlValue } from '../probes/sysctl.js';
import { privileges } from '../probes/tools.js';
import type { CauseId } from './causes.js';
import { mplsRouteLabels, mplsStatsOf, neighState, routeCount, routeDev } from './ip-json.js';
import { parseLinks, safeIfName, tunnelsOf } from './tunnels.js';
import type { DiagnoseFacts, LinkFacts, Reading, Subject } from './types.js';

/** The module each cause is about. */
const MODULE_OF: Partial<Record<CauseId, string>> = {
  mpls_router_missing: 'mpls_router',
  mpls_iptunnel_missing: 'mpls_iptunnel',
  ip_gre_missing: 'ip_gre',
};

/** Causes judged on the tunnel(s) of this host rather than on a named object. */
const TUNNEL_CAUSES = new Set<CauseId>([
  'device_down', 'mpls_input_disabled', 'label_not_routed', 'rp_filter_strict', 'mtu_exceeded', 'tunnel_endpoint_mismatch', 'underlay_unreachable',
]);

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
}

function planFor(causes: readonly CauseId[], s: Subject): Plan {
  const p: Plan = {
    modules: new Set(), platformLabels: false, named: new Set(), namedConf: new Set(), links: false, tunnels: false,
    tunnelInput: false, tunnelStats: false, tunnelIfaces: false, rpFilter: false, mplsRoutes: false, pushed: false,
    routes: new Set(), reach: new Set(), tunnelReach: false, privileges: false,
  };
  const iface = safeIfName(s.iface);
  const mplsCommand = s.command?.kind === 'mpls-route';
  for (const c of causes) {
    const m = MODULE_OF[c];
    if (m) p.modules.add(m);
    if (TUNNEL_CAUSES.has(c)) p.tunnels = true;
    switch (c) {
      case 'mpls_router_missing':
      case 'platform_labels_too_small':
        p.platformLabels = true;
        break;
      case 'route_exists':
      case 'route_absent': {
        const prefix = safePrefix(s.prefix);
        if (mplsCommand) p.mplsRoutes = true;
        else if (prefix) p.routes.add(prefix);
        break;
      }
      case 'interface_exists':
      case 'interface_missing':
        if (iface) p.named.add(iface);
        if (c === 'interface_missing') p.platformLabels = true;
        break;
      case 'tunnel_exists':
        p.links = true;
        if (iface) p.named.add(iface);
        break;
      case 'interface_not_mpls_capable':
        p.platformLabels = true;
        if (iface) {
          p.named.add(iface);
          p.namedConf.add(iface);
        }
        break;
      case 'device_down':
      case 'mtu_exceeded':
        p.tunnelIfaces = true;
        break;
      case 'rp_filter_strict':
        p.rpFilter = true;
        break;
      case 'mpls_input_disabled':
        p.tunnelInput = true;
        p.tunnelStats = true;
        break;
      case 'label_not_routed':
        p.mplsRoutes = true;
        p.pushed = true;
        p.tunnelStats = true;
        break;
      case 'tunnel_endpoint_mismatch':
        p.links = true;
        p.tunnelReach = true;
        break;
      case 'underlay_unreachable': {
        const a = safeAddress(s.address);
        if (a) p.reach.add(a);
        else {
          p.links = true;
          p.tunnelReach = true;
        }
        break;
      }
      case 'not_privileged':
        p.privileges = true;
        break;
      default:
        break;
    }
  }
  // Which tunnels: the one named (--iface, or the command's device), else every configured one.
  if (p.tunnels && !(safeIfName(s.givenIface) ?? (s.command?.kind === 'ping' ? undefined : iface))) p.links = true;
  if (p.tunnelReach) p.links = true;
  return p;
}

async function run(ctx: ProbeContext, args: string[]): Promise<Reading<string>> {
  const source = ['ip', ...args].join(' ');
  const r = await ctx.exec('ip', args, { timeoutMs: 5_000 });
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
export async function collectFacts(ctx: ProbeContext, causes: readonly CauseId[], s: Subject): Promise<DiagnoseFacts> {
  const p = planFor(causes, s);
  const labelsRead = p.platformLabels ? readSysctl(ctx, 'net', 'mpls', 'platform_labels') : undefined;
  // While net.mpls exists, mpls_router is active: how it could be loaded does not matter then.
  const moduleNeeded = async (m: string): Promise<boolean> => m !== 'mpls_router' || (await labelsRead)?.value === undefined;
  const [platformLabels, modules, links, mplsRoutes, pushed, priv] = await Promise.all([
    labelsRead,
    Promise.all([...p.modules].sort().map(async (m) => ((await moduleNeeded(m)) ? [[m, await moduleFacts(ctx, m)] as const] : []))).then((l) => l.flat()),
    p.links ? run(ctx, ['-j', '-d', 'address', 'show']).then((r) => parsed(r, parseLinks)) : undefined,
    p.mplsRoutes ? run(ctx, ['-j', '-f', 'mpls', 'route', 'show']).then((r) => parsed(r, mplsRouteLabels)) : undefined,
    p.pushed ? run(ctx, ['route', 'show']).then((r) => parsed(r, pushedLabelsOf)) : undefined,
    p.privileges ? privileges(ctx) : undefined,
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
    Promise.all((p.tunnelStats ? tunnels : []).map(async (t) => [t, parsed(await run(ctx, ['-j', 'stats', 'show', 'dev', t, 'group', 'afstats', 'subgroup', 'mpls']), mplsStatsOf)] as const)),
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
    mplsStats: Object.fromEntries(stats),
    ...(priv ? { privileges: priv } : {}),
  };
}

