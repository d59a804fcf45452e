import { rootCause, type PathFacts, type RootCause } from '../../core/root-cause.js';
import type { HostSpec, Topology } from '../../core/topology.js';
import type { Host } from '../../host/host.js';
import { pathFacts } from '../path-facts.js';
import { dropCitations } from './counters.js';
import type { Judged } from './judge.js';
import type { CountersResult } from './types.js';

/**
 * The root cause of each failed direction: only a failed direction costs the reads that explain
 * it (each end's settings, once). The cause gets the ends' counter moves, the packets lost and
 * what the transfer showed; the counters that moved and the transfer's facts are cited.
 */
export async function explain(topo: Topology, hostOf: (h: HostSpec) => Host, judged: readonly Judged[], counters: readonly CountersResult[]): Promise<(RootCause | undefined)[]> {
  const failing = judged.filter((j) => !j.verdict.ok && j.verdict.stage);
  if (!failing.length) return judged.map(() => undefined);
  const facts = new Map<string, PathFacts>();
  await Promise.all(topo.hosts.map(async (h) => facts.set(h.name, await pathFacts(hostOf(h), h.name, topo.tunnel.name, topo.tunnel.overlay))));
  const movesOf = (h: HostSpec): CountersResult['moved'] => counters.find((c) => c.host === h.name)?.moved ?? [];
  return judged.map((j) => {
    if (j.verdict.ok || !j.verdict.stage) return undefined;
    const [snd, rcv] = j.verdict.leg === 'reply' ? [j.to, j.from] : [j.from, j.to];
    const tcpLines = j.tcp?.evidence ?? [];
    const lost = j.failedBy === 'pings' ? Math.max(0, j.evidence.sent - j.evidence.received) : undefined;
    const rc = rootCause(j.verdict.stage, {
      label: snd.label, sender: facts.get(snd.name)!, receiver: facts.get(rcv.name)!,
      senderUnderlay: snd.underlay, receiverUnderlay: rcv.underlay, overlayPrefix: topo.tunnel.overlay,
      greDestinations: Object.keys(j.evidence.greOut).filter((d) => d !== j.to.underlay),
      senderCounters: movesOf(snd), receiverCounters: movesOf(rcv),
      ...(lost !== undefined ? { lost } : {}),
      ...(tcpLines.length ? { evidence: tcpLines } : {}),
    });
    const cited = dropCitations(snd.name, movesOf(snd), rcv.name, movesOf(rcv));
    const own = j.failedBy === 'tcp-mtu' || j.failedBy === 'tcp' ? tcpLines : [];
    const add = [...own, ...cited].filter((l) => !rc.evidence.includes(l));
    return add.length ? { ...rc, evidence: [...rc.evidence, ...add] } : rc;
  });
}
