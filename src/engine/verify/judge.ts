import type { PacketRecord } from '../../capture/record.js';
import type { PathClass, Stage } from '../../core/root-cause.js';
import { judgeTcp, type TcpVerdict } from '../../core/tcp-verdict.js';
import type { HostSpec } from '../../core/topology.js';
import { countEcho, greByDestination, judgeDirection, labelsOf, type DirectionEvidence, type DirectionVerdict } from '../../core/verdict.js';
import { inGre, type WatchedCapture } from './captures.js';
import { mtuBlackHole } from './mtu.js';
import type { PingRun } from './pings.js';
import type { TcpRun } from './tcp.js';
import type { MtuResult } from './types.js';

/** The payload of verify's pings (ping's default). */
export const PING_PAYLOAD = 56;

/** One direction, judged from its pings, its MTU probe and its transfer. */
export interface Judged {
  readonly from: HostSpec;
  readonly to: HostSpec;
  readonly ping: PingRun;
  readonly verdict: DirectionVerdict;
  readonly evidence: DirectionEvidence;
  readonly mtu: MtuResult | undefined;
  readonly tcp: TcpVerdict | undefined;
  /** Which stage said the direction failed. */
  readonly failedBy: 'pings' | 'mtu-probe' | 'tcp-mtu' | 'tcp' | null;
  /** The traffic class whose marking the direction's unmarked packets wrongly carried. */
  readonly trafficClass?: PathClass;
}

/** The flow of a transfer from `from` to `to`'s port, as the captures count it. */
export function tcpEvidenceCounts(from: HostSpec, to: HostSpec, port: number, sender: WatchedCapture, receiver: WatchedCapture) {
  const flow = { src: from.overlay, dst: to.overlay, dstPort: port, inGre: true, label: from.label };
  return { leftInGre: sender.tcp.count(flow), arrivedInGre: receiver.tcp.count(flow) };
}

/**
 * A direction's verdict (`only`: the records of its pings, where a topology's classes ping alongside): the pings first (where the packets stopped), then the MTU probe (the
 * size the tunnel admits does not cross), then the transfer (full segments vanish: an MTU
 * cause even without the probe; any other failure of the transfer: loss).
 */
export function judge(from: HostSpec, to: HostSpec, p: PingRun, capOf: (h: HostSpec) => WatchedCapture, mtu: MtuResult | undefined, run: TcpRun | undefined, requested: number, mplsGso: boolean | undefined, only?: (r: PacketRecord) => boolean): Judged {
  const rec = (h: HostSpec, role: 'tunnel' | 'underlay'): Iterable<PacketRecord> =>
    capOf(h).tally.records(only ? (r) => (role === 'underlay') === inGre(r) && only(r) : (r) => (role === 'underlay') === inGre(r));
  const requestLabels = labelsOf(rec(from, 'tunnel'), from.overlay, to.overlay);
  const evidence: DirectionEvidence = {
    from: from.name, to: to.name, label: from.label, replyLabel: to.label,
    sent: p.summary?.transmitted ?? 0, received: p.summary?.received ?? 0,
    requestLabels,
    onWireInGre: countEcho(rec(to, 'underlay'), { src: from.overlay, dst: to.overlay, type: 'request', label: from.label, inGre: true }),
    repliesInGre: countEcho(rec(from, 'underlay'), { src: to.overlay, dst: from.overlay, type: 'reply', label: to.label, inGre: true }),
    arrivedAtPeer: countEcho(rec(to, 'tunnel'), { src: from.overlay, dst: to.overlay, type: 'request' }),
    greOut: greByDestination(rec(from, 'underlay'), from.overlay, to.overlay, 'request'),
    receiverUnderlay: to.underlay,
    repliesLeftPeer: Object.values(greByDestination(rec(to, 'underlay'), to.overlay, from.overlay, 'reply')).reduce((x, y) => x + y, 0),
  };
  const v = judgeDirection(evidence);
  const tcp = run
    ? judgeTcp({
      from: from.name, to: to.name, label: from.label, requested, pingPayload: PING_PAYLOAD,
      ...(run.skipped !== undefined ? { skipped: run.skipped } : {}),
      ...(run.error !== undefined ? { error: run.error } : {}),
      ...(run.sender ? { sender: run.sender } : {}),
      ...(run.receiver ? { receiver: run.receiver } : {}),
      ...tcpEvidenceCounts(from, to, run.port, capOf(from), capOf(to)),
      ...(mplsGso !== undefined ? { mplsGso } : {}),
    })
    : undefined;
  const tcpFailed = tcp !== undefined && !tcp.tcp.ok && !tcp.tcp.skipped;
  const fail = (stage: Stage, by: Judged['failedBy'], explanation: string): Judged => ({
    from, to, ping: p, verdict: { ok: false, stage, leg: 'request', explanation }, evidence, mtu, tcp, failedBy: by,
  });
  if (!v.ok) return { from, to, ping: p, verdict: v, evidence, mtu, tcp, failedBy: 'pings' };
  if (mtuBlackHole(mtu)) return fail('mtu', 'mtu-probe', `payload ${mtu!.predicted} fits the tunnel MTU ${mtu!.tunnelMtu} but does not cross (largest that does: ${mtu!.largestPayload ?? 'none'})`);
  if (tcpFailed && tcp.mtu) {
    const arrived = tcp.tcp.segmentsInGre === 0 ? 'none arrived' : `the largest that arrived carried ${tcp.tcp.largestArrived}`;
    return fail('mtu', 'tcp-mtu', `${PING_PAYLOAD}-byte pings cross, but TCP segments of up to ${tcp.tcp.largestSegment} bytes left ${from.name} labelled in GRE and ${arrived}: the transfer stalled at ${tcp.tcp.bytes} of ${requested} bytes`);
  }
  if (tcpFailed) return fail('loss', 'tcp', `pings cross, but the bulk TCP transfer failed: ${tcp.tcp.reason}`);
  return { from, to, ping: p, verdict: v, evidence, mtu, tcp, failedBy: null };
}
