import type { PathFacts } from '../core/root-cause.js';
import { pushedLabelsOf } from '../diagnose/facts.js';
import { parseLinks } from '../diagnose/tunnels.js';
import type { Host } from '../host/host.js';
import { ProbeContext } from '../probes/context.js';
import { readSysctl } from '../probes/sysctl.js';

const num = (s: string | undefined): number | undefined => (s !== undefined && /^\d+$/.test(s) ? Number(s) : undefined);

/** What one end's kernel says about the labelled path: read only when a direction failed. */
export async function pathFacts(host: Host, name: string, iface: string, overlay: string): Promise<PathFacts> {
  // One probe context: the five sysctls go to the host as one batched read.
  const ctx = new ProbeContext(host, { labels: [] });
  const [input, platformLabels, rpAll, rpLo, rpIf, routes, link, route] = await Promise.all([
    readSysctl(ctx, 'net', 'mpls', 'conf', iface, 'input'),
    readSysctl(ctx, 'net', 'mpls', 'platform_labels'),
    readSysctl(ctx, 'net', 'ipv4', 'conf', 'all', 'rp_filter'),
    readSysctl(ctx, 'net', 'ipv4', 'conf', 'lo', 'rp_filter'),
    readSysctl(ctx, 'net', 'ipv4', 'conf', iface, 'rp_filter'),
    host.exec('ip', ['-j', '-f', 'mpls', 'route', 'show'], { timeoutMs: 5_000 }),
    host.exec('ip', ['-j', '-d', 'link', 'show', 'dev', iface], { timeoutMs: 5_000 }),
    host.exec('ip', ['route', 'show', overlay, 'dev', iface], { timeoutMs: 5_000 }),
  ]);
  let mplsRoutes: PathFacts['mplsRoutes'];
  try {
    // iproute2 prints "dst" twice for some routes; JSON.parse keeps the last, which is the label.
    mplsRoutes = routes.failed ? undefined : (JSON.parse(routes.stdout || '[]') as { dst: string; dev?: string }[]).map((r) => ({ label: Number(r.dst), ...(r.dev ? { dev: r.dev } : {}) }));
  } catch {
    mplsRoutes = undefined;
  }
  let tunnel: PathFacts['tunnel'];
  try {
    const l = link.failed ? undefined : parseLinks(link.stdout)[0];
    tunnel = l ? {
      up: l.up,
      ...(l.mtu !== undefined ? { mtu: l.mtu } : {}),
      ...(l.kind ? { kind: l.kind } : {}),
      ...(l.local ? { local: l.local } : {}),
      ...(l.remote ? { remote: l.remote } : {}),
    } : undefined;
  } catch {
    tunnel = undefined;
  }
  const pushed = pushedLabelsOf(route.stdout);
  return {
    host: name, iface,
    ...(input.value !== undefined ? { input: input.value } : {}),
    ...(num(platformLabels.value) !== undefined ? { platformLabels: num(platformLabels.value)! } : {}),
    rp: { all: num(rpAll.value), lo: num(rpLo.value), iface: num(rpIf.value) },
    ...(mplsRoutes ? { mplsRoutes } : {}),
    ...(tunnel ? { tunnel } : {}),
    overlayRoute: route.stdout.trim() || null,
    ...(pushed.length ? { pushes: pushed } : {}),
  };
}
