import type { PacketRecord } from '../capture/record.js';

/** One direction's packets, counted from the captures. */
export interface DirectionEvidence {
  readonly from: string;
  readonly to: string;
  /** The label `from` pushes; `to` pops it. */
  readonly label: number;
  /** The label `to` pushes on replies. */
  readonly replyLabel: number;
  readonly sent: number;
  readonly received: number;
  /** Echo requests on the sender's tunnel, by outermost label ("none" when unlabelled). */
  readonly requestLabels: Readonly<Record<string, number>>;
  /** Echo requests seen on the receiver's underlay inside GRE (0x8847) with `label`. */
  readonly onWireInGre: number;
  /** Echo replies seen on the sender's underlay inside GRE with `replyLabel`. */
  readonly repliesInGre: number;
  /** Echo requests that reached the receiver's tunnel. */
  readonly arrivedAtPeer: number;
}

export type DirectionCause =
  | 'capture_incomplete'
  | 'no_label'
  | 'wrong_label'
  | 'not_on_wire'
  | 'not_delivered'
  | 'no_reply'
  | 'reply_not_labelled'
  | 'loss';

export interface DirectionVerdict {
  readonly ok: boolean;
  readonly cause: DirectionCause | null;
  readonly explanation: string;
}

export interface EchoFilter {
  readonly src: string;
  readonly dst: string;
  readonly type: 'request' | 'reply';
  /** Outermost label required; undefined: any (or none). */
  readonly label?: number;
  readonly inGre?: boolean;
}

const ECHO = { request: [8, 128], reply: [0, 129] } as const;

/** Counts ICMP echo packets matching the filter: the packets mplsgre sent, told apart from any other traffic. */
export function countEcho(records: Iterable<PacketRecord>, f: EchoFilter): number {
  let n = 0;
  for (const r of records) {
    const ip = r.inner ?? r.outer;
    if (!ip || !r.icmp || ip.src !== f.src || ip.dst !== f.dst) continue;
    if (!(ECHO[f.type] as readonly number[]).includes(r.icmp.type)) continue;
    if (f.label !== undefined && r.mpls[0]?.label !== f.label) continue;
    if (f.inGre && r.gre?.proto !== 0x8847) continue;
    n++;
  }
  return n;
}

/** Echo requests by outermost label: `{ "100": 5 }`, or `{ none: 5 }` when they left unlabelled. */
export function labelsOf(records: Iterable<PacketRecord>, src: string, dst: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of records) {
    const ip = r.inner ?? r.outer;
    if (!ip || !r.icmp || ip.src !== src || ip.dst !== dst || !(ECHO.request as readonly number[]).includes(r.icmp.type)) continue;
    const key = r.mpls.length ? r.mpls.map((m) => m.label).join('/') : 'none';
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

/**
 * The verdict for one direction. The sanity count comes first: unless the sender's capture saw
 * every request sent, nothing is judged from it.
 */
export function judgeDirection(e: DirectionEvidence): DirectionVerdict {
  const seen = Object.values(e.requestLabels).reduce((a, b) => a + b, 0);
  const labelled = e.requestLabels[String(e.label)] ?? 0;
  const v = (cause: DirectionCause | null, explanation: string): DirectionVerdict => ({ ok: cause === null, cause, explanation });
  if (e.sent === 0) return v('capture_incomplete', 'no echo request was sent');
  if (seen < e.sent) return v('capture_incomplete', `the sender's tunnel capture saw ${seen} of ${e.sent} requests: cannot judge`);
  if (labelled === 0) {
    return (e.requestLabels.none ?? 0) > 0
      ? v('no_label', `requests left ${e.from} without an MPLS label (route lacks encap mpls ${e.label})`)
      : v('wrong_label', `requests left ${e.from} with label ${Object.keys(e.requestLabels).join(', ')}, not ${e.label}`);
  }
  if (e.onWireInGre === 0) return v('not_on_wire', `no request crossed the underlay inside GRE with label ${e.label}`);
  if (e.arrivedAtPeer === 0 && e.received === 0) return v('not_delivered', `requests crossed the underlay but ${e.to} did not deliver them`);
  if (e.received === 0) return v('no_reply', `${e.to} received the requests but no reply came back`);
  if (e.repliesInGre === 0) return v('reply_not_labelled', `replies came back, but not inside GRE with label ${e.replyLabel}`);
  if (e.received < e.sent) return v('loss', `${e.sent - e.received} of ${e.sent} requests lost`);
  return v(null, `${e.received}/${e.sent} replies, label ${e.label} inside GRE on the wire, replies with label ${e.replyLabel}`);
}
