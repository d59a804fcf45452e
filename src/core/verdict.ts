import type { PacketRecord } from '../capture/record.js';
import type { Stage } from './root-cause.js';

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
  /** Echo requests on the sender's tunnel, by label stack ("none" when unlabelled). */
  readonly requestLabels: Readonly<Record<string, number>>;
  /** Echo requests leaving the sender inside GRE, by outer destination. */
  readonly greOut: Readonly<Record<string, number>>;
  readonly receiverUnderlay: string;
  /** Echo requests seen on the receiver's underlay inside GRE (0x8847) with `label`. */
  readonly onWireInGre: number;
  /** Echo requests that reached the receiver's tunnel. */
  readonly arrivedAtPeer: number;
  /** Echo replies leaving the receiver inside GRE. */
  readonly repliesLeftPeer: number;
  /** Echo replies seen on the sender's underlay inside GRE with `replyLabel`. */
  readonly repliesInGre: number;
}

export interface DirectionVerdict {
  readonly ok: boolean;
  /** Where the packets were last seen, when the direction failed. */
  readonly stage: Stage | null;
  /** Which way the failing packets travel: the requests, or the replies coming back. */
  readonly leg: 'request' | 'reply' | null;
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
 * The verdict for one direction, from where its packets were last seen. The sanity count comes
 * first: unless the sender's capture saw every request sent, nothing is judged from it.
 */
export function judgeDirection(e: DirectionEvidence): DirectionVerdict {
  const seen = Object.values(e.requestLabels).reduce((a, b) => a + b, 0);
  const labelled = e.requestLabels[String(e.label)] ?? 0;
  const greTotal = Object.values(e.greOut).reduce((a, b) => a + b, 0);
  const v = (stage: Stage | null, leg: 'request' | 'reply' | null, explanation: string): DirectionVerdict => ({ ok: stage === null, stage, leg, explanation });
  if (e.sent === 0) return v('not_sent', 'request', 'no echo request was sent');
  if (seen < e.sent) return v('capture_incomplete', null, `the sender's tunnel capture saw ${seen} of ${e.sent} requests: cannot judge`);
  if (labelled === 0) {
    const got = Object.keys(e.requestLabels).join(', ');
    return v('not_labelled', 'request', `requests left ${e.from} ${got === 'none' ? 'without an MPLS label' : `with label ${got}`}, not ${e.label}`);
  }
  if (greTotal === 0) return v('not_sent_in_gre', 'request', `labelled requests never left ${e.from} inside GRE`);
  if ((e.greOut[e.receiverUnderlay] ?? 0) === 0) return v('wrong_endpoint', 'request', `${e.from} sent its GRE packets to ${Object.keys(e.greOut).join(', ')}, not ${e.receiverUnderlay}`);
  if (e.onWireInGre === 0) return v('not_on_wire', 'request', `no request reached ${e.to}'s underlay inside GRE with label ${e.label}`);
  if (e.arrivedAtPeer === 0 && e.received === 0) return v('not_delivered', 'request', `requests reached ${e.to}'s underlay but not its tunnel`);
  if (e.received === 0) {
    return e.repliesLeftPeer > 0
      ? v('no_reply', 'reply', `${e.to} replied, but the replies never came back to ${e.from}`)
      : v('no_reply', 'request', `${e.to}'s tunnel received the requests but ${e.to} never replied`);
  }
  if (e.repliesInGre === 0) return v('reply_not_labelled', 'reply', `replies came back, but not inside GRE with label ${e.replyLabel}`);
  if (e.received < e.sent) return v('loss', null, `${e.sent - e.received} of ${e.sent} requests lost`);
  return v(null, null, `${e.received}/${e.sent} replies, label ${e.label} inside GRE on the wire, replies with label ${e.replyLabel}`);
}

/** Requests (or replies) leaving inside GRE, by outer destination. */
export function greByDestination(records: Iterable<PacketRecord>, src: string, dst: string, type: 'request' | 'reply'): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of records) {
    if (!r.gre || !r.outer || !r.inner || !r.icmp || r.inner.src !== src || r.inner.dst !== dst) continue;
    if (!(ECHO[type] as readonly number[]).includes(r.icmp.type)) continue;
    out[r.outer.dst] = (out[r.outer.dst] ?? 0) + 1;
  }
  return out;
}
