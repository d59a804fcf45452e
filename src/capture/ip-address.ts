/**
 * Address text, cached: a capture repeats a handful of addresses, and building the same
 * strings for every packet is most of what decoding would otherwise allocate.
 */
const V4_SLOTS = 1024;
const v4Keys = new Float64Array(V4_SLOTS).fill(-1);
const v4Text: string[] = new Array<string>(V4_SLOTS).fill('');

const V6_SLOTS = 256;
const v6Keys = new Uint32Array(V6_SLOTS * 4);
const v6Used = new Uint8Array(V6_SLOTS);
const v6Text: string[] = new Array<string>(V6_SLOTS).fill('');

/** Dotted quad at `off`. */
export function formatIpv4(dv: DataView, off: number): string {
  const key = dv.getUint32(off);
  const slot = (key ^ (key >>> 10) ^ (key >>> 20)) & (V4_SLOTS - 1);
  if (v4Keys[slot] === key) return v4Text[slot] as string;
  const text = `${key >>> 24}.${(key >>> 16) & 0xff}.${(key >>> 8) & 0xff}.${key & 0xff}`;
  v4Keys[slot] = key;
  v4Text[slot] = text;
  return text;
}

/** RFC 5952 text, as inet_ntop and tcpdump -nn print it. */
export function formatIpv6(dv: DataView, off: number): string {
  const a = dv.getUint32(off);
  const b = dv.getUint32(off + 4);
  const c = dv.getUint32(off + 8);
  const d = dv.getUint32(off + 12);
  const slot = (a ^ b ^ c ^ d ^ (d >>> 8) ^ (d >>> 16)) & (V6_SLOTS - 1);
  const k = slot * 4;
  if (v6Used[slot] === 1 && v6Keys[k] === a && v6Keys[k + 1] === b && v6Keys[k + 2] === c && v6Keys[k + 3] === d) {
    return v6Text[slot] as string;
  }
  const text = ipv6Text(dv, off);
  v6Keys[k] = a;
  v6Keys[k + 1] = b;
  v6Keys[k + 2] = c;
  v6Keys[k + 3] = d;
  v6Used[slot] = 1;
  v6Text[slot] = text;
  return text;
}

/** Longest run of two or more zero groups compressed; ::a.b.c.d and ::ffff:a.b.c.d keep the embedded IPv4. */
function ipv6Text(dv: DataView, off: number): string {
  let bestBase = -1;
  let bestLen = 0;
  let curBase = -1;
  for (let i = 0; i < 8; i++) {
    if (dv.getUint16(off + 2 * i) === 0) {
      if (curBase < 0) curBase = i;
      if (i - curBase + 1 > bestLen) {
        bestBase = curBase;
        bestLen = i - curBase + 1;
      }
    } else curBase = -1;
  }
  if (bestLen < 2) bestBase = -1;
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestBase) {
      s += i === 0 ? '::' : ':';
      i += bestLen - 1;
      continue;
    }
    if (i === 6 && bestBase === 0 && (bestLen === 6 || (bestLen === 5 && dv.getUint16(off + 10) === 0xffff))) {
      const v4 = dv.getUint32(off + 12);
      return `${s}${v4 >>> 24}.${(v4 >>> 16) & 0xff}.${(v4 >>> 8) & 0xff}.${v4 & 0xff}`;
    }
    s += dv.getUint16(off + 2 * i).toString(16);
    if (i < 7) s += ':';
  }
  return s;
}
