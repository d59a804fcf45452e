/** What one end's kernel says about the labelled path (see engine/path-facts.ts). */
export interface PathFacts {
  readonly host: string;
  readonly iface: string;
  /** net.mpls.conf.IF.input; absent when the interface or mpls_router is. */
  readonly input?: string;
  readonly platformLabels?: number;
  readonly rp: { readonly all?: number | undefined; readonly lo?: number | undefined; readonly iface?: number | undefined };
  readonly mplsRoutes?: readonly { readonly label: number; readonly dev?: string }[];
  readonly tunnel?: { readonly up: boolean; readonly mtu?: number; readonly kind?: string; readonly local?: string; readonly remote?: string };
  /** `ip route show OVERLAY dev IF`, or null when there is no such route. */
  readonly overlayRoute: string | null;
  /** The labels that route pushes. */
  readonly pushes?: readonly number[];
}

/** Where, along one direction, the packets were last seen. */
export type Stage =
  | 'not_configured'
  | 'not_sent'
  | 'capture_incomplete'
  | 'not_labelled'
  | 'not_sent_in_gre'
  | 'wrong_endpoint'
  | 'not_on_wire'
  | 'not_delivered'
  | 'no_reply'
  | 'reply_not_labelled'
  | 'loss'
  | 'mtu';

export interface RootCause {
  /** A stable cause id (see diagnose), or null when the evidence names none. */
  readonly id: string | null;
  readonly confidence: 'certain' | 'likely' | 'unknown';
  readonly explanation: string;
  readonly evidence: readonly string[];
  readonly fix?: string;
}

export interface PathContext {
  readonly label: number;
  readonly sender: PathFacts;
  readonly receiver: PathFacts;
  /** The receiver's and sender's underlay addresses, as the topology gives them. */
  readonly receiverUnderlay: string;
  readonly senderUnderlay: string;
  readonly overlayPrefix: string;
  /** Outer destinations of the sender's GRE requests, when they went elsewhere than the peer. */
  readonly greDestinations: readonly string[];
  /** The sender's MPLS counters that moved across the traffic (probes/mpls-counters.ts CounterMove). */
  readonly senderCounters?: readonly CounterMoveLike[];
  /** The receiver's MPLS counters that moved across the traffic. */
  readonly receiverCounters?: readonly CounterMoveLike[];
  /** Echo requests sent and not answered. */
  readonly lost?: number;
  /** Lines the failing stage observed (a transfer's facts), for the cause to cite. */
  readonly evidence?: readonly string[];
}

/** A counter that moved on one device, as probes/mpls-counters.ts gives it. */
export interface CounterMoveLike {
  readonly ifname: string;
  readonly counter: string;
  readonly delta: number;
}

const strict = (a: number | undefined, b: number | undefined): boolean => Math.max(a ?? 0, b ?? 0) === 1;

/** Why labelled packets stop at the receiver: the receiving kernel's settings, in the order it applies them. */
function atReceiver(c: PathContext): RootCause | undefined {
  const r = c.receiver;
  const t = r.tunnel;
  if (!t) return { id: 'interface_missing', confidence: 'certain', explanation: `${r.host} has no ${r.iface}`, evidence: [`ip -d link show dev ${r.iface}: absent`], fix: `mplsgre up FILE on ${r.host}` };
  if (!t.up) return { id: 'device_down', confidence: 'certain', explanation: `${r.iface} on ${r.host} is down`, evidence: [`${r.iface}: flags without UP`], fix: `ip link set dev ${r.iface} up` };
  if (t.remote && t.remote !== c.senderUnderlay) {
    return { id: 'tunnel_endpoint_mismatch', confidence: 'certain', explanation: `${r.host}'s ${r.iface} expects GRE from ${t.remote}, but the peer sends from ${c.senderUnderlay}: the kernel finds no tunnel for the packets`, evidence: [`${r.iface} remote ${t.remote}`], fix: `ip tunnel change ${r.iface} remote ${c.senderUnderlay}` };
  }
  if (r.input !== '1') {
    return { id: 'mpls_input_disabled', confidence: 'certain', explanation: `MPLS input is off on ${r.host}'s ${r.iface}: labelled packets arriving there are dropped`, evidence: [`net.mpls.conf.${r.iface}.input=${r.input ?? 'absent'}`], fix: `sysctl -w net.mpls.conf.${r.iface}.input=1` };
  }
  if (r.platformLabels !== undefined && r.platformLabels <= c.label) {
    return { id: 'platform_labels_too_small', confidence: 'certain', explanation: `${r.host} accepts labels below ${r.platformLabels} only; ${c.label} is dropped`, evidence: [`net.mpls.platform_labels=${r.platformLabels}`], fix: `sysctl -w net.mpls.platform_labels=65535` };
  }
  if (r.mplsRoutes && !r.mplsRoutes.some((x) => x.label === c.label)) {
    const have = r.mplsRoutes.map((x) => x.label).join(', ') || 'none';
    return { id: 'label_not_routed', confidence: 'certain', explanation: `${r.host} has no route for label ${c.label} (it routes: ${have}): the kernel drops it (rx noroute)`, evidence: [`ip -f mpls route: ${have}`], fix: `ip -f mpls route add ${c.label} dev lo` };
  }
  if (strict(r.rp.all, r.rp.lo) || strict(r.rp.all, r.rp.iface)) {
    return {
      id: 'rp_filter_strict', confidence: 'certain',
      explanation: `strict reverse-path filtering on ${r.host}: the popped packet arrives on lo from ${c.overlayPrefix}, whose route points into ${r.iface}, and is dropped silently`,
      evidence: [`net.ipv4.conf.all.rp_filter=${r.rp.all}`, `lo=${r.rp.lo}`, `${r.iface}=${r.rp.iface}`],
      fix: 'sysctl -w net.ipv4.conf.all.rp_filter=2',
    };
  }
  return undefined;
}

/**
 * The cause of a failed direction, from where its packets stopped and the two ends' settings.
 * "certain" only when a setting found on the host explains the stage by itself.
 */
export function rootCause(stage: Stage, c: PathContext): RootCause {
  const s = c.sender;
  switch (stage) {
    case 'not_labelled': {
      if (!s.overlayRoute) return { id: 'route_not_labelled', confidence: 'certain', explanation: `${s.host} has no route for ${c.overlayPrefix} through ${s.iface}`, evidence: ['ip route: none'], fix: `ip route add ${c.overlayPrefix} encap mpls ${c.label} dev ${s.iface}` };
      return {
        id: 'route_not_labelled', confidence: 'certain',
        explanation: `${s.host}'s route pushes ${s.pushes?.join('/') ?? 'no label'}, not ${c.label}`,
        evidence: [`ip route: ${s.overlayRoute}`], fix: `ip route replace ${c.overlayPrefix} encap mpls ${c.label} dev ${s.iface}`,
      };
    }
    case 'wrong_endpoint':
      return {
        id: 'tunnel_endpoint_mismatch', confidence: 'certain',
        explanation: `${s.host} sends its GRE packets to ${c.greDestinations.join(', ')}, not to the peer at ${c.receiverUnderlay}`,
        evidence: [`${s.iface} remote ${s.tunnel?.remote ?? '?'}`], fix: `ip tunnel change ${s.iface} remote ${c.receiverUnderlay}`,
      };
    case 'not_sent_in_gre':
    case 'not_on_wire':
      if (s.tunnel?.remote && s.tunnel.remote !== c.receiverUnderlay) return rootCause('wrong_endpoint', { ...c, greDestinations: [s.tunnel.remote] });
      return { id: 'underlay_unreachable', confidence: 'likely', explanation: `GRE packets for ${c.receiverUnderlay} never reached it`, evidence: [`${s.iface} remote ${s.tunnel?.remote ?? '?'}`], fix: `check the underlay: ip route get ${c.receiverUnderlay}; a firewall dropping IP protocol 47` };
    case 'not_delivered':
    case 'no_reply':
    case 'reply_not_labelled':
      return atReceiver(c) ?? { id: null, confidence: 'unknown', explanation: `the packets reached ${c.receiver.host} and no setting there explains their loss`, evidence: [] };
    case 'not_sent':
      if (!s.tunnel) return { id: 'interface_missing', confidence: 'certain', explanation: `${s.host} has no tunnel ${s.iface}`, evidence: [`ip -d link show dev ${s.iface}: absent`], fix: 'mplsgre up FILE' };
      if (!s.tunnel.up) return { id: 'device_down', confidence: 'certain', explanation: `${s.iface} on ${s.host} is down`, evidence: [`${s.iface}: flags without UP`], fix: `ip link set dev ${s.iface} up` };
      if (!s.overlayRoute) return { id: 'overlay_route_absent', confidence: 'certain', explanation: `${s.host} has no route for ${c.overlayPrefix} through ${s.iface}`, evidence: ['ip route: none'], fix: 'mplsgre up FILE' };
      return { id: null, confidence: 'unknown', explanation: `ping on ${s.host} sent nothing, and its tunnel and overlay route are in place (see ping's message)`, evidence: [] };
    case 'capture_incomplete':
      return { id: null, confidence: 'unknown', explanation: 'the sender\'s capture holds fewer requests than ping sent (tcpdump lost packets): nothing is judged from it', evidence: [] };
    case 'loss':
      return { id: null, confidence: 'unknown', explanation: 'some packets crossed: no setting explains a partial loss (congestion, a rate limit, a flapping underlay?)', evidence: [] };
    case 'mtu':
      return {
        id: 'mtu_exceeded', confidence: 'certain',
        explanation: `packets that fit ${s.iface}'s MTU (${s.tunnel?.mtu ?? '?'}) are dropped on the way: a smaller MTU on the path (the underlay?) and MPLS does not fragment`,
        evidence: [], fix: `lower ${s.iface}'s MTU on both ends to what crosses (ip link set dev ${s.iface} mtu N), or raise the underlay's`,
      };
    default:
      return { id: null, confidence: 'unknown', explanation: stage, evidence: [] };
  }
}
