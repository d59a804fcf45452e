import { parseIfName } from '../core/names.js';
import { fields, jsonArray, stringOf, stringsOf } from './ip-json.js';
import type { LinkFacts, Reading, Subject } from './types.js';

/** A name safe to put in a /sys path or an argv: what the kernel accepts as an interface name. */
export function safeIfName(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  try {
    return parseIfName(name, 'iface');
  } catch {
    return undefined;
  }
}

/** Fallback devices the GRE modules create in every namespace: not tunnels anyone configured. */
const FALLBACK = new Set(['gre0', 'gretap0', 'erspan0', 'ip6gre0', 'ip6gretap0', 'ip6erspan0']);
const TUNNEL_KINDS = new Set(['gre', 'ip6gre']);
const unset = (a: string | undefined): boolean => a === undefined || a === 'any' || a === '0.0.0.0' || a === '::';

/** `ip -j -d address show`: every link with its kind, endpoints, state and addresses; UnreadableOutput when it is not a JSON array. */
export function parseLinks(json: string): LinkFacts[] {
  return jsonArray(json).map(fields).filter((l) => typeof l.ifname === 'string').map((l) => {
    const info = fields(l.linkinfo);
    const data = fields(info.info_data);
    const kind = stringOf(info.info_kind);
    const local = stringOf(data.local);
    const remote = stringOf(data.remote);
    const operstate = stringOf(l.operstate);
    return {
      name: l.ifname as string,
      up: stringsOf(l.flags).includes('UP'),
      addresses: (Array.isArray(l.addr_info) ? l.addr_info : []).map((a) => stringOf(fields(a).local)).filter((a): a is string => a !== undefined),
      ...(kind ? { kind } : {}),
      ...(local ? { local } : {}),
      ...(remote ? { remote } : {}),
      ...(operstate ? { operstate } : {}),
      ...(typeof l.mtu === 'number' ? { mtu: l.mtu } : {}),
    };
  });
}

/** The tunnels someone configured: GRE links with a remote, the fallback devices left out. */
export const configuredTunnels = (links: readonly LinkFacts[]): LinkFacts[] =>
  links.filter((l) => l.kind !== undefined && TUNNEL_KINDS.has(l.kind) && !FALLBACK.has(l.name) && !unset(l.remote));

/** The tunnels the ranker judges: the same choice collectFacts made. */
export function tunnelsOf(s: Subject, links: Reading<readonly LinkFacts[]> | undefined): string[] {
  const named = safeIfName(s.givenIface) ?? (s.command?.kind === 'ping' ? undefined : safeIfName(s.iface));
  if (named) return [named];
  return configuredTunnels(links?.value ?? []).map((l) => l.name);
}
