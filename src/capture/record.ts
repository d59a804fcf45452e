/** Capture time. `sec` counts from the Unix epoch for capture files; for tcpdump text it is what the text carries (see tcpdump-text.ts). */
export interface Timestamp {
  readonly sec: number;
  readonly nsec: number;
}

/** An IPv4 or IPv6 header: addresses as printed by tcpdump -nn, `proto` the upper-layer protocol after extension headers. */
export interface IpInfo {
  readonly src: string;
  readonly dst: string;
  /** always set from capture files; from tcpdump text only when the next header names it. */
  readonly proto?: number;
  readonly version: 4 | 6;
  /** set on IPv4 fragments (MF set or non-zero offset); the payload is not decoded past the first fragment. */
  readonly fragment?: boolean;
  /** The DS field (IPv4 TOS byte, IPv6 traffic class): DSCP << 2 | ECN. Set from capture files only. */
  readonly ds?: number;
}

export interface GreInfo {
  /** EtherType of the payload: 0x8847 MPLS unicast, 0x8848 multicast, 0x0800, 0x86dd. Always set from capture files. */
  readonly proto?: number;
  readonly checksum?: number;
  readonly key?: number;
  readonly seq?: number;
}

/** One MPLS label stack entry (RFC 3032). */
export interface MplsEntry {
  readonly label: number;
  readonly tc: number;
  readonly bottom: boolean;
  readonly ttl: number;
}

export interface IcmpInfo {
  readonly type: number;
  readonly code: number;
  /** present for echo request and reply only (ICMP 8/0, ICMPv6 128/129). */
  readonly id?: number;
  readonly seq?: number;
}

/** A TCP header carried inside a tunnel (GRE or MPLS): TCP of the underlay itself is not decoded. */
export interface TcpInfo {
  readonly srcPort: number;
  readonly dstPort: number;
  /** The flags byte: FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10. */
  readonly flags: number;
  /** Payload bytes, from the IP header's length (a segment the capture snapped still counts whole). */
  readonly payload: number;
}

/**
 * One packet, decoded. JSON-friendly: numbers, strings and booleans only. Its parts must be
 * treated as immutable: the decoder shares equal address, label and timestamp objects between records.
 * `outer` is the first IP header; `inner` the IP header carried by GRE or MPLS.
 * Fields the source cannot tell are omitted (tcpdump text has no caplen).
 */
export interface PacketRecord {
  /** 0-based position in the capture. */
  index: number;
  ts?: Timestamp;
  /** LINKTYPE_* value of the interface the packet was captured on. */
  linktype?: number;
  /** length on the wire. */
  length?: number;
  /** bytes captured. */
  caplen?: number;
  vlan?: number[];
  outer?: IpInfo;
  gre?: GreInfo;
  mpls: readonly MplsEntry[];
  inner?: IpInfo;
  icmp?: IcmpInfo;
  tcp?: TcpInfo;
  /** the captured bytes (or the text) ended before a header the decoder needed. */
  truncated?: boolean;
  /** why decoding stopped early: a malformed header, or a file cut inside a record. */
  error?: string;
}

export type CaptureFormat = 'pcap' | 'pcapng' | 'text';

/** The layer fields of a record, which the per-layer decoders fill in. */
export type PacketLayers = Pick<PacketRecord, 'vlan' | 'outer' | 'gre' | 'mpls' | 'inner' | 'icmp' | 'tcp' | 'truncated' | 'error'>;

/** A writable copy of a record part's type, for the code that builds it. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };
