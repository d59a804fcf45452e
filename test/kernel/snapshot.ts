import { readFileSync } from 'node:fs';
import { NetnsHost } from '../../src/host/netns.js';
import { execLocal } from '../../src/host/spawn.js';

export type HostSnapshot = Record<string, unknown>;

/**
 * Everything `up` can touch on one namespace, as the kernel reports it: `ip -j link`, `ip -j addr`,
 * `ip -j route` (IPv4 and IPv6), `ip -j -f mpls route`, the given sysctls ('absent' when the key
 * does not exist) and which of the given modules are loaded (kernel-wide). Compared whole:
 * nothing is normalised except what the kernel changes by itself: IPv6 address lifetimes, which
 * count down by the second (static addresses say "forever" and keep it), and the `tentative`
 * flag of duplicate address detection, which clears by itself (seen still set after 30 s in a
 * guest sharing two cores with another).
 */
export async function hostSnapshot(ns: string, sysctls: readonly string[], modules: readonly string[]): Promise<HostSnapshot> {
  const ip = async (...args: string[]): Promise<unknown> => {
    const r = await execLocal('ip', ['-n', ns, '-j', ...args], { timeoutMs: 10_000 });
    return r.failed ? { error: r.stderr.trim() } : JSON.parse(r.stdout || 'null');
  };
  const paths = sysctls.map((k) => `/proc/sys/${k.replace(/\./g, '/')}`);
  // Each spawn costs a few hundred ms in the guest: one `ip -batch` prints link, address and route (one JSON document a line).
  const batch = async (): Promise<unknown[]> => {
    const r = await execLocal('ip', ['-n', ns, '-j', '-batch', '-'], { timeoutMs: 10_000, input: 'link show\naddress show\nroute show\n' });
    return r.failed ? [{ error: r.stderr.trim() }, null, null] : r.stdout.trim().split('\n').map((l) => JSON.parse(l) as unknown);
  };
  const [[link, addr, route], route6, mpls, files] = await Promise.all([
    batch(), ip('-6', 'route', 'show'), ip('-f', 'mpls', 'route', 'show'), new NetnsHost(ns).readFiles(paths),
  ]);
  const loaded = new Set(readFileSync('/proc/modules', 'utf8').split('\n').map((l) => l.split(' ')[0]));
  const stripLifetimes = (links: unknown): unknown => Array.isArray(links)
    ? links.map((l: { addr_info?: Record<string, unknown>[] }) => ({ ...l, addr_info: (l.addr_info ?? []).map(({ valid_life_time: _v, preferred_life_time: _p, tentative: _t, ...a }) => a) }))
    : links;
  return {
    link, addr: stripLifetimes(addr), route, route6, mpls,
    sysctl: Object.fromEntries(sysctls.map((k, i) => [k, files[i]!.ok ? files[i]!.data.toString().trim() : 'absent'])),
    modules: Object.fromEntries(modules.map((m) => [m, loaded.has(m)])),
  };
}

/** Paths where two snapshots differ, with both values: empty when they are equal. */
export function differences(a: unknown, b: unknown, at = ''): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((k) => differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`));
  }
  return [`${at}: ${JSON.stringify(a)} -> ${JSON.stringify(b)}`];
}

/** Waits (bounded) until IPv6 has configured lo and no address is still tentative: addresses change by themselves until then. */
export async function settled(ns: string): Promise<void> {
  // Duplicate address detection takes a second or two, far longer in a loaded guest.
  const until = Date.now() + 30_000;
  while (Date.now() < until) {
    const r = await execLocal('ip', ['-n', ns, '-6', 'address', 'show'], { timeoutMs: 5_000 });
    if (r.stdout.includes('::1/128') && !r.stdout.includes('tentative')) return;
    await new Promise((res) => setTimeout(res, 50));
  }
}
