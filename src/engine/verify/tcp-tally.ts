import type { PacketRecord } from '../../capture/record.js';
import type { SegmentCount } from '../../core/tcp-verdict.js';

const NONE: SegmentCount = { segments: 0, payloadBytes: 0, largest: 0 };

/** Which segments to count: the flow (inner addresses and the receiver's port), where it was seen, and with which label. */
export interface SegmentFilter {
  readonly src: string;
  readonly dst: string;
  readonly dstPort: number;
  /** true: inside GRE carrying MPLS (the underlay); false: bare on the tunnel device. */
  readonly inGre: boolean;
  /** Outermost label required. */
  readonly label: number;
}

/**
 * The tunnel's TCP data segments of one capture, summed per flow, place and label stack:
 * memory grows with the flows, not with the segments (a 4 MiB transfer is thousands of them).
 */
export class TcpTally {
  private readonly kinds = new Map<string, { src: string; dst: string; dstPort: number; gre: boolean; label: number | undefined; segments: number; payloadBytes: number; largest: number }>();

  add(r: PacketRecord): void {
    const ip = r.inner;
    if (!r.tcp || !ip || r.tcp.payload === 0) return;
    const gre = r.gre?.proto === 0x8847;
    const label = r.mpls[0]?.label;
    const key = `${gre ? 'gre' : 'bare'} ${ip.src}>${ip.dst}:${r.tcp.dstPort} ${label ?? 'none'}`;
    let k = this.kinds.get(key);
    if (!k) this.kinds.set(key, (k = { src: ip.src, dst: ip.dst, dstPort: r.tcp.dstPort, gre, label, segments: 0, payloadBytes: 0, largest: 0 }));
    k.segments++;
    k.payloadBytes += r.tcp.payload;
    if (r.tcp.payload > k.largest) k.largest = r.tcp.payload;
  }

  count(f: SegmentFilter): SegmentCount {
    const k = this.kinds.get(`${f.inGre ? 'gre' : 'bare'} ${f.src}>${f.dst}:${f.dstPort} ${f.label}`);
    return k ? { segments: k.segments, payloadBytes: k.payloadBytes, largest: k.largest } : NONE;
  }
}
