import { ByteWindow, fileSource } from './byte-window.js';
import { CaptureFormatError } from './errors.js';
import { type FormatReader, WINDOW_SIZE } from './format-reader.js';
import type { PacketRecord } from './record.js';
import { openBinaryReader, SNIFF_SIZE, sniffFormat } from './sniff.js';

/**
 * Follows a pcap or pcapng file that another process is still writing (`tcpdump -U -w FILE`):
 * each `poll` decodes only the bytes written since the one before, through the same fixed
 * window and format readers as `decodeFile`, and keeps a record cut short by the writer for
 * the next poll. Polling a file of S bytes any number of times reads S bytes in all, in
 * constant memory.
 */
export class CaptureTail {
  private win: ByteWindow | undefined;
  private reader: FormatReader | undefined;
  /** bytes of a skipped block the writer has not written yet. */
  private skipping = 0;

  constructor(readonly path: string) {}

  /**
   * Hands every record written since the last poll to `onRecord` and returns how many there
   * were. A file not yet created, or shorter than its file header, has none yet. `final` says
   * the writer has stopped: a record cut short then ends the capture with an error record, and
   * a file that never became a capture throws `CaptureFormatError`.
   */
  async poll(onRecord: (rec: PacketRecord) => void, final = false): Promise<number> {
    if (this.win === undefined) {
      const source = await fileSource(this.path).catch((err: unknown) => {
        if (!final && (err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      });
      if (source === undefined) return 0;
      this.win = new ByteWindow(source, WINDOW_SIZE);
    }
    const win = this.win;
    win.resume();
    if (this.reader === undefined) {
      if (!(await win.ensure(SNIFF_SIZE)) && !final) return 0;
      const format = sniffFormat(win.buf.subarray(win.start, win.end));
      if (format !== 'pcap' && format !== 'pcapng') throw new CaptureFormatError(win.available === 0 ? `${this.path} is empty` : `${this.path} is not a pcap or pcapng capture`);
      const { reader, used } = openBinaryReader(win.dv, win.end);
      win.advance(used);
      this.reader = reader;
    }
    const reader = this.reader;
    const out: PacketRecord[] = [];
    let count = 0;
    while (!reader.done) {
      if (reader.skip > 0 || this.skipping > 0) {
        this.skipping = await win.skip(this.skipping + reader.skip);
        reader.skip = 0;
        if (this.skipping > 0) {
          if (final) reader.finish('file ends inside a skipped block', out);
          else break;
        }
        continue;
      }
      // false: the writer has not written that far (yet)
      const more = await win.ensure(reader.need);
      const used = reader.parse(win.dv, win.start, win.end, final && !more, out);
      win.advance(used);
      for (const rec of out) onRecord(rec);
      count += out.length;
      out.length = 0;
      if (used > 0 || reader.skip > 0 || reader.done) continue;
      // the next record is longer than what is here: read on, or wait for the writer
      if (win.available < reader.need) {
        if (more) continue;
        break;
      }
      reader.finish('decoder made no progress', out);
    }
    for (const rec of out) onRecord(rec);
    return count + out.length;
  }

  async close(): Promise<void> {
    await this.win?.close();
    this.win = undefined;
  }
}
