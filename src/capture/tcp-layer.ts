import { type Cursor, Next, shortHeader } from './cursor.js';
import type { PacketLayers } from './record.js';

/** TCP ports, flags and payload length; the payload length comes from the IP header, so a snapped segment counts whole. */
export function decodeTcp(dv: DataView, cur: Cursor, rec: PacketLayers): void {
  cur.next = Next.none;
  if (cur.end - cur.off < 14) return shortHeader(cur, rec, 'TCP');
  const dataOffset = (dv.getUint8(cur.off + 12) >> 4) * 4;
  if (dataOffset < 20) {
    rec.error = `bad TCP header (data offset ${dataOffset})`;
    return;
  }
  rec.tcp = {
    srcPort: dv.getUint16(cur.off),
    dstPort: dv.getUint16(cur.off + 2),
    flags: dv.getUint8(cur.off + 13),
    payload: Math.max(0, cur.ipEnd - cur.off - dataOffset),
  };
}
