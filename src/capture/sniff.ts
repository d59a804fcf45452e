import { CaptureFormatError } from './errors.js';
import type { FormatReader } from './format-reader.js';
import { PCAP_HEADER_SIZE, PcapReader } from './pcap-file.js';
import { PcapngReader, SHB } from './pcapng-file.js';
import type { CaptureFormat } from './record.js';
import { readTimestamp } from './text-timestamp.js';

/** Bytes needed to tell the formats apart and read a pcap file header. */
export const SNIFF_SIZE = PCAP_HEADER_SIZE;

/** Which format the first bytes announce: the pcap or pcapng magic, else tcpdump text if they look like text. */
export function sniffFormat(head: Uint8Array): CaptureFormat | undefined {
  if (head.length >= 4) {
    const dv = new DataView(head.buffer, head.byteOffset, head.length);
    const m = dv.getUint32(0, false);
    if (m === SHB) return 'pcapng';
    if (m === 0xa1b2c3d4 || m === 0xd4c3b2a1 || m === 0xa1b23c4d || m === 0x4d3cb2a1) return 'pcap';
  }
  return looksLikeText(head) ? 'text' : undefined;
}

/** Printable text whose first line reads like tcpdump's: a timestamp, a banner, or a packet line. */
function looksLikeText(head: Uint8Array): boolean {
  const n = Math.min(head.length, 512);
  if (n === 0) return false;
  for (let i = 0; i < n; i++) {
    const b = head[i] as number;
    if (b === 0 || (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d)) return false;
  }
  const text = Buffer.from(head.buffer, head.byteOffset, n).toString('latin1');
  const nl = text.indexOf('\n');
  const line = (nl < 0 ? text : text.slice(0, nl)).trimStart();
  if (readTimestamp(line, 0) !== undefined) return true;
  if (/^\d+ {2}/.test(line) || TEXT_STARTS.some((s) => line.startsWith(s))) return true;
  return line.includes(' > ') && line.includes(': ');
}

const TEXT_STARTS = ['reading from file', 'tcpdump: ', 'listening on', 'IP ', 'IP6 ', 'MPLS ', 'ARP, '];

/** The reader for a binary capture whose first bytes are [0, end) of `dv`; `used` is the file header it consumed. */
export function openBinaryReader(dv: DataView, end: number): { reader: FormatReader; used: number; format: 'pcap' | 'pcapng' } {
  if (end < 4) throw new CaptureFormatError(`too short to be a capture (${end} bytes)`);
  const m = dv.getUint32(0, false);
  if (m === SHB) return { reader: new PcapngReader(), used: 0, format: 'pcapng' };
  const le = m === 0xd4c3b2a1 || m === 0x4d3cb2a1;
  const nano = m === 0xa1b23c4d || m === 0x4d3cb2a1;
  if (!le && m !== 0xa1b2c3d4 && m !== 0xa1b23c4d) throw new CaptureFormatError(`unknown magic 0x${m.toString(16).padStart(8, '0')}: not pcap or pcapng`);
  if (end < PCAP_HEADER_SIZE) throw new CaptureFormatError(`pcap file header cut short (${end} of ${PCAP_HEADER_SIZE} bytes)`);
  const major = dv.getUint16(4, le);
  if (major !== 2) throw new CaptureFormatError(`pcap version ${major} is not 2`);
  // the top bits of the link type field carry FCS information (pcap-savefile(5))
  const linktype = dv.getUint32(20, le) & 0x03ffffff;
  return { reader: new PcapReader(le, nano, linktype), used: PCAP_HEADER_SIZE, format: 'pcap' };
}
