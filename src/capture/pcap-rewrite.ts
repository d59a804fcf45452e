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
  const { le } = layout(buf);
  const nano = buf.readUInt32BE(0) === 0x4d3cb2a1 || buf.readUInt32BE(0) === 0xa1b23c4d;
  const rd32 = (off: number): number => (le ? buf.readUInt32LE(off) : buf.readUInt32BE(off));
  const records: Buffer[] = [];
  for (let p = 24; p + 16 <= buf.length; ) {
    const end = p + 16 + rd32(p + 8);
    if (end > buf.length) break;
    records.push(buf.subarray(p, end));
    p = end;
  }
  if (records.length === 0) throw new CaptureFormatError('capture has no packets to replicate');
  const start = rd32(24);
  const chunks: Buffer[] = [buf.subarray(0, 24)];
  for (let i = 0; i < count; i++) {
    const rec = Buffer.from(records[i % records.length] as Buffer);
    const sec = start + Math.floor(i / 1000);
    const frac = (i % 1000) * (nano ? 1_000_000 : 1000);
    if (le) {
      rec.writeUInt32LE(sec, 0);
      rec.writeUInt32LE(frac, 4);
    } else {
      rec.writeUInt32BE(sec, 0);
      rec.writeUInt32BE(frac, 4);
    }
    chunks.push(rec);
  }
  return Buffer.concat(chunks);
}
