import { rootCause, type PathContext, type PathFacts, type RootCause } from '../../core/root-cause.js';
import type { HostSpec, Topology } from '../../core/topology.js';
import type { Host } from '../../host/host.js';
import { pathFacts } from '../path-facts.js';
import { dropCitations } from './counters.js';
import type { Judged } from './judge.js';
import type { CountersResult } from './types.js';

/** Each end's settings, by host name, as the causes read them: read once, only when something failed. */
export type EndFacts = ReadonlyMap<string, PathFacts>;

export async function readEndFacts(topo: Topology, hostOf: (h: HostSpec) => Host): Promise<EndFacts> {
  const facts = new Map<string, PathFacts>();
  // A topology with classes: the policy rules, the overlay's routes in every table and the mangle table too.
  const classes = topo.hosts.some((h) => (h.classes ?? []).length > 0);
  await Promise.all(topo.hosts.map(async (h) => facts.set(h.name, await pathFacts(hostOf(h), h.name, topo.tunnel.name, topo.tunnel.overlay, { classes }))));
  return facts;
}

/** The path a cause is asked about: `snd` sends the failing packets to `rcv`; its counters are the ends' moves. */
export function pathContext(topo: Topology, facts: EndFacts, counters: readonly CountersResult[], snd: HostSpec, rcv: HostSpec, extra: Partial<PathContext>): PathContext {
  return {
    label: snd.label, sender: facts.get(snd.name)!, receiver: facts.get(rcv.name)!,
    senderUnderlay: snd.underlay, receiverUnderlay: rcv.underlay, overlayPrefix: topo.tunnel.overlay,
    greDestinations: [],
    senderCounters: movesOf(counters, snd), receiverCounters: movesOf(counters, rcv),
    ...extra,
  };
}

const movesOf = (counters: readonly CountersResult[], h: HostSpec): CountersResult['moved'] => counters.find((c) => c.host === h.name)?.moved ?? [];

/** A cause with the counter drops of both ends (and any lines of the stage's own) cited when it did not cite them itself. */
export function withCitations(rc: RootCause, counters: readonly CountersResult[], snd: HostSpec, rcv: HostSpec, own: readonly string[] = []): RootCause {
  const cited = dropCitations(snd.name, movesOf(counters, snd), rcv.name, movesOf(counters, rcv));
  const add = [...own, ...cited].filter((l) => !rc.evidence.includes(l));
  return add.length ? { ...rc, evidence: [...rc.evidence, ...add] } : rc;
}

/**
 * The root cause of each failed direction: only a failed direction costs the reads that explain
 * it (each end's settings, once). The cause gets the ends' counter moves, the packets lost and
 * what the transfer showed; the counters that moved and the transfer's facts are cited.
 */
export async function explain(topo: Topology, hostOf: (h: HostSpec) => Host, judged: readonly Judged[], counters: readonly CountersResult[], known?: EndFacts): Promise<(RootCause | undefined)[]> {
  const failing = judged.filter((j) => !j.verdict.ok && j.verdict.stage);
  if (!failing.length) return judged.map(() => undefined);
  const facts = known ?? await readEndFacts(topo, hostOf);
  return judged.map((j) => {
    if (j.verdict.ok || !j.verdict.stage) return undefined;
    const [snd, rcv] = j.verdict.leg === 'reply' ? [j.to, j.from] : [j.from, j.to];
    const tcpLines = j.tcp?.evidence ?? [];
    const lost = j.failedBy === 'pings' ? Math.max(0, j.evidence.sent - j.evidence.received) : undefined;
    const rc = rootCause(j.verdict.stage, pathContext(topo, facts, counters, snd, rcv, {
      greDestinations: Object.keys(j.evidence.greOut).filter((d) => d !== j.to.underlay),
      ...(lost !== undefined ? { lost } : {}),
      ...(tcpLines.length ? { evidence: tcpLines } : {}),
      ...(j.trafficClass ? { trafficClass: j.trafficClass } : {}),
    }));
    return withCitations(rc, counters, snd, rcv, j.failedBy === 'tcp-mtu' || j.failedBy === 'tcp' ? tcpLines : []);
  });
}
