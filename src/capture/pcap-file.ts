import { endRecord, type FormatReader, MAX_BATCH, MAX_CAPLEN } from './format-reader.js';
import { decodePacket } from './packet.js';
import type { PacketRecord } from './record.js';

export const PCAP_HEADER_SIZE = 24;

/** Classic pcap (libpcap) records after the 24-byte file header; byte order and resolution come from its magic. */
export class PcapReader implements FormatReader {
  need = 16;
  skip = 0;
  done = false;
  private index = 0;

  constructor(
    private readonly le: boolean,
    private readonly nano: boolean,
    readonly linktype: number,
  ) {}

  parse(dv: DataView, off: number, end: number, eof: boolean, out: PacketRecord[]): number {
    const le = this.le;
    const nsMul = this.nano ? 1 : 1000;
    let p = off;
    for (let n = 0; n < MAX_BATCH; n++) {
      if (end - p < 16) {
        this.need = 16;
        if (eof) this.finish(end > p ? `file ends inside a record header (${end - p} of 16 bytes)` : undefined, out);
        break;
      }
      const caplen = dv.getUint32(p + 8, le);
      const length = dv.getUint32(p + 12, le);
      if (caplen > MAX_CAPLEN) {
        this.finish(`record ${this.index} claims ${caplen} captured bytes (more than ${MAX_CAPLEN})`, out, false);
        break;
      }
      if (end - p - 16 < caplen) {
        this.need = 16 + caplen;
        if (eof) this.finish(`file ends inside a record (${end - p - 16} of ${caplen} bytes)`, out);
        break;
      }
      const ts = { sec: dv.getUint32(p, le), nsec: dv.getUint32(p + 4, le) * nsMul };
      out.push(decodePacket(dv, p + 16, caplen, length, this.linktype, this.index++, ts));
      p += 16 + caplen;
    }
    return p - off;
  }

  /** Ends the input: pushes a record saying why, when there is a reason. */
  finish(message: string | undefined, out: PacketRecord[], truncated = true): void {
    if (message !== undefined) out.push(endRecord(this.index++, message, truncated));
    this.done = true;
  }
}
