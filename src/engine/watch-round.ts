import { parsePing, type PingSummary } from '../core/ping.js';
import { rootCause, type PathFacts } from '../core/root-cause.js';
import type { HostSpec, Topology } from '../core/topology.js';
import { formatTarget } from '../core/target.js';
import type { DirectionStatus, HostCounters } from '../core/watch-state.js';
import { judgeWatchDirection, type DirectionJudgement } from '../core/watch-verdict.js';
import type { Host } from '../host/host.js';
import { countersMoved, readMplsCounters, type CountersRead } from '../probes/mpls-counters.js';
import { pathFacts } from './path-facts.js';

export interface RoundOptions {
  /** Echo requests each way (default 3). */
  readonly count?: number;
  /** Seconds between them (default 0.05). */
  readonly pingInterval?: number;
  /** Seconds ping waits for the last reply (default 1); the round's bound on a silent path. */
  readonly waitS?: number;
  /** Aborting stops the pings and reads in flight (SIGTERM to their process groups). */
  readonly signal?: AbortSignal;
  /**
   * Each end's counters as the previous round read them after its pings: read again otherwise.
   * Reusing them saves a process per host and round; the window then holds the pause between
   * rounds too, which only adds other traffic to "moved by at least".
   */
  readonly before?: readonly CountersRead[];
}

export interface RoundResult {
  readonly directions: readonly DirectionStatus[];
  readonly counters: readonly HostCounters[];
  /** The counters read after the pings, per end in topology order: the next round's `before`. */
  readonly reads?: readonly CountersRead[];
}

async function ping(host: Host, from: HostSpec, to: HostSpec, o: Required<Omit<RoundOptions, 'signal' | 'before'>>, signal: AbortSignal | undefined): Promise<PingSummary | undefined> {
  const timeoutMs = Math.ceil((o.count * o.pingInterval + o.waitS) * 1000) + 5_000;
  const r = await host.exec('ping', ['-n', '-q', '-c', String(o.count), '-i', String(o.pingInterval), '-W', String(o.waitS), '-I', from.overlay, to.overlay], { timeoutMs, ...(signal ? { signal } : {}) });
  return parsePing(r.stdout);
}

const counters = (read: CountersRead, h: HostSpec): HostCounters =>
  read.ok
    ? { host: h.name, target: formatTarget(h.target), ok: true, devices: read.devices }
    : { host: h.name, target: formatTarget(h.target), ok: false, error: read.error, devices: [] };

/**
 * One round of `watch`: each end's MPLS counters, pings both ways at once, the counters again;
 * each direction judged from its pings and what moved on the two tunnel devices. A direction
 * that is down and whose cause no drop counter named costs the reads that explain it (each
 * end's settings, once), judged by the cause machinery verify uses.
 */
export async function watchRound(topo: Topology, hosts: ReadonlyMap<string, Host>, opts: RoundOptions = {}): Promise<RoundResult> {
  const o = { count: opts.count ?? 3, pingInterval: opts.pingInterval ?? 0.05, waitS: opts.waitS ?? 1 };
  const signal = opts.signal;
  const [a, b] = topo.hosts;
  const ends = [a, b] as const;
  const hostOf = (h: HostSpec): Host => hosts.get(h.name)!;
  const read = (): Promise<CountersRead[]> => Promise.all(ends.map((h) => readMplsCounters(hostOf(h), signal ? { signal } : {})));
  const before = opts.before?.length === 2 && opts.before.every((r) => r.ok) ? opts.before : await read();
  const pings = await Promise.all([ping(hostOf(a), a, b, o, signal), ping(hostOf(b), b, a, o, signal)]);
  const after = await read();
  signal?.throwIfAborted();
  const moves = ends.map((_, i) => {
    const x = before[i]!;
    const y = after[i]!;
    return x.ok && y.ok ? countersMoved(x.devices, y.devices) : undefined;
  });
  const iface = topo.tunnel.name;
  const judged: DirectionJudgement[] = [0, 1].map((i) => judgeWatchDirection({
    from: ends[i]!.name, to: ends[1 - i]!.name, iface,
    ping: pings[i], peerPing: pings[1 - i], senderMoves: moves[i], receiverMoves: moves[1 - i],
  }));
  // Only a down direction costs the reads that explain it (each end's settings, once); the
  // cause modules verify uses name the cause from its stage, those facts and the counters that
  // moved (a drop counter that moved by the pings lost makes the cause certain).
  const facts = new Map<string, PathFacts>();
  if (judged.some((j) => !j.up && j.stage)) {
    await Promise.all(ends.map(async (h) => facts.set(h.name, await pathFacts(hostOf(h), h.name, iface, topo.tunnel.overlay))));
    signal?.throwIfAborted();
  }
  const directions = judged.map((j, i): DirectionStatus => {
    const from = ends[i]!;
    const to = ends[1 - i]!;
    const p = pings[i];
    let cause: DirectionStatus['cause'];
    if (!j.up && j.stage) {
      const rc = rootCause(j.stage, {
        label: from.label, sender: facts.get(from.name)!, receiver: facts.get(to.name)!,
        senderUnderlay: from.underlay, receiverUnderlay: to.underlay, overlayPrefix: topo.tunnel.overlay, greDestinations: [],
        ...(moves[i] ? { senderCounters: moves[i] } : {}),
        ...(moves[1 - i] ? { receiverCounters: moves[1 - i] } : {}),
        lost: Math.max(0, (p?.transmitted ?? 0) - (p?.received ?? 0)),
        ...(j.drops ? { evidence: j.drops } : {}),
      });
      cause = { id: rc.id, confidence: rc.confidence, explanation: rc.explanation, evidence: rc.evidence };
    } else if (!j.up) {
      cause = { id: null, confidence: 'possible', explanation: j.explanation, evidence: [] };
    }
    return {
      from: from.name, to: to.name, label: from.label, up: j.up,
      sent: p?.transmitted ?? 0, received: p?.received ?? 0,
      ...(p?.rttMs ? { rttMs: p.rttMs.avg } : {}),
      explanation: j.explanation,
      ...(cause ? { cause } : {}),
    };
  });
  return { directions, counters: ends.map((h, i) => counters(after[i]!, h)), reads: after };
}
