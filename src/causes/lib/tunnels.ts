import { parseIfName } from '../../core/names.js';
import type { LinkFacts, Reading, Subject } from '../types.js';

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

/** The tunnels someone configured: GRE links with a remote, the fallback devices left out. */
export const configuredTunnels = (links: readonly LinkFacts[]): LinkFacts[] =>
  links.filter((l) => l.kind !== undefined && TUNNEL_KINDS.has(l.kind) && !FALLBACK.has(l.name) && !unset(l.remote));

/** The tunnels a cause judges: the one named (--iface, or the command's device), else every configured one. */
export function tunnelsOf(s: Subject, links: Reading<readonly LinkFacts[]> | undefined): string[] {
  const named = safeIfName(s.givenIface) ?? (s.command?.kind === 'ping' ? undefined : safeIfName(s.iface));
  if (named) return [named];
  return configuredTunnels(links?.value ?? []).map((l) => l.name);
}
