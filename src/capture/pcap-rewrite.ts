import { CaptureFormatError } from './errors.js';

/** Classic pcap header and record layout, for rewriting real captures (fixtures, benchmarks). */
function layout(buf: Buffer): { le: boolean } {
  const m = buf.length >= 24 ? buf.readUInt32BE(0) : 0;
  if (m === 0xd4c3b2a1 || m === 0x4d3cb2a1) return { le: true };
  if (m === 0xa1b2c3d4 || m === 0xa1b23c4d) return { le: false };
  throw new CaptureFormatError('not a classic pcap file');
}

/**
 * The same capture written in the other byte order: every header field swapped, packet bytes
 * untouched (as a big-endian machine's libpcap would have written it).
 */
export function swapPcapByteOrder(buf: Buffer): Buffer {
  const { le } = layout(buf);
  const out = Buffer.from(buf);
  const rd32 = (off: number): number => (le ? buf.readUInt32LE(off) : buf.readUInt32BE(off));
  const wr32 = (off: number): void => void (le ? out.writeUInt32BE(rd32(off), off) : out.writeUInt32LE(rd32(off), off));
  const wr16 = (off: number): void => {
    const v = le ? buf.readUInt16LE(off) : buf.readUInt16BE(off);
    if (le) out.writeUInt16BE(v, off);
    else out.writeUInt16LE(v, off);
  };
  wr32(0);
  wr16(4);
  wr16(6);
  for (const off of [8, 12, 16, 20]) wr32(off);
  for (let p = 24; p + 16 <= buf.length; ) {
    const caplen = rd32(p + 8);
    for (const off of [0, 4, 8, 12]) wr32(p + off);
    p += 16 + caplen;
  }
  return out;
}

/**
 * `count` records cycling through the records of a real capture, with increasing timestamps
 * (1 ms apart from the first one's); packet bytes are copied unchanged.
 */
export function replicatePcap(buf: Buffer, count: number): Buffer {
  return Buffer.concat([...replicateCapture(buf, count)]);
}

/**
 * The same as chunks of about `chunkBytes`, made as they are consumed: a capture of any size
 * (gigabytes for measurements, or a stream for tests) in constant memory. Classic pcap gets
 * increasing timestamps as above; pcapng keeps its header blocks once and repeats its packet
 * blocks unchanged (timestamps included): the other blocks (statistics, names) are left out.
 */
export function* replicateCapture(buf: Buffer, count: number, chunkBytes = 1 << 20): Generator<Buffer> {
  const pcapng = buf.length >= 4 && buf.readUInt32BE(0) === 0x0a0d0d0a;
  const { head, records } = pcapng ? pcapngParts(buf) : pcapParts(buf);
  if (records.length === 0) throw new CaptureFormatError('capture has no packets to replicate');
  const nano = buf.readUInt32BE(0) === 0x4d3cb2a1 || buf.readUInt32BE(0) === 0xa1b23c4d;
  const le = !pcapng && layout(buf).le;
  const start = pcapng ? 0 : le ? buf.readUInt32LE(24) : buf.readUInt32BE(24);
  // below chunkBytes (or just the head) before each record: room for one more of the largest
  const size = Math.max(chunkBytes, head.length) + Math.max(...records.map((r) => r.length));
  let out = Buffer.allocUnsafe(size);
  let used = head.copy(out, 0);
  for (let i = 0; i < count; i++) {
    const rec = records[i % records.length] as Buffer;
    rec.copy(out, used);
    if (!pcapng) {
      const sec = start + Math.floor(i / 1000);
      const frac = (i % 1000) * (nano ? 1_000_000 : 1000);
      if (le) {
        out.writeUInt32LE(sec, used);
        out.writeUInt32LE(frac, used + 4);
      } else {
        out.writeUInt32BE(sec, used);
        out.writeUInt32BE(frac, used + 4);
      }
    }
    used += rec.length;
    if (used >= chunkBytes) {
      yield out.subarray(0, used);
      out = Buffer.allocUnsafe(size);
      used = 0;
    }
  }
  if (used > 0) yield out.subarray(0, used);
}

/** The file header and each record (header and packet bytes) of a classic pcap. */
function pcapParts(buf: Buffer): { head: Buffer; records: Buffer[] } {
  const { le } = layout(buf);
  const records: Buffer[] = [];
  for (let p = 24; p + 16 <= buf.length; ) {
    const end = p + 16 + (le ? buf.readUInt32LE(p + 8) : buf.readUInt32BE(p + 8));
    if (end > buf.length) break;
    records.push(buf.subarray(p, end));
    p = end;
  }
  return { head: buf.subarray(0, 24), records };
}

/** One section's SHB and IDBs, and its packet blocks (EPB, SPB, OPB), of a pcapng file. */
function pcapngParts(buf: Buffer): { head: Buffer; records: Buffer[] } {
  const le = buf.length >= 12 && buf.readUInt32LE(8) === 0x1a2b3c4d;
  const heads: Buffer[] = [];
  const records: Buffer[] = [];
  for (let p = 0; p + 12 <= buf.length; ) {
    const type = le ? buf.readUInt32LE(p) : buf.readUInt32BE(p);
    const len = le ? buf.readUInt32LE(p + 4) : buf.readUInt32BE(p + 4);
    if (len < 12 || p + len > buf.length || (type === 0x0a0d0d0a && p > 0)) break;
    const block = buf.subarray(p, p + len);
    if (type === 0x0a0d0d0a || type === 1) heads.push(block);
    else if (type === 6 || type === 3 || type === 2) records.push(block);
    p += len;
  }
  if (heads.length === 0) throw new CaptureFormatError('not a pcapng file');
  return { head: Buffer.concat(heads), records };
}
