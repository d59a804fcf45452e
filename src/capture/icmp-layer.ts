import { type Cursor, Next, shortHeader } from './cursor.js';
import type { PacketLayers } from './record.js';

/** ICMP or ICMPv6 type and code; identifier and sequence number for echo request and reply. */
export function decodeIcmp(dv: DataView, cur: Cursor, rec: PacketLayers, v6: boolean): void {
  cur.next = Next.none;
  if (cur.end - cur.off < 4) return shortHeader(cur, rec, v6 ? 'ICMPv6' : 'ICMP');
  const type = dv.getUint8(cur.off);
  const code = dv.getUint8(cur.off + 1);
  const echo = v6 ? type === 128 || type === 129 : type === 8 || type === 0;
  if (echo && cur.end - cur.off >= 8) {
    rec.icmp = { type, code, id: dv.getUint16(cur.off + 4), seq: dv.getUint16(cur.off + 6) };
    return;
  }
  rec.icmp = { type, code };
  if (echo) shortHeader(cur, rec, v6 ? 'ICMPv6 echo' : 'ICMP echo');
}
