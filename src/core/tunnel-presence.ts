import { parseIp, parsePrefix, type IpAddress, type IpPrefix } from './address.js';
import { rank } from '../causes/lib/rank.js';
import type { HostFacts, PresenceFacts } from '../causes/types.js';
import type { RootCause } from './root-cause.js';

/**
 * The files that tell whether one end's tunnel is configured, read in one batch: the link's
 * flags, the host's local addresses and its routes (all per network namespace).
 */
export function presencePaths(iface: string, family: 4 | 6): string[] {
  return [`/sys/class/net/${iface}/flags`, ...(family === 4 ? ['/proc/net/fib_trie', '/proc/net/route'] : ['/proc/net/if_inet6', '/proc/net/ipv6_route'])];
}

/** What one end's kernel says about the tunnel verify is about to use: the facts the presence causes read, but the fix. */
export type TunnelPresence = Omit<PresenceFacts, 'upCommand'>;

/** The local IPv4 addresses /proc/net/fib_trie lists (a `|-- A` leaf followed by `/32 host LOCAL`). */
export function localAddresses4(fibTrie: string): Set<string> {
  const out = new Set<string>();
  let leaf: string | undefined;
  for (const line of fibTrie.split('\n')) {
    const m = /\|-- (\d+\.\d+\.\d+\.\d+)\s*$/.exec(line);
    if (m) leaf = m[1];
    else if (leaf && /^\s*\/32 host LOCAL\s*$/.test(line)) out.add(leaf);
  }
  return out;
}

const hex = (v: bigint, digits: number): string => v.toString(16).padStart(digits, '0');
/** /proc/net/route prints addresses as the kernel's 32-bit word: little-endian on most hosts. */
const word4 = (v: bigint): string[] => {
  const be = hex(v, 8).toUpperCase();
  const le = (be.match(/../g) ?? []).reverse().join('');
  return [le, be];
};

/** Whether /proc/net/route has `prefix` through `iface`. */
export function hasRoute4(procRoute: string, prefix: IpPrefix, iface: string): boolean {
  const mask = prefix.length === 0 ? 0n : ((1n << 32n) - 1n) ^ ((1n << BigInt(32 - prefix.length)) - 1n);
  const [dLe, dBe] = word4(prefix.network);
  const [mLe, mBe] = word4(mask);
  return procRoute.split('\n').slice(1).some((line) => {
    const f = line.trim().split(/\s+/);
    return f[0] === iface && ((f[1] === dLe && f[7] === mLe) || (f[1] === dBe && f[7] === mBe));
  });
}

/** Whether /proc/net/if_inet6 has `address` on `iface`. */
export function hasAddress6(ifInet6: string, address: IpAddress, iface: string): boolean {
  const want = hex(address.value, 32);
  return ifInet6.split('\n').some((line) => {
    const f = line.trim().split(/\s+/);
    return f[0] === want && f[5] === iface;
  });
}

/** Whether /proc/net/ipv6_route has `prefix` through `iface`. */
export function hasRoute6(ipv6Route: string, prefix: IpPrefix, iface: string): boolean {
  const want = hex(prefix.network, 32);
  const len = hex(BigInt(prefix.length), 2);
  return ipv6Route.split('\n').some((line) => {
    const f = line.trim().split(/\s+/);
    return f[0] === want && f[1] === len && f[9] === iface;
  });
}

/** Reads the batch `presencePaths` returned (in its order) into a TunnelPresence. */
export function tunnelPresence(host: string, iface: string, overlayAddress: string, overlayPrefix: string, files: readonly (string | undefined)[]): TunnelPresence {
  const addr = parseIp(overlayAddress, 'overlay');
  const prefix = parsePrefix(overlayPrefix, 'tunnel.overlay');
  const [flagsText, addrs = '', routes = ''] = files;
  const flags = flagsText !== undefined && /^\s*0x[0-9a-f]+\s*$/i.test(flagsText) ? Number.parseInt(flagsText.trim(), 16) : null;
  const v4 = addr.family === 4;
  return {
    host, iface, flags, overlayAddress: addr.text, overlayPrefix: prefix.text,
    addressPresent: v4 ? localAddresses4(addrs).has(addr.text) : hasAddress6(addrs, addr, iface),
    routePresent: v4 ? hasRoute4(routes, prefix, iface) : hasRoute6(routes, prefix, iface),
  };
}

/** What verify checks before it sends, in this order: the first that is certain is the cause. */
const PRESENCE_CAUSES = ['interface_missing', 'device_down', 'overlay_address_absent', 'overlay_route_absent'] as const;

/**
 * Why nothing can cross the tunnel at this end, certain from the host's own state, or undefined
 * when the tunnel, its overlay address and its overlay route are all in place. `upFix` is the
 * command that configures it (`mplsgre up FILE`). The causes judge it (src/causes).
 */
export function presenceCause(p: TunnelPresence, upFix: string): RootCause | undefined {
  const facts: HostFacts = {
    modules: {}, interfaces: {}, mplsInput: {}, rpFilter: {}, routes: {}, reach: {}, neighbours: {}, counters: {},
    presence: { ...p, upCommand: upFix },
  };
  const { causes } = rank({ candidates: PRESENCE_CAUSES, subject: { labels: [], givenLabels: [], iface: p.iface, givenIface: p.iface }, facts });
  const top = causes.find((c) => c.confidence === 'certain');
  if (!top) return undefined;
  return { id: top.id, confidence: 'certain', explanation: top.explanation, evidence: top.evidence.map((e) => (e.source ? `${e.source}: ${e.value}` : e.value)), fix: top.fix };
}
