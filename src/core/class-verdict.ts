import type { Stage } from './root-cause.js';

/** One traffic class in one direction, counted from the captures: its pings are told apart by their inner DSCP. */
export interface ClassEvidence {
  readonly name: string;
  readonly from: string;
  readonly to: string;
  /** The DSCP the class's pings carried (for a class selected by its mark alone: a DSCP no class uses, to tell its pings apart). */
  readonly dscp: number;
  /** The class label `from` pushes; `to` pops it. */
  readonly label: number;
  /** The outer DSCP the class's GRE packets must carry: the class's first DSCP, 0 for a class selected by its mark alone. */
  readonly wantOuterDscp: number;
  /** The label `to` must answer under: its class for `dscp`, else its default label. */
  readonly replyLabel: number;
  /** `to`'s class for `dscp`, when it has one. */
  readonly replyClass?: string;
  readonly sent: number;
  readonly received: number;
  /** Requests with `dscp` leaving the sender's underlay inside GRE, by top label. */
  readonly requestLabels: Readonly<Record<string, number>>;
  /** Those under the class label, by outer DSCP. */
  readonly outerDscps: Readonly<Record<string, number>>;
  /** The MPLS traffic-class bits the class's label must carry (`tc` of the class), when it has them. */
  readonly wantTc?: number;
  /** Those under the class label, by the traffic-class bits of their top label. */
  readonly tcBits: Readonly<Record<string, number>>;
  /** Requests under the class label reaching the receiver's underlay, by inner DSCP. */
  readonly arrivedInnerDscps: Readonly<Record<string, number>>;
  /** Replies with `dscp` leaving the receiver's underlay inside GRE, by top label. */
  readonly repliesLeftPeer: Readonly<Record<string, number>>;
  /** Replies with `dscp` reaching the sender's underlay inside GRE, by top label. */
  readonly replyLabels: Readonly<Record<string, number>>;
}

export interface ClassVerdict {
  readonly ok: boolean;
  readonly stage: Stage | null;
  /** The requests failed, or the replies coming back under the peer's label. */
  readonly leg: 'request' | 'reply' | null;
  readonly explanation: string;
}

const keys = (m: Readonly<Record<string, number>>): number[] => Object.keys(m).filter((k) => (m[k] ?? 0) > 0).map(Number).sort((x, y) => x - y);
const sum = (m: Readonly<Record<string, number>>): number => Object.values(m).reduce((a, b) => a + b, 0);
const list = (ns: readonly number[]): string => ns.join(', ');

/**
 * A class's verdict, in the order its packets travel: sent, left under the class label (the
 * sanity count first: every request sent seen leaving), with the class's outer DSCP, answered,
 * the inner DSCP kept, the replies under the peer's label for that DSCP.
 */
export function judgeClass(e: ClassEvidence): ClassVerdict {
  const who = `class ${e.name} ${e.from}->${e.to}`;
  const v = (stage: Stage | null, leg: ClassVerdict['leg'], text: string): ClassVerdict => ({ ok: stage === null, stage, leg, explanation: stage ? `${who}: ${text}` : text });
  if (e.sent === 0) return v('not_sent', 'request', `no request with DSCP ${e.dscp} was sent`);
  const seen = sum(e.requestLabels);
  if (seen === 0) return v('class_wrong_label', 'request', `requests with DSCP ${e.dscp} did not leave ${e.from} inside GRE, not under label ${e.label} nor any other`);
  const other = keys(e.requestLabels).filter((l) => l !== e.label);
  if (other.length) {
    const some = (e.requestLabels[String(e.label)] ?? 0) > 0 ? `${seen - (e.requestLabels[String(e.label)] ?? 0)} of ${seen} ` : '';
    return v('class_wrong_label', 'request', `${some}requests with DSCP ${e.dscp} left under label ${list(other)}, not ${e.label}`);
  }
  if (seen < e.sent) return v('capture_incomplete', null, `the sender's underlay capture saw ${seen} of ${e.sent} requests with DSCP ${e.dscp}: cannot judge`);
  const outer = keys(e.outerDscps).filter((d) => d !== e.wantOuterDscp);
  if (outer.length) return v('class_outer_dscp', 'request', `requests under label ${e.label} left with outer DSCP ${list(outer)}, not ${e.wantOuterDscp}`);
  const bits = e.wantTc === undefined ? [] : keys(e.tcBits).filter((t) => t !== e.wantTc);
  if (bits.length) return v('class_tc_bits', 'request', `requests under label ${e.label} left with traffic-class bits ${list(bits)}, not ${e.wantTc}`);
  if (e.received === 0) {
    const left = keys(e.repliesLeftPeer);
    if (left.length) {
      const whose = e.replyClass ? ` (${e.to}'s class ${e.replyClass})` : '';
      return v('class_not_delivered', 'reply', `${e.to} answered under label ${list(left)}${whose} and no reply came back to ${e.from} (0/${e.sent})`);
    }
    return v('class_not_delivered', 'request', `requests left under label ${e.label} and none was answered (0/${e.sent})`);
  }
  const inner = keys(e.arrivedInnerDscps).filter((d) => d !== e.dscp);
  if (inner.length) return v('class_not_delivered', 'request', `requests under label ${e.label} reached ${e.to} with inner DSCP ${list(inner)}, not ${e.dscp}`);
  if (e.received < e.sent) return v('class_not_delivered', 'request', `requests left under label ${e.label}; ${e.sent - e.received} of ${e.sent} not answered`);
  const replies = keys(e.replyLabels).filter((l) => l !== e.replyLabel);
  if (replies.length || (e.replyLabels[String(e.replyLabel)] ?? 0) === 0) {
    const whose = e.replyClass ? `${e.to}'s class ${e.replyClass} label` : `${e.to}'s default label`;
    const got = replies.length ? `under label ${list(replies)}` : 'but not inside GRE';
    return v(e.replyClass ? 'class_wrong_label' : 'reply_not_labelled', 'reply', `replies with DSCP ${e.dscp} came back ${got}, not under ${whose} ${e.replyLabel}`);
  }
  const tc = e.wantTc === undefined ? '' : `, tc ${e.wantTc}`;
  return v(null, null, `${e.received}/${e.sent} replies; DSCP ${e.dscp} under label ${e.label}${tc} inside GRE with outer DSCP ${e.wantOuterDscp}, inner DSCP kept; replies under label ${e.replyLabel}`);
}

/** The outer DSCPs and labels of a direction's unmarked requests inside GRE: the default label, outer DSCP 0. */
export interface DefaultMarking {
  readonly label: number;
  /** Unmarked requests leaving the sender inside GRE, by outer DSCP. */
  readonly outerDscps: Readonly<Record<string, number>>;
}

/** An unmarked request that left with an outer DSCP other than 0 (a class's marking on default traffic), or undefined. */
export function defaultOuterFault(from: string, to: string, m: DefaultMarking): { stage: Stage; explanation: string; dscps: number[] } | undefined {
  const bad = keys(m.outerDscps).filter((d) => d !== 0);
  if (!bad.length) return undefined;
  return { stage: 'class_outer_dscp', dscps: bad, explanation: `unmarked requests ${from}->${to} under label ${m.label} left with outer DSCP ${list(bad)}, not 0` };
}
