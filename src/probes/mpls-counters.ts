import type { Host } from '../host/host.js';

/**
 * The kernel's per-device MPLS counters (net/mpls/af_mpls.c, `struct mpls_link_stats`), named
 * as the kernel's drop reasons are spoken of: `rx_noroute` a labelled packet with no label route,
 * `rx_dropped` MPLS input off on the device, `rx_errors` a packet the kernel could not forward
 * (TTL expired, no ICMP sent), `tx_errors` too big for the next hop, `tx_dropped` a device that
 * cannot send.
 */
export const COUNTER_NAMES = [
  'rx_packets', 'rx_bytes', 'rx_errors', 'rx_dropped', 'rx_noroute',
  'tx_packets', 'tx_bytes', 'tx_errors', 'tx_dropped',
] as const;

export type CounterName = (typeof COUNTER_NAMES)[number];

export type Counters = Readonly<Record<CounterName, number>>;

/** One device's MPLS counters. Devices without MPLS state (mpls_router not loaded) have none. */
export interface DeviceCounters {
  readonly ifname: string;
  readonly counters: Counters;
}

/** What one host's counters read gave: every device that has MPLS counters, or why none could be read. */
export type CountersRead =
  | { readonly ok: true; readonly devices: readonly DeviceCounters[] }
  | { readonly ok: false; readonly error: string };

/** The command that reads them: one for every device of the host (iproute2 5.18 or later). */
export const COUNTERS_ARGV: readonly string[] = ['-j', 'stats', 'show', 'group', 'afstats', 'subgroup', 'mpls'];

/** The same command for one device. */
export const countersArgv = (dev: string): string[] => ['-j', 'stats', 'show', 'dev', dev, 'group', 'afstats', 'subgroup', 'mpls'];

interface StatsEntry {
  readonly ifname?: unknown;
  readonly mpls_stats?: { readonly rx?: Record<string, unknown>; readonly tx?: Record<string, unknown> };
}

const count = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0);

/**
 * Parses `ip -j stats show group afstats subgroup mpls`. Throws on output that is not that
 * command's JSON (a caller reports it as the read's error); a device listed without
 * `mpls_stats` is left out.
 */
export function parseMplsStats(json: string): DeviceCounters[] {
  const doc = JSON.parse(json.trim() || '[]') as unknown;
  if (!Array.isArray(doc)) throw new Error('not a list of devices');
  const out: DeviceCounters[] = [];
  for (const e of doc as StatsEntry[]) {
    if (typeof e?.ifname !== 'string' || !e.mpls_stats) continue;
    const rx = e.mpls_stats.rx ?? {};
    const tx = e.mpls_stats.tx ?? {};
    out.push({
      ifname: e.ifname,
      counters: {
        rx_packets: count(rx.packets), rx_bytes: count(rx.bytes), rx_errors: count(rx.errors), rx_dropped: count(rx.dropped), rx_noroute: count(rx.noroute),
        tx_packets: count(tx.packets), tx_bytes: count(tx.bytes), tx_errors: count(tx.errors), tx_dropped: count(tx.dropped),
      },
    });
  }
  return out;
}

/** Reads every device's MPLS counters on a host: one command. Never throws; a failure says why. */
export async function readMplsCounters(host: Host, opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<CountersRead> {
  const r = await host.exec('ip', COUNTERS_ARGV, { timeoutMs: opts.timeoutMs ?? 5_000, ...(opts.signal ? { signal: opts.signal } : {}) });
  if (r.failed) {
    const why = r.stderr.trim().split('\n')[0] || r.spawnError || (r.timedOut ? 'timed out' : `exit ${r.exitCode}`);
    return { ok: false, error: `ip ${COUNTERS_ARGV.join(' ')}: ${why}` };
  }
  try {
    return { ok: true, devices: parseMplsStats(r.stdout) };
  } catch (e) {
    return { ok: false, error: `ip ${COUNTERS_ARGV.join(' ')}: unreadable output (${(e as Error).message})` };
  }
}

/** A counter that moved between two reads of one device. */
export interface CounterMove {
  readonly ifname: string;
  readonly counter: CounterName;
  readonly delta: number;
}

/**
 * What moved on each device between two reads. A counter that went down (the device was made
 * again between the reads) counts from zero: its new value is the delta.
 */
export function countersMoved(before: readonly DeviceCounters[], after: readonly DeviceCounters[]): CounterMove[] {
  const was = new Map(before.map((d) => [d.ifname, d.counters]));
  const out: CounterMove[] = [];
  for (const d of after) {
    const b = was.get(d.ifname);
    for (const name of COUNTER_NAMES) {
      const now = d.counters[name];
      const delta = b && now >= b[name] ? now - b[name] : now;
      if (delta > 0) out.push({ ifname: d.ifname, counter: name, delta });
    }
  }
  return out;
}

/** `rx_noroute +3 on B's foo4`: how a move is cited as evidence. */
export function citeMove(host: string, m: CounterMove): string {
  return `${m.counter} +${m.delta} on ${host}'s ${m.ifname}`;
}
