import { Next, newCursor } from './cursor.js';
import { decodeGre } from './gre-layer.js';
import { decodeIcmp } from './icmp-layer.js';
import { decodeIpv4, decodeIpv6 } from './ip-layer.js';
import { decodeLink } from './linktype.js';
import { decodeMpls } from './mpls-layer.js';
import { decodeTcp } from './tcp-layer.js';
import type { GreInfo, IcmpInfo, IpInfo, MplsEntry, PacketLayers, PacketRecord, TcpInfo, Timestamp } from './record.js';

/** Bounds the layers decoded per packet (GRE in IP in MPLS ... cannot loop forever). */
const MAX_LAYERS = 8;
/** Shared, never mutated: the MPLS decoder gives each labelled packet its own array. */
const NO_LABELS: MplsEntry[] = [];

const cur = newCursor();

interface Scratch {
  vlan: number[] | undefined;
  outer: IpInfo | undefined;
  gre: GreInfo | undefined;
  mpls: MplsEntry[];
  inner: IpInfo | undefined;
  icmp: IcmpInfo | undefined;
  tcp: TcpInfo | undefined;
  truncated: boolean | undefined;
  error: string | undefined;
}
/** Scratch for the layer decoders, every field present so its shape never changes. */
const scratch: Scratch = {
  vlan: undefined,
  outer: undefined,
  gre: undefined,
  mpls: NO_LABELS,
  inner: undefined,
  icmp: undefined,
  tcp: undefined,
  truncated: undefined,
  error: undefined,
};

/**
 * Decodes the `caplen` bytes at `off` of `dv` as one packet of `linktype`. Never throws for any
 * byte content: malformed headers end up in `error`, snapped ones in `truncated`.
 */
export function decodePacket(
  dv: DataView,
  off: number,
  caplen: number,
  length: number,
  linktype: number,
  index: number,
  ts: Timestamp | undefined,
): PacketRecord {
  const l = scratch as PacketLayers;
  scratch.vlan = scratch.outer = scratch.gre = scratch.inner = scratch.icmp = scratch.tcp = scratch.truncated = scratch.error = undefined;
  scratch.mpls = NO_LABELS;
  cur.off = off;
  cur.end = off + caplen;
  cur.snapped = caplen < length;
  cur.next = Next.none;
  decodeLink(dv, cur, linktype, l);
  for (let n = 0; n < MAX_LAYERS && cur.next !== Next.none; n++) {
    const next = cur.next;
    if (next === Next.ipv4 || next === Next.ipv6) {
      if (scratch.inner !== undefined) break;
      if (next === Next.ipv4) decodeIpv4(dv, cur, l);
      else decodeIpv6(dv, cur, l);
    } else if (next === Next.gre) {
      if (scratch.gre !== undefined) break;
      decodeGre(dv, cur, l);
    } else if (next === Next.mpls) {
      if (scratch.mpls.length > 0) break;
      decodeMpls(dv, cur, l);
    } else if (next === Next.icmp || next === Next.icmp6) {
      decodeIcmp(dv, cur, l, next === Next.icmp6);
    } else if (next === Next.tcp) {
      // Only a tunnel's TCP (verify's transfers): the underlay's own sessions stay undecoded.
      if (scratch.inner === undefined) break;
      decodeTcp(dv, cur, l);
    } else break;
  }
  return build(index, ts, linktype, length, caplen);
}

/** The record, fields in a fixed order; the usual MPLS-over-GRE echo is built as one literal. */
function build(index: number, ts: Timestamp | undefined, linktype: number, length: number, caplen: number): PacketRecord {
  const { vlan, outer, gre, mpls, inner, icmp, tcp, truncated, error } = scratch;
  const mplsOut = mpls === NO_LABELS ? [] : mpls;
  if (ts !== undefined && vlan === undefined && outer !== undefined && gre !== undefined && inner !== undefined && icmp !== undefined && truncated === undefined && error === undefined) {
    return { index, ts, linktype, length, caplen, outer, gre, mpls: mplsOut, inner, icmp };
  }
  const rec: PacketRecord = ts === undefined ? { index, linktype, length, caplen, mpls: mplsOut } : { index, ts, linktype, length, caplen, mpls: mplsOut };
  if (vlan !== undefined) rec.vlan = vlan;
  if (outer !== undefined) rec.outer = outer;
  if (gre !== undefined) rec.gre = gre;
  if (inner !== undefined) rec.inner = inner;
  if (icmp !== undefined) rec.icmp = icmp;
  if (tcp !== undefined) rec.tcp = tcp;
  if (truncated !== undefined) rec.truncated = truncated;
  if (error !== undefined) rec.error = error;
  return rec;
}
