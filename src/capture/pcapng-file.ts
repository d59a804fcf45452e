import { endRecord, type FormatReader, MAX_BLOCK, MAX_BATCH, MAX_CAPLEN } from './format-reader.js';
import { decodePacket } from './packet.js';
import { type PcapngInterface, readInterface, unitsToTimestamp } from './pcapng-interface.js';
import type { PacketRecord } from './record.js';

export const SHB = 0x0a0d0d0a;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const IDB = 1;
const OPB = 2;
const SPB = 3;
const EPB = 6;

/** pcapng blocks: sections in either byte order, interfaces with their own link type and resolution, EPB/SPB/OPB packets; other blocks are skipped. */
export class PcapngReader implements FormatReader {
  need = 12;
  skip = 0;
  done = false;
  private index = 0;
  private le = true;
  private ifaces: PcapngInterface[] = [];

  parse(dv: DataView, off: number, end: number, eof: boolean, out: PacketRecord[]): number {
    let p = off;
    this.skip = 0;
    for (let n = 0; n < MAX_BATCH; n++) {
      if (end - p < 12) {
        this.need = 12;
        if (eof) this.finish(end > p ? `file ends inside a block header (${end - p} of 12 bytes)` : undefined, out);
        break;
      }
      let type = dv.getUint32(p, this.le);
      if (type === SHB) {
        const magic = dv.getUint32(p + 8, true);
        if (magic !== BYTE_ORDER_MAGIC && magic !== 0x4d3c2b1a) {
          this.finish(`section header at offset ${p - off} has no byte-order magic`, out, false);
          break;
        }
        this.le = magic === BYTE_ORDER_MAGIC;
        type = SHB;
      }
      const len = dv.getUint32(p + 4, this.le);
      if (len < 12 || len % 4 !== 0) {
        this.finish(`block of type ${type} has invalid length ${len}`, out, false);
        break;
      }
      const isPacket = type === EPB || type === SPB || type === OPB;
      if (len > MAX_BLOCK && (isPacket || type === SHB || type === IDB)) {
        this.finish(`block of type ${type} is ${len} bytes long (more than ${MAX_BLOCK})`, out, false);
        break;
      }
      if (len > MAX_BLOCK) {
        this.skip = len;
        break;
      }
      if (end - p < len) {
        this.need = len;
        if (eof) this.finish(`file ends inside a block (${end - p} of ${len} bytes)`, out);
        break;
      }
      if (dv.getUint32(p + len - 4, this.le) !== len) {
        this.finish(`block of type ${type} has mismatched trailing length`, out, false);
        break;
      }
      if (type === SHB) this.ifaces = [];
      else if (type === IDB && len >= 20) this.ifaces.push(readInterface(dv, p + 8, p + len - 4, this.le));
      else if (isPacket) out.push(this.packet(dv, p, len, type));
      p += len;
    }
    return p - off;
  }

  private packet(dv: DataView, p: number, len: number, type: number): PacketRecord {
    const le = this.le;
    const index = this.index++;
    const simple = type === SPB;
    const ifid = simple ? 0 : type === OPB ? dv.getUint16(p + 8, le) : dv.getUint32(p + 8, le);
    const iface = this.ifaces[ifid];
    if (iface === undefined) return endRecord(index, `packet block names interface ${ifid}, which no IDB described`, false);
    const dataOff = simple ? p + 12 : p + 28;
    const length = dv.getUint32(simple ? p + 8 : p + 24, le);
    const room = p + len - 4 - dataOff;
    const caplen = simple ? Math.min(length, room, iface.snaplen > 0 ? iface.snaplen : room) : dv.getUint32(p + 20, le);
    if (caplen > room || caplen > MAX_CAPLEN) return endRecord(index, `packet block claims ${caplen} captured bytes in a ${len}-byte block`, false);
    const ts = simple ? undefined : unitsToTimestamp(dv.getUint32(p + 12, le), dv.getUint32(p + 16, le), iface);
    return decodePacket(dv, dataOff, caplen, length, iface.linktype, index, ts);
  }

  /** Ends the input: pushes a record saying why, when there is a reason. */
  finish(message: string | undefined, out: PacketRecord[], truncated = true): void {
    if (message !== undefined) out.push(endRecord(this.index++, message, truncated));
    this.done = true;
  }
}
