/** What the packet decoder must look at next; leaf decoders set it on the cursor. */
export const Next = {
  none: 0,
  ipv4: 1,
  ipv6: 2,
  mpls: 3,
  gre: 4,
  icmp: 5,
  icmp6: 6,
  tcp: 7,
} as const;

/**
 * The decoder's position in one packet: [off, end) is what is left to read and `snapped`
 * says whether the capture cut the packet short. One cursor is reused for every packet.
 */
export interface Cursor {
  off: number;
  end: number;
  next: number;
  snapped: boolean;
  /** Where the innermost IP packet ends by its own length field (past `end` when the capture snapped it). */
  ipEnd: number;
}

export function newCursor(): Cursor {
  return { off: 0, end: 0, next: Next.none, snapped: false, ipEnd: 0 };
}

/** Next protocol for an EtherType (Ethernet, cooked captures, GRE). */
export function nextForEtherType(type: number): number {
  if (type === 0x0800) return Next.ipv4;
  if (type === 0x86dd) return Next.ipv6;
  if (type === 0x8847 || type === 0x8848) return Next.mpls;
  return Next.none;
}

/** A header does not fit in what is left: truncated when the capture was snapped, malformed otherwise. */
export function shortHeader(cur: Cursor, rec: { truncated?: boolean | undefined; error?: string | undefined }, layer: string): void {
  if (cur.snapped) rec.truncated = true;
  else rec.error = `${layer} header runs past the end of the packet`;
  cur.next = Next.none;
}
