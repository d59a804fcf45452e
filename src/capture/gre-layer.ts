import { type Cursor, Next, nextForEtherType, shortHeader } from './cursor.js';
import type { GreInfo, Mutable, PacketLayers } from './record.js';

const C = 0x8000;
const R = 0x4000;
const K = 0x2000;
const S = 0x1000;

/** GRE (RFC 2784 with the RFC 2890 key and sequence number); versions other than 0 stop decoding. */
export function decodeGre(dv: DataView, cur: Cursor, rec: PacketLayers): void {
  let off = cur.off;
  if (cur.end - off < 4) return shortHeader(cur, rec, 'GRE');
  const flags = dv.getUint16(off);
  const proto = dv.getUint16(off + 2);
  cur.next = Next.none;
  if ((flags & 7) !== 0 || (flags & R) !== 0) {
    rec.gre = plainGre(proto);
    rec.error = (flags & R) !== 0 ? 'GRE source routing (RFC 1701) is not decoded' : `GRE version ${flags & 7} is not decoded`;
    return;
  }
  const size = 4 + ((flags & C) !== 0 ? 4 : 0) + ((flags & K) !== 0 ? 4 : 0) + ((flags & S) !== 0 ? 4 : 0);
  if (cur.end - off < size) {
    rec.gre = plainGre(proto);
    return shortHeader(cur, rec, 'GRE');
  }
  off += 4;
  const checksum = (flags & C) !== 0 ? dv.getUint16(off) : -1;
  if ((flags & C) !== 0) off += 4;
  const key = (flags & K) !== 0 ? dv.getUint32(off) : -1;
  if ((flags & K) !== 0) off += 4;
  const seq = (flags & S) !== 0 ? dv.getUint32(off) : -1;
  rec.gre = greInfo(proto, checksum, key, seq);
  cur.off = cur.off + size;
  cur.next = nextForEtherType(proto);
}

/** One object shape per flag combination, built whole (-1: field absent). */
function greInfo(proto: number, checksum: number, key: number, seq: number): GreInfo {
  if (checksum < 0 && key < 0 && seq < 0) return plainGre(proto);
  if (checksum >= 0 && key >= 0 && seq >= 0) return { proto, checksum, key, seq };
  const gre: Mutable<GreInfo> = { proto };
  if (checksum >= 0) gre.checksum = checksum;
  if (key >= 0) gre.key = key;
  if (seq >= 0) gre.seq = seq;
  return gre;
}

/** GRE headers without optional fields are shared per protocol: records must not change them. */
const plain = new Map<number, GreInfo>();

function plainGre(proto: number): GreInfo {
  let gre = plain.get(proto);
  if (gre === undefined) {
    gre = { proto };
    plain.set(proto, gre);
  }
  return gre;
}
