import type { PacketRecord } from './record.js';

/** Packets that carried one label stack (outermost label first) in one direction. */
export interface StackCount {
  labels: number[];
  /** outer IP addresses; the inner ones when the capture has no outer header (tunnel interface). */
  src?: string;
  dst?: string;
  packets: number;
}

/** ICMP/ICMPv6 echo seen between two inner addresses under one label stack. */
export interface EchoCount {
  src: string;
  dst: string;
  labels: number[];
  requests: number;
  replies: number;
}

/** What a capture holds, for people: every count must add up to what was decoded. */
export interface Summary {
  packets: number;
  /** packets with at least one MPLS label. */
  labelled: number;
  truncated: number;
  errors: number;
  firstError?: string;
  stacks: StackCount[];
  echoes: EchoCount[];
}

/** Header pairs SummaryBuilder finds by identity; past them, by text key. */
const MAX_REFS = 4096;
/** The identity key of every unlabelled record. */
const UNLABELLED = {};

/** Builds a Summary one record at a time, so a capture of any size can be summarised while streaming. */
export class SummaryBuilder {
  private packets = 0;
  private labelled = 0;
  private truncated = 0;
  private errors = 0;
  private firstError: string | undefined;
  private readonly stacks = new Map<string, StackCount>();
  private readonly echoes = new Map<string, EchoCount>();

  /**
   * The decoder shares header objects between records (interned stacks and address pairs), so
   * a record's counters are found by object identity first; the text key, which merges equal
   * headers held by different objects, is built only on the first sight of a pair.
   */
  private readonly stackByRef = new Map<object, Map<object | undefined, StackCount>>();
  private readonly echoByRef = new Map<object, Map<object | undefined, EchoCount>>();
  private refs = 0;

  add(rec: PacketRecord): void {
    this.packets++;
    if (rec.truncated === true) this.truncated++;
    if (rec.error !== undefined) {
      this.errors++;
      this.firstError ??= `packet ${rec.index}: ${rec.error}`;
    }
    const mpls = rec.mpls;
    if (mpls.length > 0) {
      this.labelled++;
      const ip = rec.outer ?? rec.inner;
      let count = this.stackByRef.get(mpls)?.get(ip);
      if (count === undefined) {
        const labels = mpls.map((e) => e.label);
        const key = `${labels.join('/')} ${ip?.src ?? ''}>${ip?.dst ?? ''}`;
        count = this.stacks.get(key);
        if (count === undefined) {
          count = ip === undefined ? { labels, packets: 0 } : { labels, src: ip.src, dst: ip.dst, packets: 0 };
          this.stacks.set(key, count);
        }
        this.remember(this.stackByRef, mpls, ip, count);
      }
      count.packets++;
    }
    const icmp = rec.icmp;
    const ip = rec.inner ?? rec.outer;
    if (icmp === undefined || icmp.id === undefined || ip === undefined) return;
    // every unlabelled record has an empty array of its own: one key stands for them all
    const ref = mpls.length > 0 ? mpls : UNLABELLED;
    let count = this.echoByRef.get(ref)?.get(ip);
    if (count === undefined) {
      const labels = mpls.map((e) => e.label);
      const key = `${ip.src}>${ip.dst} ${labels.join('/')}`;
      count = this.echoes.get(key);
      if (count === undefined) {
        count = { src: ip.src, dst: ip.dst, labels, requests: 0, replies: 0 };
        this.echoes.set(key, count);
      }
      this.remember(this.echoByRef, ref, ip, count);
    }
    if (icmp.type === 8 || icmp.type === 128) count.requests++;
    else count.replies++;
  }

  /**
   * Remembers a header pair's counter by identity, up to MAX_REFS pairs: records whose header
   * objects are not shared (tcpdump text, deep label stacks) are then counted by text key alone,
   * and memory stays bounded whatever the input's size.
   */
  private remember<V>(byRef: Map<object, Map<object | undefined, V>>, a: object, b: object | undefined, value: V): void {
    if (this.refs >= MAX_REFS) return;
    this.refs++;
    let inner = byRef.get(a);
    if (inner === undefined) byRef.set(a, (inner = new Map()));
    inner.set(b, value);
  }

  result(): Summary {
    const summary: Summary = { packets: this.packets, labelled: this.labelled, truncated: this.truncated, errors: this.errors, stacks: [], echoes: [] };
    if (this.firstError !== undefined) summary.firstError = this.firstError;
    summary.stacks = [...this.stacks.values()].sort((a, b) => b.packets - a.packets || compareLabels(a.labels, b.labels));
    summary.echoes = [...this.echoes.values()].sort(
      (a, b) => compareLabels(a.labels, b.labels) || a.src.localeCompare(b.src) || a.dst.localeCompare(b.dst),
    );
    return summary;
  }
}

/** Summarises records already in memory. */
export function summarize(records: Iterable<PacketRecord>): Summary {
  const builder = new SummaryBuilder();
  for (const rec of records) builder.add(rec);
  return builder.result();
}

function compareLabels(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}
