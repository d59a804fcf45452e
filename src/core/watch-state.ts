import type { Confidence } from '../causes/types.js';

/** The last round's word on one direction: what `mplsgre_direction_*` export. */
export interface DirectionStatus {
  readonly from: string;
  readonly to: string;
  readonly label: number;
  readonly up: boolean;
  /** Pings `from` sent to `to` this round, and how many were answered. */
  readonly sent: number;
  readonly received: number;
  /** Average round trip of the answered pings, in milliseconds. */
  readonly rttMs?: number;
  readonly explanation: string;
  /** Why the direction is down: a cause id (null: none named), how sure, what showed it. */
  readonly cause?: { readonly id: string | null; readonly confidence: Confidence; readonly explanation: string; readonly evidence: readonly string[] };
}

/** One device's MPLS counters as the kernel last gave them. */
export interface DeviceSample {
  readonly ifname: string;
  readonly counters: Readonly<Record<string, number>>;
}

/** One host's MPLS counters: every device the last read listed (replaced each round). */
export interface HostCounters {
  readonly host: string;
  readonly target: string;
  readonly ok: boolean;
  readonly error?: string;
  readonly devices: readonly DeviceSample[];
}

/** The last `check` of one host. */
export interface HostReadiness {
  readonly host: string;
  readonly target: string;
  /** undefined until the first check has finished, or when it could not run. */
  readonly ready?: boolean;
  /** Unix seconds the check finished. */
  readonly at?: number;
  readonly durationS?: number;
  /** The checks that failed or errored, with their summary, when not ready. */
  readonly failed?: readonly string[];
  readonly error?: string;
}

/**
 * What `watch` serves: the last round only. Every field is replaced, never appended to, so the
 * process holds the same amount whether it has run ten rounds or ten million.
 */
export interface WatchSnapshot {
  readonly tunnel: string;
  readonly directions: readonly DirectionStatus[];
  readonly counters: readonly HostCounters[];
  readonly readiness: readonly HostReadiness[];
  readonly rounds: number;
  /** Unix seconds the last round finished; undefined before the first. */
  readonly lastRoundAt?: number;
  readonly lastRoundDurationS?: number;
}
