import type { PacketRecord } from '../../capture/record.js';
import { defaultOuterFault, judgeClass, type ClassEvidence, type ClassVerdict } from '../../core/class-verdict.js';
import { rootCause, type PathClass } from '../../core/root-cause.js';
import type { HostSpec, Topology, TrafficClass } from '../../core/topology.js';
import { inGre, type WatchedCapture } from './captures.js';
import { pathContext, withCitations, type EndFacts } from './explain.js';
import type { Judged } from './judge.js';
import type { PingMarking, PingRun } from './pings.js';
import type { ClassResult, CountersResult } from './types.js';

/** One traffic class pinged one way: the DSCP its pings carry, and what the captures must show. */
export interface ClassProbe {
  readonly from: HostSpec;
  readonly to: HostSpec;
  readonly cls: TrafficClass;
  /** The DSCP the pings carry: one of the class's, or for a class selected by its mark alone one no class uses. */
  readonly dscp: number;
  readonly marking: PingMarking;
  readonly wantOuterDscp: number;
  /** The peer's class for `dscp` (its replies go under that label), if it has one. */
  readonly replyClass?: TrafficClass;
}

const ECHO_REQUEST = 8;
const ECHO_REPLY = 0;
const dscpOf = (ds: number | undefined): number | undefined => (ds === undefined ? undefined : ds >> 2);
const bump = (m: Record<string, number>, k: number | string | undefined): void => {
  if (k !== undefined) m[String(k)] = (m[String(k)] ?? 0) + 1;
};

/** Whether a topology has classes: without any, verify runs as it always did. */
export const hasClasses = (topo: Topology): boolean => topo.hosts.some((h) => (h.classes ?? []).length > 0);

/** The records of the default (unmarked) pings, where classes ping alongside them. */
export const unmarked = (r: PacketRecord): boolean => (dscpOf((r.inner ?? r.outer)?.ds) ?? 0) === 0;

/**
 * Each class of each host, each of its DSCPs, pinged from the host to its peer. A class selected
 * by its firewall mark alone is pinged with the mark (`ping -m`) and a DSCP no class of either
 * host uses, so its pings are told apart from the unmarked ones and the peer answers under its
 * default label.
 */
export function classProbes(topo: Topology): ClassProbe[] {
  const [a, b] = topo.hosts;
  const used = new Set(topo.hosts.flatMap((h) => (h.classes ?? []).flatMap((c) => c.dscp)));
  const spare = Array.from({ length: 63 }, (_, i) => i + 1).find((d) => !used.has(d)) ?? 0;
  return [[a, b], [b, a]].flatMap(([from, to]) => (from!.classes ?? []).flatMap((cls): ClassProbe[] => {
    const replyOf = (d: number): TrafficClass | undefined => (to!.classes ?? []).find((c) => c.dscp.includes(d));
    const probe = (dscp: number, marking: PingMarking): ClassProbe => {
      const replyClass = replyOf(dscp);
      return { from: from!, to: to!, cls, dscp, marking, wantOuterDscp: cls.dscp[0] ?? 0, ...(replyClass ? { replyClass } : {}) };
    };
    return cls.dscp.length ? cls.dscp.map((d) => probe(d, { tos: d << 2 })) : [probe(spare, { tos: spare << 2, mark: cls.mark })];
  }));
}

/** The class's requests and replies, as the captures counted them: sender's underlay, receiver's underlay. */
export function classEvidence(p: ClassProbe, run: PingRun, capOf: (h: HostSpec) => WatchedCapture): ClassEvidence {
  const requestLabels: Record<string, number> = {};
  const outerDscps: Record<string, number> = {};
  const tcBits: Record<string, number> = {};
  const replyLabels: Record<string, number> = {};
  const arrivedInnerDscps: Record<string, number> = {};
  const repliesLeftPeer: Record<string, number> = {};
  const labelled = (r: PacketRecord): boolean => inGre(r) && r.gre?.proto === 0x8847 && r.inner !== undefined && r.icmp !== undefined;
  for (const r of capOf(p.from).tally.records(labelled)) {
    const ip = r.inner!;
    if (dscpOf(ip.ds) !== p.dscp) continue;
    if (r.icmp!.type === ECHO_REQUEST && ip.src === p.from.overlay && ip.dst === p.to.overlay) {
      bump(requestLabels, r.mpls[0]?.label);
      if (r.mpls[0]?.label === p.cls.label) {
        bump(outerDscps, dscpOf(r.outer?.ds));
        bump(tcBits, r.mpls[0].tc);
      }
    } else if (r.icmp!.type === ECHO_REPLY && ip.src === p.to.overlay && ip.dst === p.from.overlay) bump(replyLabels, r.mpls[0]?.label);
  }
  for (const r of capOf(p.to).tally.records(labelled)) {
    const ip = r.inner!;
    if (r.icmp!.type === ECHO_REQUEST && ip.src === p.from.overlay && ip.dst === p.to.overlay && r.mpls[0]?.label === p.cls.label) bump(arrivedInnerDscps, dscpOf(ip.ds));
    else if (r.icmp!.type === ECHO_REPLY && ip.src === p.to.overlay && ip.dst === p.from.overlay && dscpOf(ip.ds) === p.dscp) bump(repliesLeftPeer, r.mpls[0]?.label);
  }
  return {
    name: p.cls.name, from: p.from.name, to: p.to.name, dscp: p.dscp, label: p.cls.label, wantOuterDscp: p.wantOuterDscp,
    replyLabel: p.replyClass?.label ?? p.to.label, ...(p.replyClass ? { replyClass: p.replyClass.name } : {}),
    sent: run.summary?.transmitted ?? 0, received: run.summary?.received ?? 0,
    requestLabels, outerDscps, arrivedInnerDscps, repliesLeftPeer, replyLabels,
    ...(p.cls.tc !== undefined ? { wantTc: p.cls.tc } : {}), tcBits,
  };
}

/** Whether the captures hold every request and reply the class's ping counted (for verify's wait). */
export function classArrived(p: ClassProbe, run: PingRun, capOf: (h: HostSpec) => WatchedCapture): boolean {
  const want = run.summary?.received ?? 0;
  if (want === 0) return true;
  const e = classEvidence(p, run, capOf);
  const sum = (m: Readonly<Record<string, number>>): number => Object.values(m).reduce((x, y) => x + y, 0);
  return sum(e.replyLabels) >= want && (e.arrivedInnerDscps[String(p.dscp)] ?? 0) >= want;
}

/** One class judged: its probe, evidence and verdict. */
export interface ClassJudged {
  readonly probe: ClassProbe;
  readonly run: PingRun;
  readonly evidence: ClassEvidence;
  readonly verdict: ClassVerdict;
}

export function judgeClasses(probes: readonly ClassProbe[], runs: readonly PingRun[], capOf: (h: HostSpec) => WatchedCapture): ClassJudged[] {
  return probes.map((probe, i) => {
    const evidence = classEvidence(probe, runs[i]!, capOf);
    return { probe, run: runs[i]!, evidence, verdict: judgeClass(evidence) };
  });
}

const labelsOf = (m: Readonly<Record<string, number>>): number[] => Object.keys(m).filter((k) => (m[k] ?? 0) > 0).map(Number).sort((x, y) => x - y);

/** The class as a cause is told of it: the class whose packets failed (the peer's, on the reply leg), the DSCP and the labels seen. */
export function pathClass(j: ClassJudged): PathClass | undefined {
  const reply = j.verdict.leg === 'reply';
  const cls = reply ? j.probe.replyClass : j.probe.cls;
  if (!cls) return undefined;
  return { name: cls.name, label: cls.label, mark: cls.mark, table: cls.table, dscp: j.probe.dscp, labelsSeen: labelsOf(reply ? { ...j.evidence.repliesLeftPeer, ...j.evidence.replyLabels } : j.evidence.requestLabels) };
}

/**
 * Each class's result; a failed class's root cause from the same path context a failed direction
 * gets, with the class (`ask`: the shared causes).
 */
export function classResults(topo: Topology, judged: readonly ClassJudged[], counters: readonly CountersResult[], facts: EndFacts | undefined, ask: typeof rootCause = rootCause): ClassResult[] {
  return judged.map((j) => {
    const { probe: p, evidence: e, verdict: v } = j;
    let rc;
    if (!v.ok && v.stage && facts) {
      const [snd, rcv] = v.leg === 'reply' ? [p.to, p.from] : [p.from, p.to];
      const trafficClass = pathClass(j);
      const lost = Math.max(0, e.sent - e.received);
      rc = withCitations(ask(v.stage, pathContext(topo, facts, counters, snd, rcv, {
        ...(trafficClass ? { label: trafficClass.label, trafficClass } : {}),
        ...(lost ? { lost } : {}),
      })), counters, snd, rcv);
    }
    const innerSeen = labelsOf(e.arrivedInnerDscps);
    return {
      name: p.cls.name, from: p.from.name, to: p.to.name, dscp: p.dscp,
      ...(p.marking.mark !== undefined ? { mark: p.marking.mark } : {}),
      label: p.cls.label, sent: e.sent, received: e.received,
      labelsSeen: labelsOf(e.requestLabels), requestLabels: e.requestLabels,
      outerDscp: labelsOf(e.outerDscps), wantOuterDscp: p.wantOuterDscp,
      ...(p.cls.tc !== undefined ? { tc: labelsOf(e.tcBits), wantTc: p.cls.tc } : {}),
      innerDscpKept: innerSeen.length > 0 && innerSeen.every((d) => d === p.dscp),
      replyLabel: e.replyLabel, replyLabelsSeen: labelsOf(e.replyLabels),
      ...(j.run.summary?.rttMs ? { rttMs: j.run.summary.rttMs } : {}),
      ok: v.ok, stage: v.stage, cause: rc?.id ?? null,
      explanation: v.explanation + (j.run.summary ? '' : ` (ping: ${j.run.stderr || 'no summary'})`),
      ...(rc ? { rootCause: rc } : {}),
    };
  });
}

/** The outer DSCPs of a direction's unmarked requests leaving the sender inside GRE. */
export function defaultOuterDscps(from: HostSpec, to: HostSpec, capOf: (h: HostSpec) => WatchedCapture): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of capOf(from).tally.records((x) => inGre(x) && unmarked(x))) {
    const ip = r.inner;
    if (ip && r.icmp?.type === ECHO_REQUEST && ip.src === from.overlay && ip.dst === to.overlay) bump(out, dscpOf(r.outer?.ds));
  }
  return out;
}

/**
 * A passing direction whose unmarked requests carried a class's outer DSCP fails: the default
 * traffic must leave with outer DSCP 0. Named with the sender's class that sets that DSCP.
 */
export function withDefaultOuter(j: Judged, outer: Readonly<Record<string, number>>): Judged {
  if (!j.verdict.ok) return j;
  const fault = defaultOuterFault(j.from.name, j.to.name, { label: j.from.label, outerDscps: outer });
  if (!fault) return j;
  const cls = (j.from.classes ?? []).find((c) => fault.dscps.includes(c.dscp[0] ?? -1));
  return {
    ...j, failedBy: 'pings',
    verdict: { ok: false, stage: fault.stage, leg: 'request', explanation: fault.explanation },
    ...(cls ? { trafficClass: { name: cls.name, label: cls.label, mark: cls.mark, table: cls.table, dscp: 0, labelsSeen: labelsOf(j.evidence.requestLabels) } } : {}),
  };
}
