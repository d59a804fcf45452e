import type { MplsEntry } from '../../../src/capture/record.js';

/** What a test packet holds; encodePacket turns it into wire bytes. */
export interface PacketSpec {
  linktype: number;
  vlan?: number[];
  /** bytes of the outer IP source and destination: 4 for IPv4, 16 for IPv6. */
  /** ds: the DS field (IPv4 TOS byte, IPv6 traffic class), 0 unless given. */
  outer?: { src: number[]; dst: number[]; ds?: number };
  gre?: { proto: number; checksum?: number; key?: number; seq?: number };
  mpls: MplsEntry[];
  inner?: { src: number[]; dst: number[]; ds?: number };
  icmp?: { type: number; id: number; seq: number };
}

const u16 = (v: number): number[] => [(v >>> 8) & 0xff, v & 0xff];
const u32 = (v: number): number[] => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];

function ip(src: number[], dst: number[], proto: number, payload: number[], ds = 0): number[] {
  if (src.length === 4) {
    return [0x45, ds, ...u16(20 + payload.length), 0, 1, 0x40, 0, 64, proto, 0, 0, ...src, ...dst, ...payload];
  }
  // version 6, then the traffic class across the next 8 bits, then the flow label (0)
  return [0x60 | (ds >> 4), (ds & 0x0f) << 4, 0, 0, ...u16(payload.length), proto, 64, ...src, ...dst, ...payload];
}

/** Wire bytes for a spec, link-layer header included; checksums are left zero. */
export function encodePacket(spec: PacketSpec): number[] {
  const innerV6 = spec.inner !== undefined && spec.inner.src.length === 16;
  let body: number[] = [];
  if (spec.icmp !== undefined) body = [spec.icmp.type, 0, 0, 0, ...u16(spec.icmp.id), ...u16(spec.icmp.seq), 1, 2, 3, 4];
  if (spec.inner !== undefined) body = ip(spec.inner.src, spec.inner.dst, innerV6 ? 58 : 1, body, spec.inner.ds);
  let ethertype = innerV6 ? 0x86dd : 0x0800;
  if (spec.mpls.length > 0) {
    const labels = spec.mpls.flatMap((e) => u32(((e.label << 12) | (e.tc << 9) | (e.bottom ? 0x100 : 0) | e.ttl) >>> 0));
    body = [...labels, ...body];
    ethertype = 0x8847;
  }
  if (spec.gre !== undefined) {
    const g = spec.gre;
    const flags = (g.checksum !== undefined ? 0x8000 : 0) | (g.key !== undefined ? 0x2000 : 0) | (g.seq !== undefined ? 0x1000 : 0);
    body = [
      ...u16(flags), ...u16(g.proto),
      ...(g.checksum !== undefined ? [...u16(g.checksum), 0, 0] : []),
      ...(g.key !== undefined ? u32(g.key) : []),
      ...(g.seq !== undefined ? u32(g.seq) : []),
      ...body,
    ];
  }
  if (spec.outer !== undefined) {
    const v6 = spec.outer.src.length === 16;
    body = ip(spec.outer.src, spec.outer.dst, spec.gre !== undefined ? 47 : spec.mpls.length > 0 ? 137 : spec.icmp ? (v6 ? 58 : 1) : 0, body, spec.outer.ds);
    ethertype = v6 ? 0x86dd : 0x0800;
  }
  return [...linkHeader(spec, ethertype), ...body];
}

function linkHeader(spec: PacketSpec, ethertype: number): number[] {
  switch (spec.linktype) {
    case 1: {
      const tags = (spec.vlan ?? []).flatMap((id) => [0x81, 0x00, ...u16(id)]);
      return [2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, ...tags, ...u16(ethertype)];
    }
    case 113:
      return [0, 4, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, ...u16(ethertype)];
    case 276:
      return [...u16(ethertype), 0, 0, 0, 0, 0, 7, 0, 1, 4, 6, 2, 0, 0, 0, 0, 1, 0, 0];
    default:
      return [];
  }
}
