/** The data segments of one TCP flow at one capture point, summed. */
export interface SegmentCount {
  /** Segments carrying data (a GSO packet the capture saw whole counts as one). */
  readonly segments: number;
  readonly payloadBytes: number;
  readonly largest: number;
}

/** What one end of a transfer reported (src/host/tcp-endpoint.ts prints it). */
export interface TcpEndReport {
  readonly bytes: number;
  readonly sha256: string;
  readonly ms: number;
  readonly stalled: boolean;
  readonly error?: string;
}

/** One direction's bulk TCP transfer: what the two ends said, and what the captures saw. */
export interface TcpEvidence {
  readonly from: string;
  readonly to: string;
  readonly label: number;
  readonly requested: number;
  /** The transfer could not run: why. */
  readonly skipped?: string;
  /** An endpoint that gave no report: why. */
  readonly error?: string;
  readonly sender?: TcpEndReport;
  readonly receiver?: TcpEndReport;
  /** The flow's data segments leaving the sender inside GRE with `label`. */
  readonly leftInGre: SegmentCount;
  /** The flow's data segments reaching the receiver's underlay inside GRE with `label`. */
  readonly arrivedInGre: SegmentCount;
  /** The ICMP payload of the pings that crossed the same direction. */
  readonly pingPayload: number;
  readonly mplsGso?: boolean;
}

/** One direction's bulk TCP transfer, judged. */
export interface TcpResult {
  /** Every byte arrived (digests equal), the transfer did not stall, and its segments crossed labelled inside GRE. */
  readonly ok: boolean;
  /** Bytes delivered to the receiver. */
  readonly bytes: number;
  /** Bytes the sender wrote. */
  readonly sent: number;
  /** SHA-256 of what was sent equals that of what arrived. */
  readonly digestMatch: boolean;
  /** Delivered Mbit/s over the receiver's first to last byte. */
  readonly throughputMbps: number | null;
  readonly durationMs: number;
  readonly stalled: boolean;
  /** Data segments of the transfer that left the sender inside GRE with the direction's label. */
  readonly segmentsLeftInGre: number;
  /** Data segments of the transfer that reached the receiver's underlay inside GRE with the label. */
  readonly segmentsInGre: number;
  /** Largest TCP payload seen leaving the sender inside GRE (a GSO packet the capture saw whole counts as one). */
  readonly largestSegment: number;
  /** Largest TCP payload that reached the receiver's underlay inside GRE. */
  readonly largestArrived: number;
  /** Whether mpls_gso was loaded on the sender. */
  readonly mplsGso?: boolean;
  /** Why the transfer did not run, or failed. */
  readonly reason?: string;
  /** Set when the transfer could not run at all (no endpoint for the host). */
  readonly skipped?: boolean;
}

export interface TcpVerdict {
  readonly tcp: TcpResult;
  /**
   * Small pings crossed, the transfer did not complete, and segments larger than any that
   * arrived left the sender labelled inside GRE: a path MTU smaller than the tunnel assumes.
   */
  readonly mtu: boolean;
  /** What the transfer showed, as evidence lines for a root cause. */
  readonly evidence: readonly string[];
}

/** Judges one direction's transfer from the two ends' reports and the captures. Pure. */
export function judgeTcp(e: TcpEvidence): TcpVerdict {
  const left = e.leftInGre;
  const arrived = e.arrivedInGre;
  const base = {
    segmentsLeftInGre: left.segments, segmentsInGre: arrived.segments, largestSegment: left.largest, largestArrived: arrived.largest,
    ...(e.mplsGso !== undefined ? { mplsGso: e.mplsGso } : {}),
  };
  if (e.skipped !== undefined) {
    return { tcp: { ok: false, bytes: 0, sent: 0, digestMatch: false, throughputMbps: null, durationMs: 0, stalled: false, ...base, reason: e.skipped, skipped: true }, mtu: false, evidence: [] };
  }
  const s = e.sender;
  const r = e.receiver;
  const delivered = r?.bytes ?? 0;
  const sent = s?.bytes ?? 0;
  const digestMatch = s !== undefined && r !== undefined && s.bytes === r.bytes && s.sha256 === r.sha256;
  const stalled = (r?.stalled ?? false) || (s?.stalled ?? false);
  const complete = digestMatch && delivered === e.requested;
  const mtu = !complete && left.segments > 0 && left.largest > arrived.largest;
  const error = e.error ?? s?.error ?? r?.error;
  let reason: string | undefined;
  if (stalled && !complete) reason = `the transfer stalled: ${delivered} of ${e.requested} bytes arrived`;
  else if (error !== undefined && !complete) reason = error;
  else if (!complete) reason = digestMatch ? `${delivered} of ${e.requested} bytes arrived` : `the digests differ: ${sent} bytes sent, ${delivered} arrived`;
  else if (left.segments === 0) reason = `no segment of the transfer left ${e.from} inside GRE with label ${e.label}`;
  else if (arrived.segments === 0) reason = `no segment of the transfer reached ${e.to}'s underlay inside GRE with label ${e.label}`;
  const evidence = mtu
    ? [`${e.from} sent TCP segments of up to ${left.largest} bytes labelled ${e.label} in GRE; ${arrived.segments === 0 ? `none reached ${e.to}` : `the largest that reached ${e.to} carried ${arrived.largest} bytes`}; ${e.pingPayload}-byte pings crossed`, reason ?? '']
    : reason !== undefined ? [`TCP ${e.from}->${e.to}: ${reason}`] : [];
  const throughputMbps = r && r.ms > 0 && delivered > 0 ? Math.round((delivered * 8) / r.ms / 100) / 10 : null;
  return {
    tcp: {
      ok: reason === undefined, bytes: delivered, sent, digestMatch, throughputMbps, durationMs: Math.max(s?.ms ?? 0, r?.ms ?? 0), stalled, ...base,
      ...(reason !== undefined ? { reason } : {}),
    },
    mtu,
    evidence: evidence.filter(Boolean),
  };
}
