import type { PacketRecord } from '../capture/record.js';

const ECHO_TYPES: ReadonlySet<number> = new Set([8, 0, 128, 129]);

/**
 * The ICMP echo packets of one capture, as one record per kind (every header field the
 * verdict reads: addresses, echo type, label stack, GRE protocol, DS fields) and how often it was seen.
 * Memory grows with the kinds of packet, not with their number: 10,000 pings cost what 10 do.
 */
export class EchoTally {
  /** every record added, echo or not. */
  decoded = 0;
  private readonly kinds = new Map<string, { rec: PacketRecord; n: number }>();

  add(r: PacketRecord): void {
    this.decoded++;
    if (r.icmp === undefined || (r.inner ?? r.outer) === undefined || !ECHO_TYPES.has(r.icmp.type)) return;
    const key = `${r.gre ? r.gre.proto : 'none'} ${r.outer?.src}>${r.outer?.dst} ${r.inner?.src}>${r.inner?.dst} ${r.icmp.type} ${r.mpls.map((e) => e.label).join('/')} ${r.outer?.ds} ${r.inner?.ds}`;
    const kind = this.kinds.get(key);
    if (kind === undefined) this.kinds.set(key, { rec: r, n: 1 });
    else kind.n++;
  }

  /**
   * The echo records again, each kind as often as it was seen (the same object each time),
   * for counting functions written over records; `which` picks kinds.
   */
  *records(which: (r: PacketRecord) => boolean = () => true): Generator<PacketRecord> {
    for (const { rec, n } of this.kinds.values()) {
      if (!which(rec)) continue;
      for (let i = 0; i < n; i++) yield rec;
    }
  }
}
