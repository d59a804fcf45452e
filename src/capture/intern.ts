import { formatIpv4 } from './ip-address.js';
import type { IpInfo, MplsEntry } from './record.js';

/**
 * Shared, immutable record parts: a capture repeats a few address pairs and label stack
 * entries, and allocating a fresh object for each packet is most of the decoder's cost.
 * Direct-mapped caches: a collision just builds a new object.
 */
const IP_SLOTS = 1024;
const ipKeys = new Uint32Array(IP_SLOTS * 3);
const ipValues: (IpInfo | undefined)[] = new Array<IpInfo | undefined>(IP_SLOTS).fill(undefined);

/** The IPv4 header fields at `off` (addresses at 12 and 16, the DS field at 1) as a shared IpInfo. */
export function ipv4Info(dv: DataView, off: number, proto: number, fragment: boolean): IpInfo {
  const src = dv.getUint32(off + 12);
  const dst = dv.getUint32(off + 16);
  const ds = dv.getUint8(off + 1);
  const tag = proto | (fragment ? 0x100 : 0) | 0x200 | (ds << 10);
  const slot = (src ^ (dst >>> 3) ^ (dst << 7) ^ tag) & (IP_SLOTS - 1);
  const k = slot * 3;
  const cached = ipValues[slot];
  if (cached !== undefined && ipKeys[k] === src && ipKeys[k + 1] === dst && ipKeys[k + 2] === tag) return cached;
  const ip: IpInfo = fragment
    ? { src: formatIpv4(dv, off + 12), dst: formatIpv4(dv, off + 16), proto, version: 4, fragment, ds }
    : { src: formatIpv4(dv, off + 12), dst: formatIpv4(dv, off + 16), proto, version: 4, ds };
  ipKeys[k] = src;
  ipKeys[k + 1] = dst;
  ipKeys[k + 2] = tag;
  ipValues[slot] = ip;
  return ip;
}

const LABEL_SLOTS = 1024;
const labelKeys = new Float64Array(LABEL_SLOTS).fill(-1);
const labelValues: (readonly MplsEntry[])[] = new Array<readonly MplsEntry[]>(LABEL_SLOTS).fill([]);

/** A label stack entry word as a shared one-entry stack. */
export function singleLabelStack(word: number): readonly MplsEntry[] {
  const slot = (word ^ (word >>> 12) ^ (word >>> 22)) & (LABEL_SLOTS - 1);
  if (labelKeys[slot] === word) return labelValues[slot] as readonly MplsEntry[];
  const stack = [labelEntry(word)];
  labelKeys[slot] = word;
  labelValues[slot] = stack;
  return stack;
}

export function labelEntry(word: number): MplsEntry {
  return { label: word >>> 12, tc: (word >>> 9) & 7, bottom: (word & 0x100) !== 0, ttl: word & 0xff };
}
