import type { HostSpec } from '../../core/topology.js';
import type { Host } from '../../host/host.js';
import { citeMove, countersMoved, readMplsCounters, type CounterMove, type CounterName, type CountersRead } from '../../probes/mpls-counters.js';
import type { CountersResult } from './types.js';

/** Both ends' MPLS counters, read once: one command per host, both hosts at once. */
export function readBoth(pair: readonly HostSpec[], hostOf: (h: HostSpec) => Host, signal?: AbortSignal): Promise<CountersRead[]> {
  return Promise.all(pair.map((h) => readMplsCounters(hostOf(h), signal ? { signal } : {})));
}

/** What moved on each host between the read before the traffic and the one after it. */
export function movedBetween(pair: readonly HostSpec[], before: readonly CountersRead[], after: readonly CountersRead[]): CountersResult[] {
  return pair.map((h, i) => {
    const b = before[i]!;
    const a = after[i]!;
    if (!b.ok || !a.ok) return { host: h.name, ok: false, error: !b.ok ? b.error : (a as { error: string }).error, moved: [] };
    return { host: h.name, ok: true, moved: countersMoved(b.devices, a.devices) };
  });
}

/** The drops a receiver counts (no label route, MPLS input off, not forwardable) and a sender's (too big, cannot send). */
const RECEIVER_DROPS: readonly CounterName[] = ['rx_noroute', 'rx_dropped', 'rx_errors'];
const SENDER_DROPS: readonly CounterName[] = ['tx_errors', 'tx_dropped'];

/** The counter moves that explain lost packets, as evidence lines: `rx_noroute +3 on B's foo4`. */
export function dropCitations(sender: string, senderMoves: readonly CounterMove[], receiver: string, receiverMoves: readonly CounterMove[]): string[] {
  return [
    ...receiverMoves.filter((m) => RECEIVER_DROPS.includes(m.counter)).map((m) => citeMove(receiver, m)),
    ...senderMoves.filter((m) => SENDER_DROPS.includes(m.counter)).map((m) => citeMove(sender, m)),
  ];
}
