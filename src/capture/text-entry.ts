import type { GreInfo, IcmpInfo, IpInfo, MplsEntry, Mutable, PacketRecord } from './record.js';
import { readTimestamp } from './text-timestamp.js';

const ETHERTYPES: Readonly<Record<string, number>> = { MPLS: 0x8847, IP: 0x0800, IP6: 0x86dd };

/**
 * Parses one tcpdump entry (its continuation lines already joined with spaces) into a record.
 * Walks the words once, left to right; every loop advances, so time is linear in the text.
 */
export function parseEntry(text: string, index: number): PacketRecord {
  const rec: PacketRecord = { index, mpls: [] };
  const stamp = readTimestamp(text, 0);
  if (stamp !== undefined) rec.ts = stamp.ts;
  const w = text.slice(stamp?.next ?? 0).split(/[ \t]+/);
  let last: Mutable<IpInfo> | undefined;
  const setGreProto = (proto: number | undefined): void => {
    if (rec.gre !== undefined && rec.gre.proto === undefined) (rec.gre as Mutable<GreInfo>).proto = proto;
  };
  let i = 0;
  while (i < w.length) {
    const word = w[i] as string;
    if (word.includes('[|')) {
      rec.truncated = true;
      i++;
    } else if (word === 'ethertype') {
      i = linkHeader(w, i + 1, rec);
    } else if (word === 'vlan' && /^\d+,$/.test(w[i + 1] ?? '')) {
      (rec.vlan ??= []).push(parseInt(w[i + 1] as string, 10));
      i += 2;
    } else if (word === 'IP' || word === 'IP6') {
      setGreProto(ETHERTYPES[word]);
      i = skipParens(w, i + 1);
      const ip = address(w, i, rec);
      if (ip !== undefined) {
        last = ip;
        i += 3;
      }
    } else if (word.startsWith('GREv')) {
      if (last !== undefined) last.proto = 47;
      i = gre(w, i + 1, rec);
    } else if (word === 'MPLS' && w[i + 1] === '(label') {
      setGreProto(0x8847);
      i = mpls(w, i + 1, rec);
    } else if (word === 'ICMP' || word === 'ICMP6,') {
      if (last !== undefined) last.proto = word === 'ICMP' ? 1 : 58;
      i = icmp(w, i + 1, rec, word !== 'ICMP');
    } else if (word.startsWith('(')) {
      i = skipParens(w, i);
    } else {
      const ip = w[i + 1] === '>' ? address(w, i, rec) : undefined;
      if (ip !== undefined) {
        last = ip;
        i += 3;
      } else i++;
    }
  }
  return rec;
}

/** `NAME (0xNNNN), length N:` after "ethertype" (-e); sets the frame length. */
function linkHeader(w: string[], i: number, rec: PacketRecord): number {
  for (let n = 0; n < 6 && i < w.length; n++, i++) {
    if (w[i] === 'length' && (w[i + 1] ?? '').endsWith(':')) {
      const len = parseInt(w[i + 1] as string, 10);
      if (rec.length === undefined && Number.isFinite(len)) rec.length = len;
      return i + 2;
    }
  }
  return i;
}

/** Skips a parenthesised group that may span words, e.g. an IP header printed with -v. */
function skipParens(w: string[], i: number): number {
  let depth = 0;
  for (; i < w.length; i++) {
    const word = w[i] as string;
    if (depth === 0 && !word.startsWith('(')) return i;
    for (let k = 0; k < word.length; k++) {
      const c = word.charCodeAt(k);
      if (c === 40) depth++;
      else if (c === 41) depth--;
    }
    if (depth <= 0) depth = 0;
  }
  return i;
}

/** `SRC > DST:` at i; the first IP is the outer one, one after GRE or MPLS the inner one. */
function address(w: string[], i: number, rec: PacketRecord): Mutable<IpInfo> | undefined {
  const src = w[i];
  const dst = w[i + 2];
  if (src === undefined || w[i + 1] !== '>' || dst === undefined || !dst.endsWith(':')) return undefined;
  const version = src.includes(':') ? 6 : 4;
  if (!isAddress(src, version)) return undefined;
  const ip: Mutable<IpInfo> = { src: stripPort(src, version), dst: stripPort(dst.slice(0, -1), version), version };
  if (rec.outer === undefined && rec.gre === undefined && rec.mpls.length === 0) rec.outer = ip;
  else if (rec.inner === undefined) rec.inner = ip;
  else return undefined;
  return ip;
}

function isAddress(s: string, version: 4 | 6): boolean {
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    const digit = c >= 48 && c <= 57;
    const ok = version === 4 ? digit || c === 46 : digit || c === 46 || c === 58 || (c >= 97 && c <= 102);
    if (!ok) return false;
  }
  return s.length > 0;
}

/** tcpdump appends ".port" for TCP and UDP: a fifth dotted part (IPv4) or a dot after hex groups (IPv6). */
function stripPort(s: string, version: 4 | 6): string {
  const dots = s.split('.').length - 1;
  if (version === 4 ? dots === 4 : dots === 1 || dots === 4) return s.slice(0, s.lastIndexOf('.'));
  return s;
}

/** GRE fields up to `length N`: sum, key=, seq, proto NAME (0xNNNN). */
function gre(w: string[], i: number, rec: PacketRecord): number {
  const info: Mutable<GreInfo> = {};
  rec.gre = info;
  for (; i < w.length; i++) {
    const word = w[i] as string;
    if (word === 'length') return i + 2;
    if (word === 'sum') info.checksum = parseInt(w[++i] ?? '', 16);
    else if (word.startsWith('key=')) info.key = parseInt(word.slice(4), 16);
    else if (word === 'seq') info.seq = parseInt(w[++i] ?? '', 10);
    else if (word.startsWith('(0x')) info.proto = parseInt(word.slice(1), 16);
    else if (word.includes('[|')) {
      rec.truncated = true;
      return i + 1;
    }
  }
  return i;
}

/** `(label N[ (name)], exp|tc N, [S], ttl N)` groups; reserved labels carry a name in parentheses. */
function mpls(w: string[], i: number, rec: PacketRecord): number {
  const stack: MplsEntry[] = [...rec.mpls];
  rec.mpls = stack;
  while (w[i] === '(label') {
    const entry = { label: parseInt(w[i + 1] ?? '', 10), tc: 0, bottom: false, ttl: NaN };
    let j = i + 2;
    for (let n = 0; n < 8 && j < w.length; n++) {
      const word = w[j] as string;
      if (word === 'tc' || word === 'exp') {
        entry.tc = parseInt(w[j + 1] ?? '', 10);
        j += 2;
      } else if (word === '[S],') {
        entry.bottom = true;
        j++;
      } else if (word === 'ttl') {
        entry.ttl = parseInt(w[j + 1] ?? '', 10);
        j += 2;
        break;
      } else j++;
    }
    // Out of range is damage (a label is 20 bits, tc 3, ttl 8), as is a missing number (NaN).
    if (!(entry.label >= 0 && entry.label <= 0xfffff && entry.tc >= 0 && entry.tc <= 7 && entry.ttl >= 0 && entry.ttl <= 255)) {
      rec.truncated = true;
      return j;
    }
    stack.push(entry);
    i = j;
  }
  return i;
}

/** `echo request|reply, [id N,] seq N` after ICMP / ICMP6,. */
function icmp(w: string[], i: number, rec: PacketRecord, v6: boolean): number {
  if (w[i] !== 'echo' || (w[i + 1] !== 'request,' && w[i + 1] !== 'reply,')) return i;
  const request = w[i + 1] === 'request,';
  const info: Mutable<IcmpInfo> = { type: v6 ? (request ? 128 : 129) : request ? 8 : 0, code: 0 };
  rec.icmp = info;
  i += 2;
  for (let n = 0; n < 2; n++) {
    if (w[i] === 'id') info.id = parseInt(w[i + 1] ?? '', 10);
    else if (w[i] === 'seq') info.seq = parseInt(w[i + 1] ?? '', 10);
    else break;
    i += 2;
  }
  return i;
}
