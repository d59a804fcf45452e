import { presenceCause } from '../../core/tunnel-presence.js';
import type { RootCause } from '../../core/root-cause.js';
import type { HostSpec, Topology } from '../../core/topology.js';
import type { Host } from '../../host/host.js';
import { readTunnelPresence } from '../tunnel-presence.js';
import type { DirectionResult, VerifyResult } from './types.js';

/**
 * Each end's tunnel, address and route: on a tunnel that is not there no packet can mean
 * anything, and the hosts' own state names the cause with certainty. One cause per end, or
 * undefined where the end is configured (or could not be read).
 */
export async function absentEnds(topo: Topology, hostOf: (h: HostSpec) => Host, upFix: string): Promise<(RootCause | undefined)[]> {
  const presence = await Promise.all(topo.hosts.map((h) => readTunnelPresence(hostOf(h), h.name, topo.tunnel.name, h.overlay, topo.tunnel.overlay)));
  return presence.map((p) => (p ? presenceCause(p, upFix) : undefined));
}

/**
 * The result when an end's tunnel is not configured: each direction names the cause at its
 * sender (else at its receiver), and no capture, ping, transfer or MTU probe runs.
 */
export function unconfigured(topo: Topology, causes: readonly (RootCause | undefined)[], count: number, started: number): VerifyResult {
  const [a, b] = topo.hosts;
  const at = (first: 0 | 1): { host: HostSpec; rc: RootCause } => {
    const i = causes[first] ? first : 1 - first;
    return { host: topo.hosts[i]!, rc: causes[i]! };
  };
  const directions = ([[a, b, at(0)], [b, a, at(1)]] as const).map(([from, to, { host, rc }]): DirectionResult => ({
    from: from.name, to: to.name, label: from.label, sent: 0, received: 0, labelsSeen: [], requestLabels: {}, onWireInGre: 0, repliesInGre: 0,
    ok: false, stage: 'not_configured', cause: rc.id, explanation: `nothing sent: the tunnel is not configured on ${host.name}`, rootCause: rc,
  }));
  const where = [a, b].filter((_, i) => causes[i]).map((h) => h.name).join(' and ');
  const reason = `the tunnel is not configured on ${where}: nothing can cross it`;
  return {
    ok: false, tunnel: topo.tunnel.name, count, directions, captures: [], counters: [],
    skipped: [{ what: 'captures', reason }, { what: 'pings', reason }, { what: 'mtu', reason }, { what: 'tcp', reason }],
    durationMs: Math.round(performance.now() - started),
  };
}
