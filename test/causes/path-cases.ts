import type { PathContext } from '../../src/core/root-cause.js';
import { parseTopology } from '../../src/core/topology.js';
import { pathFacts } from '../../src/engine/path-facts.js';
import { ReplayHost } from '../../src/host/replay.js';
import { countersMoved, parseMplsStats } from '../../src/probes/mpls-counters.js';
import type { PathFixture } from '../../scripts/record-counters.js';

/** Replays one recorded broken seed: what verify read of both ends, and the counters that moved around its run. */
export async function replayPath(fx: PathFixture, opts: { counters?: boolean } = {}): Promise<{ ctx: PathContext; unrecorded: string[] }> {
  const topo = parseTopology(fx.topology);
  const spec = (n: string) => topo.hosts.find((h) => h.name === n)!;
  const snd = spec(fx.direction.sender);
  const rcv = spec(fx.direction.receiver);
  const hosts = new Map([snd, rcv].map((h) => [h.name, new ReplayHost(fx.facts[h.name]!, h.name)]));
  const [sender, receiver] = await Promise.all([snd, rcv].map((h) => pathFacts(hosts.get(h.name)!, h.name, topo.tunnel.name, topo.tunnel.overlay)));
  const moved = (n: string) => countersMoved(parseMplsStats(fx.counters[n]!.before), parseMplsStats(fx.counters[n]!.after));
  const ctx: PathContext = {
    label: snd.label, sender: sender!, receiver: receiver!, senderUnderlay: snd.underlay, receiverUnderlay: rcv.underlay,
    overlayPrefix: topo.tunnel.overlay, greDestinations: [],
    ...(opts.counters === false ? {} : { senderCounters: moved(snd.name), receiverCounters: moved(rcv.name), lost: fx.direction.sent - fx.direction.received }),
  };
  return { ctx, unrecorded: [...hosts.values()].flatMap((h) => h.unrecorded) };
}

/** What each recorded breakage must be named, and the counter that must be cited for it. */
export const PATH_CASES: Readonly<Record<string, { cause: string; stage: RegExp; cites?: RegExp; withoutCounters?: string | null }>> = {
  noroute: { cause: 'label_not_routed', stage: /no_reply|not_delivered/, cites: /^rx_noroute \+\d+ on B's foo4$/, withoutCounters: 'label_not_routed' },
  'input-off': { cause: 'mpls_input_disabled', stage: /no_reply|not_delivered/, cites: /^rx_dropped \+\d+ on B's foo4$/, withoutCounters: 'mpls_input_disabled' },
  // Nothing in the settings tells a TTL of 1 apart: only the counter names it.
  'ttl-expired': { cause: 'label_ttl_expired', stage: /no_reply|not_delivered/, cites: /^rx_errors \+\d+ on B's foo4$/, withoutCounters: null },
  'rp-strict': { cause: 'rp_filter_strict', stage: /no_reply/ },
  'pushes-other-label': { cause: 'route_not_labelled', stage: /not_labelled/ },
  'wrong-remote': { cause: 'tunnel_endpoint_mismatch', stage: /not_sent_in_gre|wrong_endpoint|not_on_wire/ },
  'small-underlay-mtu': { cause: 'mtu_exceeded', stage: /^mtu$/ },
};

