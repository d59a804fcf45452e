import type { Readable } from 'node:stream';
import { ByteWindow, fileSource, streamSource } from './byte-window.js';
import { CaptureFormatError } from './errors.js';
import { type FormatReader, WINDOW_SIZE } from './format-reader.js';
import type { PacketRecord } from './record.js';
import { type CaptureStream, captureStream } from './record-stream.js';
import { openBinaryReader, SNIFF_SIZE, sniffFormat } from './sniff.js';

/**
 * Decodes a whole pcap or pcapng capture held in memory. For small inputs and tests;
 * files of any size should go through `openCapture`. Throws only `CaptureFormatError`.
 */
export function decodeBuffer(buf: Uint8Array): PacketRecord[] {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const { reader, used } = openBinaryReader(dv, buf.byteLength);
  const out: PacketRecord[] = [];
  let p = used;
  while (!reader.done) {
    const used = reader.parse(dv, p, buf.byteLength, true, out);
    p += used;
    if (reader.skip > 0) {
      if (buf.byteLength - p < reader.skip) reader.finish('file ends inside a skipped block', out);
      p += reader.skip;
      reader.skip = 0;
    } else if (used === 0 && !reader.done) reader.finish('decoder made no progress', out);
  }
  return out;
}

/**
 * Streams a pcap or pcapng capture from a path or a Readable through a fixed-size window.
 * Throws `CaptureFormatError` when the file header is not a capture's; a damaged body ends
 * the stream with a record carrying `error`.
 */
export async function openCapture(input: string | Readable): Promise<CaptureStream> {
  const win = new ByteWindow(typeof input === 'string' ? await fileSource(input) : streamSource(input), WINDOW_SIZE);
  try {
    await win.ensure(SNIFF_SIZE);
    const format = sniffFormat(win.buf.subarray(win.start, win.end));
    if (format === 'text') throw new CaptureFormatError('text, not a pcap or pcapng capture');
    const { reader, used } = openBinaryReader(win.dv, win.end);
    win.advance(used);
    return captureStream(format ?? 'pcap', runReader(win, reader));
  } catch (err) {
    await win.close();
    throw err;
  }
}

/** Feeds the window to a format reader, one batch of records per window fill. */
export async function* runReader(win: ByteWindow, reader: FormatReader): AsyncGenerator<PacketRecord[]> {
  try {
    while (!reader.done) {
      if (reader.skip > 0) {
        const n = reader.skip;
        reader.skip = 0;
        if ((await win.skip(n)) > 0) {
          const out: PacketRecord[] = [];
          reader.finish('file ends inside a skipped block', out);
          yield out;
        }
        continue;
      }
      await win.ensure(reader.need);
      const out: PacketRecord[] = [];
      const used = reader.parse(win.dv, win.start, win.end, win.eof, out);
      win.advance(used);
      if (out.length > 0) yield out;
      if (used === 0 && out.length === 0 && reader.skip === 0 && !reader.done && (win.eof || win.available >= reader.need)) {
        reader.finish('decoder made no progress', out);
        yield out;
      }
    }
  } finally {
    await win.close();
  }
}
