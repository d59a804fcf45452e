import type { PingSummary } from './ping.js';
import type { Stage } from './root-cause.js';

/** A counter that moved on one device between a round's two reads (as probes/mpls-counters gives it). */
export interface Move {
  readonly ifname: string;
  readonly counter: string;
  readonly delta: number;
}

/** What one round saw of one direction `from` -> `to` (the labelled path `from` pushes onto). */
export interface DirectionRound {
  readonly from: string;
  readonly to: string;
  /** The tunnel device on both ends. */
  readonly iface: string;
  /** `from`'s pings to `to`: its requests cross this direction, their replies the other. */
  readonly ping: PingSummary | undefined;
  /** `to`'s pings to `from`: their replies cross this direction. */
  readonly peerPing: PingSummary | undefined;
  /** What moved on `from`'s devices during the round; undefined when a read failed. */
  readonly senderMoves: readonly Move[] | undefined;
  /** What moved on `to`'s devices during the round; undefined when a read failed. */
  readonly receiverMoves: readonly Move[] | undefined;
}

export interface DirectionJudgement {
  readonly up: boolean;
  /** Where the packets stopped, when down: the cause machinery (src/causes) names the cause from it. */
  readonly stage: Stage | null;
  /** The drop counters on the path that moved, cited: `rx_noroute +3 on B's foo4`. */
  readonly drops?: readonly string[];
  readonly explanation: string;
}

/**
 * The kernel's MPLS drop counters (net/mpls/af_mpls.c) on the path, and where each says the
 * packets stopped: the receiver's after they arrived labelled, the sender's before they left.
 * Which cause a counter names is the cause modules' knowledge (src/causes), not this table's.
 */
const DROPS: readonly { counter: string; end: 'sender' | 'receiver'; stage: Stage }[] = [
  { counter: 'rx_noroute', end: 'receiver', stage: 'not_delivered' },
  { counter: 'rx_dropped', end: 'receiver', stage: 'not_delivered' },
  { counter: 'rx_errors', end: 'receiver', stage: 'not_delivered' },
  { counter: 'tx_errors', end: 'sender', stage: 'mtu' },
  { counter: 'tx_dropped', end: 'sender', stage: 'not_on_wire' },
];

const moved = (moves: readonly Move[], iface: string, counter: string): number =>
  moves.find((m) => m.ifname === iface && m.counter === counter)?.delta ?? 0;

/**
 * Whether one direction carried labelled packets this round, from its pings and the MPLS
 * counters of the two ends' tunnel devices read before and after them. The counters of a GRE
 * device count only labelled packets through that tunnel, so sender tx_packets and receiver
 * rx_packets each moving by at least the echoes that crossed is evidence they crossed labelled.
 * A direction is up when
 * - `from`'s pings were answered (the requests crossed and were delivered), or
 * - `to` sent more labelled packets than its own requests: it replied to `from`'s requests, so
 *   they crossed and were delivered, and only the replies (the other direction) were lost;
 * and in both cases the two counters moved by at least what crossed. Otherwise it is down: a drop
 * counter on the path that moved names the cause; else the stage where the packets stopped.
 * Without counters (a read failed) an answered ping of either end is the only proof.
 */
export function judgeWatchDirection(d: DirectionRound): DirectionJudgement {
  const sent = d.ping?.transmitted ?? 0;
  const answered = d.ping?.received ?? 0;
  const dir = `${d.from}->${d.to}`;
  if (!d.senderMoves || !d.receiverMoves) {
    const any = answered > 0 || (d.peerPing?.received ?? 0) > 0;
    return { up: any, stage: any ? null : 'not_delivered', explanation: any ? `${dir}: pings answered (counters unreadable: not proven labelled)` : `${dir}: no ping answered (counters unreadable)` };
  }
  const tx = moved(d.senderMoves, d.iface, 'tx_packets');
  const rx = moved(d.receiverMoves, d.iface, 'rx_packets');
  const peerRequests = d.peerPing?.transmitted ?? 0;
  const replies = Math.max(0, moved(d.receiverMoves, d.iface, 'tx_packets') - peerRequests);
  const crossed = answered > 0 ? answered : Math.min(replies, sent);
  if (crossed > 0 && tx >= crossed && rx >= crossed) {
    const how = answered > 0 ? `${answered}/${sent} pings answered` : `${d.to} replied to ${crossed} of ${sent} requests (the replies were lost on the way back)`;
    return { up: true, stage: null, explanation: `${dir}: ${how}; tx_packets +${tx} on ${d.from}'s ${d.iface}, rx_packets +${rx} on ${d.to}'s` };
  }
  const drops = DROPS.map((k) => ({ ...k, host: k.end === 'receiver' ? d.to : d.from, delta: moved(k.end === 'receiver' ? d.receiverMoves! : d.senderMoves!, d.iface, k.counter) }))
    .filter((k) => k.delta > 0);
  if (drops.length) {
    const cited = drops.map((k) => `${k.counter} +${k.delta} on ${k.host}'s ${d.iface}`);
    return { up: false, stage: drops[0]!.stage, drops: cited, explanation: `${dir}: ${answered}/${sent} pings answered; ${cited.join(', ')}` };
  }
  if (answered > 0) {
    return { up: false, stage: 'not_labelled', explanation: `${dir}: ${answered}/${sent} pings answered, but ${d.iface}'s counters did not move by them (tx_packets +${tx} on ${d.from}, rx_packets +${rx} on ${d.to}): they did not cross the tunnel labelled` };
  }
  if (sent === 0) return { up: false, stage: 'not_sent', explanation: `${dir}: ping sent nothing` };
  if (tx < sent) return { up: false, stage: 'not_labelled', explanation: `${dir}: 0/${sent} pings answered; tx_packets +${tx} on ${d.from}'s ${d.iface}: the requests did not leave labelled through the tunnel` };
  if (rx < sent) return { up: false, stage: 'not_on_wire', explanation: `${dir}: 0/${sent} pings answered; tx_packets +${tx} on ${d.from}'s ${d.iface} but rx_packets +${rx} on ${d.to}'s: lost between the ends` };
  return { up: false, stage: 'not_delivered', explanation: `${dir}: 0/${sent} pings answered; rx_packets +${rx} on ${d.to}'s ${d.iface}, no drop counted and no reply sent: dropped after the label was popped` };
}
