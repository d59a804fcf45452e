/** Test-only writers for pcap and pcapng files around encoded packets. */
export interface FilePacket {
  bytes: number[];
  sec: number;
  nsec: number;
  /** wire length; defaults to the captured length. */
  length?: number;
  linktype?: number;
}

export function pcapFile(packets: FilePacket[], opts: { le: boolean; nano: boolean; linktype: number; snaplen?: number }): Buffer {
  const head = Buffer.alloc(24);
  const w32 = (b: Buffer, v: number, off: number): void => void (opts.le ? b.writeUInt32LE(v >>> 0, off) : b.writeUInt32BE(v >>> 0, off));
  const w16 = (b: Buffer, v: number, off: number): void => void (opts.le ? b.writeUInt16LE(v, off) : b.writeUInt16BE(v, off));
  w32(head, opts.nano ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  w16(head, 2, 4);
  w16(head, 4, 6);
  w32(head, opts.snaplen ?? 262144, 16);
  w32(head, opts.linktype, 20);
  const recs = packets.map((p) => {
    const r = Buffer.alloc(16 + p.bytes.length);
    w32(r, p.sec, 0);
    w32(r, opts.nano ? p.nsec : Math.floor(p.nsec / 1000), 4);
    w32(r, p.bytes.length, 8);
    w32(r, p.length ?? p.bytes.length, 12);
    Buffer.from(p.bytes).copy(r, 16);
    return r;
  });
  return Buffer.concat([head, ...recs]);
}

export interface PcapngOptions {
  le: boolean;
  /** one entry per interface: link type and if_tsresol byte (omitted = microseconds). */
  interfaces: { linktype: number; tsresol?: number; snaplen?: number }[];
  /** write Simple Packet Blocks (interface 0, no timestamp) instead of Enhanced ones. */
  simple?: boolean;
  /** an unknown block of this many body bytes after the IDBs, to be skipped. */
  unknownBlock?: number;
}

export function pcapngFile(packets: (FilePacket & { iface?: number })[], opts: PcapngOptions): Buffer {
  const blocks: Buffer[] = [];
  const block = (type: number, body: Buffer): void => {
    const len = 12 + body.length + ((4 - (body.length % 4)) % 4);
    const b = Buffer.alloc(len);
    w32(b, type, 0);
    w32(b, len, 4);
    body.copy(b, 8);
    w32(b, len, len - 4);
    blocks.push(b);
  };
  const w32 = (b: Buffer, v: number, off: number): void => void (opts.le ? b.writeUInt32LE(v >>> 0, off) : b.writeUInt32BE(v >>> 0, off));
  const w16 = (b: Buffer, v: number, off: number): void => void (opts.le ? b.writeUInt16LE(v, off) : b.writeUInt16BE(v, off));
  const shb = Buffer.alloc(16);
  w32(shb, 0x1a2b3c4d, 0);
  w16(shb, 1, 4);
  shb.writeInt32LE(-1, 8);
  shb.writeInt32LE(-1, 12);
  block(0x0a0d0d0a, shb);
  const units: bigint[] = [];
  for (const i of opts.interfaces) {
    const body = Buffer.alloc(i.tsresol === undefined ? 8 : 20);
    w16(body, i.linktype, 0);
    w32(body, i.snaplen ?? 0, 4);
    if (i.tsresol !== undefined) {
      w16(body, 9, 8);
      w16(body, 1, 10);
      body.writeUInt8(i.tsresol, 12);
    }
    block(1, body);
    const r = i.tsresol ?? 6;
    units.push((r & 0x80) !== 0 ? 2n ** BigInt(r & 0x7f) : 10n ** BigInt(r));
  }
  if (opts.unknownBlock !== undefined) block(0x0bad, Buffer.alloc(opts.unknownBlock, 0xee));
  for (const p of packets) {
    const data = Buffer.from(p.bytes);
    if (opts.simple === true) {
      const body = Buffer.alloc(4 + data.length);
      w32(body, p.length ?? data.length, 0);
      data.copy(body, 4);
      block(3, body);
      continue;
    }
    const iface = p.iface ?? 0;
    const per = units[iface] ?? 1_000_000n;
    const t = BigInt(p.sec) * per + (BigInt(p.nsec) * per) / 1_000_000_000n;
    const body = Buffer.alloc(20 + data.length);
    w32(body, iface, 0);
    w32(body, Number(t >> 32n), 4);
    w32(body, Number(t & 0xffffffffn), 8);
    w32(body, data.length, 12);
    w32(body, p.length ?? data.length, 16);
    data.copy(body, 20);
    block(6, body);
  }
  return Buffer.concat(blocks);
}
