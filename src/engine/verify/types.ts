import type { RootCause, Stage } from '../../core/root-cause.js';
import type { CounterMove } from '../../probes/mpls-counters.js';
import type { TcpResult } from '../../core/tcp-verdict.js';

export type { TcpResult } from '../../core/tcp-verdict.js';

export interface MtuResult {
  /** Largest ICMP payload that crossed with DF set, among the sizes tried. */
  readonly largestPayload: number | null;
  /** Smallest size tried that did not cross. */
  readonly firstFailing: number | null;
  /** payload + ICMP 8 + IP 20 + one label 4: the packet size inside the tunnel. */
  readonly largestTunnelPacket: number | null;
  readonly tunnelMtu: number | null;
  /** The payload the tunnel MTU says must cross: MTU - 4 (label) - 20 (IP) - 8 (ICMP). */
  readonly predicted: number;
  readonly tried: readonly { payload: number; crossed: boolean }[];
}

export interface DirectionResult {
  readonly from: string;
  readonly to: string;
  readonly label: number;
  readonly sent: number;
  readonly received: number;
  readonly labelsSeen: readonly number[];
  readonly requestLabels: Readonly<Record<string, number>>;
  readonly onWireInGre: number;
  readonly repliesInGre: number;
  readonly rttMs?: { min: number; avg: number; max: number };
  /** The outer DSCPs of the unmarked requests leaving inside GRE (only where the topology has classes): 0. */
  readonly outerDscp?: readonly number[];
  readonly mtu?: MtuResult;
  readonly tcp?: TcpResult;
  readonly ok: boolean;
  /** Where the packets were last seen, when the direction failed. */
  readonly stage: Stage | null;
  /** The stable cause id (as `diagnose` uses), or null when the evidence names none. */
  readonly cause: string | null;
  readonly explanation: string;
  /** The diagnosis behind `cause`: confidence, what the hosts said, the fix. */
  readonly rootCause?: RootCause;
}

/** One traffic class of one host, pinged to its peer with one of its DSCPs: what the captures showed. */
export interface ClassResult {
  readonly name: string;
  readonly from: string;
  readonly to: string;
  /** The DSCP the pings carried (`ping -Q`, TOS = DSCP << 2); for a class selected by its mark alone, a DSCP no class uses. */
  readonly dscp: number;
  /** The firewall mark the pings carried (`ping -m`): a class selected by its mark alone. */
  readonly mark?: number;
  /** The class label the requests must carry inside GRE. */
  readonly label: number;
  readonly sent: number;
  readonly received: number;
  /** Top labels of the requests with `dscp` leaving the sender inside GRE; `[label]` when the class works. */
  readonly labelsSeen: readonly number[];
  readonly requestLabels: Readonly<Record<string, number>>;
  /** Outer DSCPs of those under the class label. */
  readonly outerDscp: readonly number[];
  /** The outer DSCP the class's packets must leave with: its first DSCP, 0 for a class selected by its mark alone. */
  readonly wantOuterDscp: number;
  /** For a class with `tc`: the traffic-class bits its requests under the class label carried, and the bits they must carry. */
  readonly tc?: readonly number[];
  readonly wantTc?: number;
  /** The requests under the class label reached the peer's underlay with the inner DSCP they left with. */
  readonly innerDscpKept: boolean;
  /** The label the peer must answer under: its class for `dscp`, else its default label. */
  readonly replyLabel: number;
  readonly replyLabelsSeen: readonly number[];
  readonly rttMs?: { min: number; avg: number; max: number };
  readonly ok: boolean;
  readonly stage: Stage | null;
  readonly cause: string | null;
  readonly explanation: string;
  readonly rootCause?: RootCause;
}

/** One host's MPLS counters across verify's traffic: what moved, or why they could not be read. */
export interface CountersResult {
  readonly host: string;
  readonly ok: boolean;
  readonly error?: string;
  readonly moved: readonly CounterMove[];
}

export interface SkippedStep {
  readonly what: 'captures' | 'pings' | 'mtu' | 'tcp' | 'counters';
  readonly direction?: string;
  /** The host a per-host step (the counters) was skipped on. */
  readonly host?: string;
  readonly reason: string;
}

export interface VerifyResult {
  readonly ok: boolean;
  readonly tunnel: string;
  readonly count: number;
  readonly directions: readonly DirectionResult[];
  /** Each traffic class each way (only where the topology has classes); `ok` requires every one. */
  readonly classes?: readonly ClassResult[];
  /** Per host: tcpdump's own counts, and the packets decoded from its file (equal to `captured` when nothing was lost). */
  readonly captures: readonly { host: string; iface: string; captured?: number; droppedByKernel?: number; decoded: number }[];
  /** Per host: the kernel's MPLS counters that moved between before and after the traffic. */
  readonly counters: readonly CountersResult[];
  /** What verify did not run, and why (a tunnel that is not configured, a direction where nothing crossed). */
  readonly skipped: readonly SkippedStep[];
  readonly durationMs: number;
}

export interface VerifyOptions {
  readonly count: number;
  /** Seconds between pings; below 0.002 only as root (iputils); 0: the next as soon as a reply is in. */
  readonly interval: number;
  readonly mtu: boolean;
  /** Bytes of the bulk TCP transfer each way; 0: none. */
  readonly tcpBytes?: number;
  /** A transfer with no progress for this long is stalled (default 5 s). */
  readonly tcpStallMs?: number;
  readonly log?: (line: string) => void;
  /** Aborted (Ctrl-C, SIGTERM): pings stop, captures stop and are removed, and verify throws the reason. */
  readonly signal?: AbortSignal;
  /** The command that configures the tunnel, named as the fix when it is not configured (default `mplsgre up FILE`). */
  readonly upCommand?: string;
}

/** Bytes of the bulk TCP transfer each way unless told otherwise. */
export const DEFAULT_TCP_BYTES = 4 * 1024 * 1024;

/**
 * The default where an end is reached over ssh: its capture, which holds every segment of the
 * transfer, is read back whole over the connection (about 3 MB per 4 MiB sent), so the transfer
 * is kept to what that read bears. Still thousands of bytes past the segment size: full segments.
 */
export const DEFAULT_TCP_BYTES_SSH = 256 * 1024;
