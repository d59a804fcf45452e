import { type Cursor, Next, nextForEtherType, shortHeader } from './cursor.js';
import type { PacketLayers } from './record.js';

/** LINKTYPE_* values the decoder understands (https://www.tcpdump.org/linktypes.html). */
export const LinkType = {
  ethernet: 1,
  /** DLT_RAW as some systems number it in files. */
  raw12: 12,
  raw14: 14,
  raw: 101,
  linuxSll: 113,
  ipv4: 228,
  ipv6: 229,
  linuxSll2: 276,
} as const;

const MAX_VLAN_TAGS = 4;

/** Strips the link-layer header and sets `cur.next` for what it carries. */
export function decodeLink(dv: DataView, cur: Cursor, linktype: number, rec: PacketLayers): void {
  switch (linktype) {
    case LinkType.ethernet:
      return ethernet(dv, cur, rec);
    case LinkType.linuxSll:
      return cooked(dv, cur, rec, 16, 14);
    case LinkType.linuxSll2:
      return cooked(dv, cur, rec, 20, 0);
    case LinkType.raw:
    case LinkType.raw12:
    case LinkType.raw14:
      return raw(dv, cur, rec);
    case LinkType.ipv4:
      cur.next = Next.ipv4;
      return;
    case LinkType.ipv6:
      cur.next = Next.ipv6;
      return;
    default:
      rec.error = `link type ${linktype} is not decoded`;
      cur.next = Next.none;
  }
}

function ethernet(dv: DataView, cur: Cursor, rec: PacketLayers): void {
  if (cur.end - cur.off < 14) return shortHeader(cur, rec, 'Ethernet');
  let type = dv.getUint16(cur.off + 12);
  cur.off += 14;
  for (let tags = 0; type === 0x8100 || type === 0x88a8 || type === 0x9100; tags++) {
    if (tags === MAX_VLAN_TAGS) {
      rec.error = `more than ${MAX_VLAN_TAGS} VLAN tags`;
      cur.next = Next.none;
      return;
    }
    if (cur.end - cur.off < 4) return shortHeader(cur, rec, '802.1Q');
    (rec.vlan ??= []).push(dv.getUint16(cur.off) & 0x0fff);
    type = dv.getUint16(cur.off + 2);
    cur.off += 4;
  }
  cur.next = nextForEtherType(type);
}

/** Linux cooked v1 (16-byte header, protocol at 14) and v2 (20 bytes, protocol at 0). */
function cooked(dv: DataView, cur: Cursor, rec: PacketLayers, size: number, protoAt: number): void {
  if (cur.end - cur.off < size) return shortHeader(cur, rec, 'Linux cooked');
  const type = dv.getUint16(cur.off + protoAt);
  cur.off += size;
  cur.next = nextForEtherType(type);
}

/** Raw IP: the version nibble tells IPv4 from IPv6. Linux tunnels carrying `encap mpls` show bare MPLS here. */
function raw(dv: DataView, cur: Cursor, rec: PacketLayers): void {
  if (cur.end <= cur.off) return shortHeader(cur, rec, 'raw IP');
  const version = dv.getUint8(cur.off) >> 4;
  cur.next = version === 4 ? Next.ipv4 : version === 6 ? Next.ipv6 : Next.mpls;
}
