import type { CauseId } from '../ids.js';
import type { PathContext, Stage } from '../types.js';

/** What a stage of verify points at, as a message of the knowledge base does: the end to look at and the candidates there. */
export interface StageEntry {
  /** The end whose facts the candidates are judged on. */
  readonly at: 'sender' | 'receiver';
  /** Candidates, in the order the kernel meets them: on a tie in confidence, the first wins. */
  readonly causes: readonly CauseId[];
  /** What to say when no candidate is certain or likely. */
  readonly none: (c: PathContext) => string;
}

/** Why labelled packets stop at the receiver: its settings, in the order its kernel applies them, then its counters. */
const AT_RECEIVER: readonly CauseId[] = [
  'interface_missing', 'device_down', 'tunnel_endpoint_mismatch', 'mpls_router_missing', 'mpls_input_disabled',
  'platform_labels_too_small', 'label_not_routed', 'label_ttl_expired', 'rp_filter_strict', 'mtu_exceeded',
];
const reached = (c: PathContext): string => `the packets reached ${c.receiver.host} and no setting there explains their loss`;

export const STAGE_CAUSES: Readonly<Record<Stage, StageEntry>> = {
  not_configured: { at: 'sender', causes: ['interface_missing', 'device_down', 'overlay_route_absent'], none: (c) => `the tunnel is not configured on ${c.sender.host}` },
  not_sent: {
    at: 'sender', causes: ['interface_missing', 'device_down', 'overlay_route_absent'],
    none: (c) => `ping on ${c.sender.host} sent nothing, and its tunnel and overlay route are in place (see ping's message)`,
  },
  capture_incomplete: { at: 'sender', causes: [], none: () => 'the sender\'s capture holds fewer requests than ping sent (tcpdump lost packets): nothing is judged from it' },
  not_labelled: { at: 'sender', causes: ['route_not_labelled'], none: (c) => `${c.sender.host}'s requests left unlabelled` },
  wrong_endpoint: { at: 'sender', causes: ['tunnel_endpoint_mismatch'], none: (c) => `${c.sender.host} sends its GRE packets elsewhere than ${c.receiverUnderlay}` },
  not_sent_in_gre: { at: 'sender', causes: ['tunnel_endpoint_mismatch', 'underlay_unreachable'], none: (c) => `GRE packets for ${c.receiverUnderlay} never left ${c.sender.host}` },
  not_on_wire: { at: 'sender', causes: ['tunnel_endpoint_mismatch', 'underlay_unreachable'], none: (c) => `GRE packets for ${c.receiverUnderlay} never reached it` },
  not_delivered: { at: 'receiver', causes: AT_RECEIVER, none: reached },
  no_reply: { at: 'receiver', causes: AT_RECEIVER, none: reached },
  reply_not_labelled: { at: 'receiver', causes: AT_RECEIVER, none: reached },
  // Some crossed: only a counter that moved can name a cause.
  loss: {
    at: 'receiver', causes: ['mpls_input_disabled', 'label_not_routed', 'label_ttl_expired', 'mtu_exceeded'],
    none: () => 'some packets crossed: no setting explains a partial loss (congestion, a rate limit, a flapping underlay?)',
  },
  mtu: { at: 'sender', causes: ['mtu_exceeded'], none: () => 'packets that fit the tunnel MTU do not cross' },
  // In the order the sender's kernel meets them: the mark, the rules by preference, the class table.
  class_wrong_label: {
    at: 'sender', causes: ['class_mark_missing', 'class_rule_missing', 'class_rule_shadowed', 'class_route_missing'],
    none: (c) => `${c.sender.host}'s packets of class ${c.trafficClass?.name ?? '?'} did not leave under label ${c.trafficClass?.label ?? c.label}`,
  },
  class_not_delivered: {
    at: 'receiver', causes: ['interface_missing', 'device_down', 'mpls_router_missing', 'mpls_input_disabled', 'class_label_not_routed', 'label_ttl_expired', 'rp_filter_strict'],
    none: (c) => `${c.sender.host}'s packets of class ${c.trafficClass?.name ?? '?'} reached ${c.receiver.host} under label ${c.trafficClass?.label ?? c.label} and were not answered`,
  },
  class_tc_bits: {
    at: 'sender', causes: [],
    none: (c) => `${c.sender.host}'s packets of class ${c.trafficClass?.name ?? '?'} left under label ${c.trafficClass?.label ?? c.label} without the class's traffic-class bits: the act_mpls filter on ${c.sender.iface} sets them (tc -s filter show dev ${c.sender.iface} egress)`,
  },
  class_outer_dscp: {
    at: 'sender', causes: ['class_outer_dscp_missing'],
    none: (c) => `${c.sender.host}'s packets of class ${c.trafficClass?.name ?? '?'} left without the class's DSCP in the outer header: the underlay cannot tell the class apart`,
  },
};
