import type { Timestamp } from './record.js';

/** What an Interface Description Block says about the packets of one interface. */
export interface PcapngInterface {
  linktype: number;
  snaplen: number;
  /** timestamp units per second after `pre` (a power of ten or two, at most 1e9 or 2^32). */
  units: number;
  /** units-per-second divisor applied first for resolutions finer than a nanosecond. */
  pre: number;
  tsOffset: number;
}

/** Reads linktype, snaplen and the if_tsresol / if_tsoffset options of an IDB whose body is [off, end). */
export function readInterface(dv: DataView, off: number, end: number, le: boolean): PcapngInterface {
  const iface: PcapngInterface = { linktype: dv.getUint16(off, le), snaplen: dv.getUint32(off + 4, le), units: 1e6, pre: 1, tsOffset: 0 };
  let p = off + 8;
  while (end - p >= 4) {
    const code = dv.getUint16(p, le);
    const len = dv.getUint16(p + 2, le);
    if (code === 0 || end - p - 4 < len) break;
    if (code === 9 && len >= 1) setResolution(iface, dv.getUint8(p + 4));
    if (code === 14 && len >= 8) {
      const hi = dv.getInt32(p + 4 + (le ? 4 : 0), le);
      const lo = dv.getUint32(p + 4 + (le ? 0 : 4), le);
      iface.tsOffset = hi * 4294967296 + lo;
    }
    p += 4 + ((len + 3) & ~3);
  }
  return iface;
}

function setResolution(iface: PcapngInterface, v: number): void {
  if ((v & 0x80) !== 0) {
    iface.units = 2 ** Math.min(v & 0x7f, 32);
    return;
  }
  const digits = Math.min(v, 15);
  iface.units = 10 ** Math.min(digits, 9);
  iface.pre = 10 ** Math.max(digits - 9, 0);
}

/** Splits a 64-bit count of interface units into seconds and nanoseconds, exactly (long division by 16-bit digits). */
export function unitsToTimestamp(hi: number, lo: number, iface: PcapngInterface): Timestamp {
  if (hi < 0x200000 && iface.pre === 1) {
    // below 2^53 the count is exact as a double
    const x = hi * 4294967296 + lo;
    const sec = Math.floor(x / iface.units);
    return { sec: sec + iface.tsOffset, nsec: Math.floor(((x - sec * iface.units) * 1e9) / iface.units) };
  }
  const digits = [hi >>> 16, hi & 0xffff, lo >>> 16, lo & 0xffff];
  let q = 0;
  let r = 0;
  if (iface.pre !== 1) {
    for (let i = 0; i < 4; i++) {
      r = r * 65536 + (digits[i] ?? 0);
      digits[i] = Math.floor(r / iface.pre);
      r %= iface.pre;
    }
  }
  r = 0;
  for (let i = 0; i < 4; i++) {
    r = r * 65536 + (digits[i] ?? 0);
    const d = Math.floor(r / iface.units);
    r -= d * iface.units;
    q = q * 65536 + d;
  }
  return { sec: q + iface.tsOffset, nsec: Math.floor((r * 1e9) / iface.units) };
}
