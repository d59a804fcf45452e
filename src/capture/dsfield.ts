import { LinkType } from './linktype.js';

/** What a traffic class is judged on, for one MPLS-over-GRE packet over IPv4. */
export interface ClassOnWire {
  /** The pcap record's position, from 0. */
  readonly index: number;
  /** The outer (underlay) IPv4 header's DS field (tos byte): DSCP << 2 | ECN. */
  readonly outerTos: number;
  readonly outerSrc: string;
  readonly outerDst: string;
  /** The top label stack entry inside GRE. */
  readonly label: number;
  /** Its traffic-class bits. */
  readonly tc: number;
  /** The inner IPv4 header's DS field, when the payload under the bottom label is IPv4. */
  readonly innerTos?: number;
  /** ICMP type of the inner packet (8 request, 0 reply), when it is ICMP. */
  readonly icmpType?: number;
}

const ip4 = (b: Uint8Array, o: number): string => `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;

/** The network-layer offset of one frame, or undefined for a link type or ethertype other than IPv4. */
function ipv4Offset(b: Uint8Array, linktype: number): number | undefined {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (linktype === LinkType.ethernet) {
    let off = 12;
    let type = b.length >= 14 ? dv.getUint16(off) : 0;
    while ((type === 0x8100 || type === 0x88a8) && b.length >= off + 6) {
      off += 4;
      type = dv.getUint16(off);
    }
    return type === 0x0800 ? off + 2 : undefined;
  }
  if (linktype === LinkType.linuxSll) return b.length >= 16 && dv.getUint16(14) === 0x0800 ? 16 : undefined;
  if (linktype === LinkType.raw || linktype === LinkType.raw12 || linktype === LinkType.raw14 || linktype === LinkType.ipv4) return 0;
  return undefined;
}

/**
 * The outer DS field, top label and inner DS field of one frame carrying MPLS in GRE over IPv4;
 * undefined for anything else or a frame too short to say.
 */
export function classOnWire(frame: Uint8Array, linktype: number, index = 0): ClassOnWire | undefined {
  const b = frame;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const ip = ipv4Offset(b, linktype);
  if (ip === undefined || b.length < ip + 20 || b[ip]! >> 4 !== 4 || b[ip + 9] !== 47) return undefined;
  const gre = ip + (b[ip]! & 0x0f) * 4;
  if (b.length < gre + 4) return undefined;
  const flags = dv.getUint16(gre);
  if (dv.getUint16(gre + 2) !== 0x8847) return undefined;
  let off = gre + 4 + ((flags & 0x8000) !== 0 ? 4 : 0) + ((flags & 0x2000) !== 0 ? 4 : 0) + ((flags & 0x1000) !== 0 ? 4 : 0);
  if (b.length < off + 4) return undefined;
  const top = dv.getUint32(off);
  let entry = top;
  while ((entry & 0x100) === 0 && b.length >= off + 8) {
    off += 4;
    entry = dv.getUint32(off);
  }
  off += 4;
  const base = { index, outerTos: b[ip + 1]!, outerSrc: ip4(b, ip + 12), outerDst: ip4(b, ip + 16), label: top >>> 12, tc: (top >>> 9) & 7 };
  if ((entry & 0x100) === 0 || b.length < off + 20 || b[off]! >> 4 !== 4) return base;
  const icmp = off + (b[off]! & 0x0f) * 4;
  return { ...base, innerTos: b[off + 1]!, ...(b[off + 9] === 1 && b.length > icmp ? { icmpType: b[icmp]! } : {}) };
}

/** Every MPLS-in-GRE frame of a classic pcap file (either byte order). */
export function classesInPcap(pcap: Uint8Array): ClassOnWire[] {
  const dv = new DataView(pcap.buffer, pcap.byteOffset, pcap.byteLength);
  if (pcap.length < 24) return [];
  const magic = dv.getUint32(0, true);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  if (!le && dv.getUint32(0, false) !== 0xa1b2c3d4 && dv.getUint32(0, false) !== 0xa1b23c4d) throw new Error('not a classic pcap file');
  const linktype = dv.getUint32(20, le) & 0x0fffffff;
  const out: ClassOnWire[] = [];
  for (let off = 24, i = 0; off + 16 <= pcap.length; i++) {
    const incl = dv.getUint32(off + 8, le);
    const frame = pcap.subarray(off + 16, Math.min(pcap.length, off + 16 + incl));
    const c = classOnWire(frame, linktype, i);
    if (c) out.push(c);
    off += 16 + incl;
  }
  return out;
}
