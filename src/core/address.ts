import { UsageError } from './errors.js';
import { describeValue, quote } from './show.js';

/** IP address family: 4 or 6. */
export type Family = 4 | 6;

/** A parsed IP address; `text` is its canonical form (RFC 5952 for IPv6). */
export interface IpAddress {
  readonly family: Family;
  readonly value: bigint;
  readonly text: string;
}

/** A parsed prefix whose host bits are zero; `text` is canonical "network/length". */
export interface IpPrefix {
  readonly family: Family;
  readonly network: bigint;
  readonly length: number;
  readonly text: string;
}

const BITS: Record<Family, number> = { 4: 32, 6: 128 };

/** Strict dotted quad: four decimal octets, no leading zeros (010 reads as octal to some tools). */
function parseIPv4(s: string): bigint | string {
  const parts = s.split('.');
  if (parts.length !== 4) return 'an IPv4 address has four dot-separated numbers';
  let v = 0n;
  for (const p of parts) {
    if (!/^[0-9]{1,3}$/.test(p)) return 'an IPv4 address has four dot-separated numbers';
    if (p.length > 1 && p.startsWith('0')) return `leading zeros are ambiguous (octal or decimal?); write ${parts.map((x) => String(Number(x))).join('.')}`;
    const n = Number(p);
    if (n > 255) return `${p} is above 255`;
    v = (v << 8n) | BigInt(n);
  }
  return process.getBuiltinModule('node:net').isIPv4(s) ? v : 'not a valid IPv4 address';
}

function parseIPv6(s: string): bigint | string {
  if (s.includes('%')) return 'zone indexes (%dev) are not accepted';
  if (!process.getBuiltinModule('node:net').isIPv6(s)) return 'not a valid IPv6 address';
  const halves = s.split('::');
  const groups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    for (const g of part.split(':')) {
      if (g.includes('.')) {
        const v4 = parseIPv4(g);
        if (typeof v4 === 'string') return undefined;
        out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      } else {
        out.push(parseInt(g, 16));
      }
    }
    return out;
  };
  const head = groups(halves[0] ?? '');
  const tail = halves.length === 2 ? groups(halves[1] ?? '') : [];
  if (!head || !tail) return 'not a valid IPv6 address';
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  const all = [...head, ...new Array<number>(fill).fill(0), ...tail];
  if (all.length !== 8) return 'not a valid IPv6 address';
  return all.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

/** Formats an address canonically: dotted quad, or RFC 5952 (lower case, longest zero run compressed). */
export function formatIp(family: Family, value: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((sh) => String((value >> sh) & 0xffn)).join('.');
  const g = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** Parses one host address (no prefix length). Throws UsageError naming `field`. */
export function parseIp(value: unknown, field: string): IpAddress {
  if (typeof value !== 'string') throw new UsageError(field, `expected an IP address, found ${describeValue(value)}`);
  if (value === '') throw new UsageError(field, 'is empty; expected an IP address such as 10.128.0.2');
  if (value.includes('/')) throw new UsageError(field, `${quote(value)} is a prefix; a single host address is expected here (without /length)`);
  const looks6 = value.includes(':');
  const v = looks6 ? parseIPv6(value) : parseIPv4(value);
  if (typeof v === 'string') throw new UsageError(field, `${quote(value)} is not an IP address: ${v}`);
  const family: Family = looks6 ? 6 : 4;
  if (family === 6 && v >> 32n === 0xffffn) {
    throw new UsageError(field, `${quote(value)} is an IPv4-mapped IPv6 address; write the IPv4 address itself`);
  }
  return { family, value: v, text: formatIp(family, v) };
}

/** Parses "network/length" with host bits zero. Throws UsageError naming `field`. */
export function parsePrefix(value: unknown, field: string): IpPrefix {
  if (typeof value !== 'string') throw new UsageError(field, `expected a prefix such as 10.199.0.0/24, found ${describeValue(value)}`);
  const slash = value.indexOf('/');
  if (slash < 0) throw new UsageError(field, `${quote(value)} has no /length; expected a prefix such as 10.199.0.0/24`);
  const addr = value.slice(0, slash);
  const len = value.slice(slash + 1);
  const ip = parseIp(addr, field);
  const bits = BITS[ip.family];
  if (!/^(0|[1-9][0-9]{0,2})$/.test(len) || Number(len) > bits) {
    throw new UsageError(field, `${quote(value)}: the length must be a whole number 0..${bits}`);
  }
  const length = Number(len);
  const hostMask = (1n << BigInt(bits - length)) - 1n;
  if ((ip.value & hostMask) !== 0n) {
    const network = ip.value & ~hostMask;
    throw new UsageError(field, `${quote(value)} has host bits set; did you mean ${formatIp(ip.family, network)}/${length}?`);
  }
  return { family: ip.family, network: ip.value, length, text: `${ip.text}/${length}` };
}

/** The highest address of the prefix (IPv4 broadcast). */
export function lastAddress(p: IpPrefix): bigint {
  return p.network | ((1n << BigInt(BITS[p.family] - p.length)) - 1n);
}

export function prefixContains(p: IpPrefix, a: IpAddress): boolean {
  return p.family === a.family && a.value >= p.network && a.value <= lastAddress(p);
}

/** Why an address cannot be a tunnel endpoint or interface address, or undefined when it can. */
export function notUnicast(a: IpAddress): string | undefined {
  if (a.value === 0n) return 'is the unspecified address';
  if (a.family === 4) {
    if (a.value >> 24n === 127n) return 'is a loopback address';
    if (a.value >> 28n === 0xen) return 'is a multicast address';
    if (a.value === 0xffffffffn) return 'is the limited broadcast address';
    if (a.value >> 24n === 0n) return 'is in 0.0.0.0/8 ("this network")';
    if (a.value >> 28n === 0xfn) return 'is in the reserved 240.0.0.0/4';
    return undefined;
  }
  if (a.value === 1n) return 'is the loopback address';
  if (a.value >> 120n === 0xffn) return 'is a multicast address';
  return undefined;
}

/** IPv6 link-local addresses need a zone, which a topology cannot carry. */
export function isLinkLocal6(a: IpAddress): boolean {
  return a.family === 6 && a.value >> 118n === 0x3fan;
}
