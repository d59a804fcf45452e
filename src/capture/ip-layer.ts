import { type Cursor, Next, shortHeader } from './cursor.js';
import { formatIpv6 } from './ip-address.js';
import { ipv4Info } from './intern.js';
import type { IpInfo, PacketLayers } from './record.js';

const MAX_IPV6_EXTENSIONS = 8;

/** IPv4 header (options skipped); the payload end is bounded by the total length. */
export function decodeIpv4(dv: DataView, cur: Cursor, rec: PacketLayers): void {
  const off = cur.off;
  if (cur.end - off < 20) return shortHeader(cur, rec, 'IPv4');
  const first = dv.getUint8(off);
  const ihl = (first & 0x0f) * 4;
  if (first >> 4 !== 4 || ihl < 20) {
    rec.error = `bad IPv4 header (version ${first >> 4}, header length ${ihl})`;
    cur.next = Next.none;
    return;
  }
  if (cur.end - off < ihl) return shortHeader(cur, rec, 'IPv4 options');
  const total = dv.getUint16(off + 2);
  const frag = dv.getUint16(off + 6);
  const proto = dv.getUint8(off + 9);
  place(rec, ipv4Info(dv, off, proto, (frag & 0x3fff) !== 0));
  if (total >= ihl && off + total < cur.end) cur.end = off + total;
  cur.ipEnd = off + total;
  cur.off = off + ihl;
  // Only the first fragment carries the next header.
  cur.next = (frag & 0x1fff) !== 0 ? Next.none : nextForProto(proto, 4);
}

/** IPv6 header; hop-by-hop, routing, destination options, fragment and AH headers are skipped. */
export function decodeIpv6(dv: DataView, cur: Cursor, rec: PacketLayers): void {
  const off = cur.off;
  if (cur.end - off < 40) return shortHeader(cur, rec, 'IPv6');
  if (dv.getUint8(off) >> 4 !== 6) {
    rec.error = `bad IPv6 header (version ${dv.getUint8(off) >> 4})`;
    cur.next = Next.none;
    return;
  }
  const payload = dv.getUint16(off + 4);
  if (payload > 0 && off + 40 + payload < cur.end) cur.end = off + 40 + payload;
  cur.ipEnd = off + 40 + payload;
  cur.off = off + 40;
  let proto = dv.getUint8(off + 6);
  let fragment = false;
  let next: number = Next.none;
  let short = false;
  for (let n = 0; n <= MAX_IPV6_EXTENSIONS; n++) {
    if (proto !== 0 && proto !== 43 && proto !== 60 && proto !== 44 && proto !== 51) {
      next = nextForProto(proto, 6);
      break;
    }
    if (cur.end - cur.off < 8) {
      short = true;
      break;
    }
    const ext = proto;
    proto = dv.getUint8(cur.off);
    if (ext === 44) {
      fragment = true;
      if ((dv.getUint16(cur.off + 2) & 0xfff8) !== 0) break;
      cur.off += 8;
    } else cur.off += ext === 51 ? (dv.getUint8(cur.off + 1) + 2) * 4 : (dv.getUint8(cur.off + 1) + 1) * 8;
  }
  const src = formatIpv6(dv, off + 8);
  const dst = formatIpv6(dv, off + 24);
  const ds = (dv.getUint16(off) >>> 4) & 0xff;
  place(rec, fragment ? { src, dst, proto, version: 6, fragment, ds } : { src, dst, proto, version: 6, ds });
  if (short) return shortHeader(cur, rec, 'IPv6 extension');
  cur.next = next;
}

/** The first IP header is the outer one; one that a tunnel (GRE, MPLS, IP-in-IP) carries is the inner one. */
function place(rec: PacketLayers, ip: IpInfo): void {
  if (rec.outer === undefined && rec.gre === undefined && rec.mpls.length === 0) rec.outer = ip;
  else rec.inner = ip;
}

function nextForProto(proto: number, version: 4 | 6): number {
  switch (proto) {
    case 47:
      return Next.gre;
    case 137:
      return Next.mpls;
    case 4:
      return Next.ipv4;
    case 41:
      return Next.ipv6;
    case 1:
      return version === 4 ? Next.icmp : Next.none;
    case 58:
      return version === 6 ? Next.icmp6 : Next.none;
    case 6:
      return Next.tcp;
    default:
      return Next.none;
  }
}
