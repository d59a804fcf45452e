import { type Cursor, Next, shortHeader } from './cursor.js';
import { labelEntry, singleLabelStack } from './intern.js';
import type { MplsEntry, PacketLayers } from './record.js';

/** Deepest label stack decoded; deeper stacks are reported as malformed. */
export const MAX_LABEL_DEPTH = 16;

/** MPLS label stack (RFC 3032); after bottom of stack the first nibble tells IPv4 from IPv6. */
export function decodeMpls(dv: DataView, cur: Cursor, rec: PacketLayers): void {
  cur.next = Next.none;
  if (cur.end - cur.off < 4) return shortHeader(cur, rec, 'MPLS');
  const first = dv.getUint32(cur.off);
  cur.off += 4;
  if ((first & 0x100) !== 0) rec.mpls = singleLabelStack(first);
  else {
    const stack: MplsEntry[] = [labelEntry(first)];
    rec.mpls = stack;
    for (;;) {
      if (stack.length === MAX_LABEL_DEPTH) {
        rec.error = `MPLS label stack deeper than ${MAX_LABEL_DEPTH}`;
        return;
      }
      if (cur.end - cur.off < 4) return shortHeader(cur, rec, 'MPLS');
      const word = dv.getUint32(cur.off);
      cur.off += 4;
      stack.push(labelEntry(word));
      if ((word & 0x100) !== 0) break;
    }
  }
  if (cur.off >= cur.end) {
    if (cur.snapped) rec.truncated = true;
    return;
  }
  const version = dv.getUint8(cur.off) >> 4;
  cur.next = version === 4 ? Next.ipv4 : version === 6 ? Next.ipv6 : Next.none;
}
