import { checkCommand } from './check.js';
import type { HostSpec, Topology } from '../core/topology.js';
import { formatTarget } from '../core/target.js';
import type { DirectionStatus, HostReadiness, WatchSnapshot } from '../core/watch-state.js';
import type { Host } from '../host/host.js';
import { watchRound, type RoundOptions, type RoundResult } from '../engine/watch-round.js';

export interface WatchLoopOptions {
  /** Seconds from the start of one round to the start of the next. */
  readonly intervalS: number;
  /** Seconds between two `check` runs on each host, each after a round (the first after the first round). */
  readonly checkIntervalS: number;
  /** Aborted (SIGTERM, SIGINT): the round in flight stops (its pings and reads are killed) and the loop returns. */
  readonly signal: AbortSignal;
  /** Called after every round with the new snapshot (the server serves the latest). */
  readonly onSnapshot: (s: WatchSnapshot) => void;
  readonly log?: (line: string) => void;
  /** Stop after this many rounds (tests, benches). */
  readonly maxRounds?: number;
  /** Tests: the round (default: watchRound) and readiness (default: checkCommand on the host). */
  readonly round?: (topo: Topology, hosts: ReadonlyMap<string, Host>, o: RoundOptions) => Promise<RoundResult>;
  readonly ready?: (host: Host, spec: HostSpec, topo: Topology) => Promise<{ ready: boolean; failed: readonly string[] }>;
}

/** `check` against one end: its tunnel device and both labels, failing on failures only. */
async function checkReady(host: Host, spec: HostSpec, topo: Topology): Promise<{ ready: boolean; failed: readonly string[] }> {
  const r = await checkCommand({ host, iface: topo.tunnel.name, labels: topo.hosts.map((h) => h.label), ignore: [], failOn: 'fail', target: formatTarget(spec.target) });
  return { ready: r.ready, failed: r.checks.filter((c) => c.status === 'fail' || c.status === 'error').map((c) => `${c.id} ${c.status}: ${c.summary}`) };
}

/** Waits `ms`, or less when `signal` aborts; leaves no listener behind either way. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal.addEventListener('abort', done, { once: true });
  });
}

const key = (d: DirectionStatus): string => `${d.from}->${d.to} ${d.up ? 'up' : `down (${d.cause?.id ?? 'cause unknown'})`}`;
const word = (d: DirectionStatus): string => (d.up ? key(d) : `${key(d)}: ${d.cause?.explanation ?? d.explanation}`);

/**
 * `mplsgre watch`'s loop: a round every `intervalS` (a round that overruns delays the next, never
 * two at once), `check` on each host every `checkIntervalS` between two rounds, the snapshot
 * handed on after each round and each check. Logs a line when a direction changes state. Returns the last snapshot when aborted.
 */
export async function watchLoop(topo: Topology, hosts: ReadonlyMap<string, Host>, opts: WatchLoopOptions): Promise<WatchSnapshot> {
  const round = opts.round ?? watchRound;
  const ready = opts.ready ?? checkReady;
  const waitS = Math.min(1, Math.max(0.2, opts.intervalS / 2));
  let snap: WatchSnapshot = {
    tunnel: topo.tunnel.name, directions: [], counters: [], rounds: 0,
    readiness: topo.hosts.map((h) => ({ host: h.name, target: formatTarget(h.target) })),
  };
  let lastCheck = -Infinity;
  let said = '';
  const signal = opts.signal;
  let reads: RoundResult['reads'];
  // check runs between rounds, never beside one, and one host after the other: each starts
  // processes, and on a starved machine (user-mode Linux under load) checks beside rounds or
  // each other had their namespace reads time out.
  const checkOne = async (h: HostSpec): Promise<HostReadiness> => {
    const t0 = performance.now();
    const base = { host: h.name, target: formatTarget(h.target) };
    try {
      const r = await ready(hosts.get(h.name)!, h, topo);
      return { ...base, ready: r.ready, at: Date.now() / 1000, durationS: (performance.now() - t0) / 1000, ...(r.failed.length ? { failed: r.failed } : {}) };
    } catch (err) {
      return { ...base, at: Date.now() / 1000, error: (err as Error).message };
    }
  };
  const check = async (): Promise<void> => {
    const r: HostReadiness[] = [];
    for (const h of topo.hosts) r.push(await checkOne(h));
    snap = { ...snap, readiness: r };
  };
  while (!signal.aborted && (opts.maxRounds === undefined || snap.rounds < opts.maxRounds)) {
    const started = performance.now();
    let result: RoundResult;
    try {
      result = await round(topo, hosts, { waitS, signal, ...(reads ? { before: reads } : {}) });
    } catch (err) {
      if (signal.aborted) break;
      const why = (err as Error).message;
      opts.log?.(`round ${snap.rounds + 1} failed: ${why}`);
      result = {
        counters: snap.counters,
        directions: ([[0, 1], [1, 0]] as const).map(([i, k]) => ({
          from: topo.hosts[i].name, to: topo.hosts[k].name, label: topo.hosts[i].label, up: false, sent: 0, received: 0,
          explanation: why, cause: { id: null, confidence: 'possible' as const, explanation: why, evidence: [] },
        })),
      };
    }
    if (signal.aborted) break;
    reads = result.reads;
    const ended = performance.now();
    snap = { ...snap, directions: result.directions, counters: result.counters, rounds: snap.rounds + 1, lastRoundAt: Date.now() / 1000, lastRoundDurationS: (ended - started) / 1000 };
    opts.onSnapshot(snap);
    // One line when a direction changes state, not one a round: days of rounds must not flood the journal.
    const now = result.directions.map(key).join('; ');
    if (now !== said) opts.log?.(`round ${snap.rounds}: ${result.directions.map(word).join('; ')}`);
    said = now;
    // After the round is published, and at most every checkIntervalS: the next round waits for it.
    if (performance.now() - lastCheck >= opts.checkIntervalS * 1000) {
      lastCheck = performance.now();
      await check();
      if (signal.aborted) break;
      opts.onSnapshot(snap);
    }
    await pause(started + opts.intervalS * 1000 - performance.now(), signal);
  }
  return snap;
}
