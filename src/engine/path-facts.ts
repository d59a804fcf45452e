import { sysctlKey, sysctlProcPath } from '../core/planner.js';
import type { PathFacts } from '../core/root-cause.js';
import type { Host } from '../host/host.js';

const num = (s: string | undefined): number | undefined => (s !== undefined && /^\d+$/.test(s.trim()) ? Number(s.trim()) : undefined);

/** What one end's kernel says about the labelled path: read only when a direction failed. */
export async function pathFacts(host: Host, name: string, iface: string, overlay: string): Promise<PathFacts> {
  const keys = {
    input: sysctlKey('net', 'mpls', 'conf', iface, 'input'),
    platformLabels: 'net.mpls.platform_labels',
    rpAll: 'net.ipv4.conf.all.rp_filter',
    rpLo: 'net.ipv4.conf.lo.rp_filter',
    rpIf: sysctlKey('net', 'ipv4', 'conf', iface, 'rp_filter'),
  };
  const [reads, routes, link, route] = await Promise.all([
    host.readFiles(Object.values(keys).map(sysctlProcPath)),
    host.exec('ip', ['-j', '-f', 'mpls', 'route', 'show'], { timeoutMs: 5_000 }),
    host.exec('ip', ['-j', '-d', 'link', 'show', 'dev', iface], { timeoutMs: 5_000 }),
    host.exec('ip', ['route', 'show', overlay, 'dev', iface], { timeoutMs: 5_000 }),
  ]);
  const v = (i: number): string | undefined => {
    const r = reads[i];
    return r?.ok ? r.data.toString('utf8').trim() : undefined;
  };
  let mplsRoutes: PathFacts['mplsRoutes'];
  try {
    // iproute2 prints "dst" twice for some routes; JSON.parse keeps the last, which is the label.
    mplsRoutes = routes.failed ? undefined : (JSON.parse(routes.stdout || '[]') as { dst: string; dev?: string }[]).map((r) => ({ label: Number(r.dst), ...(r.dev ? { dev: r.dev } : {}) }));
  } catch {
    mplsRoutes = undefined;
  }
  let tunnel: PathFacts['tunnel'];
  try {
    const l = link.failed ? undefined : (JSON.parse(link.stdout) as { flags?: string[]; mtu?: number; linkinfo?: { info_kind?: string; info_data?: { local?: string; remote?: string } } }[])[0];
    tunnel = l ? {
      up: Boolean(l.flags?.includes('UP')),
      ...(l.mtu !== undefined ? { mtu: l.mtu } : {}),
      ...(l.linkinfo?.info_kind ? { kind: l.linkinfo.info_kind } : {}),
      ...(l.linkinfo?.info_data?.local ? { local: l.linkinfo.info_data.local } : {}),
      ...(l.linkinfo?.info_data?.remote ? { remote: l.linkinfo.info_data.remote } : {}),
    } : undefined;
  } catch {
    tunnel = undefined;
  }
  const pushed = /\bencap mpls +([0-9/]+)/.exec(route.stdout)?.[1];
  return {
    host: name, iface,
    ...(v(0) !== undefined ? { input: v(0)! } : {}),
    ...(num(v(1)) !== undefined ? { platformLabels: num(v(1))! } : {}),
    rp: { all: num(v(2)), lo: num(v(3)), iface: num(v(4)) },
    ...(mplsRoutes ? { mplsRoutes } : {}),
    ...(tunnel ? { tunnel } : {}),
    overlayRoute: route.stdout.trim() || null,
    ...(pushed ? { pushes: pushed.split('/').map(Number) } : {}),
  };
}
