import type { Readable } from 'node:stream';
import { ByteWindow, type ByteSource, fileSource, streamSource } from './byte-window.js';
import { CaptureFormatError } from './errors.js';
import { WINDOW_SIZE } from './format-reader.js';
import { runReader } from './pcap.js';
import type { CaptureFormat } from './record.js';
import { type CaptureStream, captureStream } from './record-stream.js';
import { openBinaryReader, SNIFF_SIZE, sniffFormat } from './sniff.js';
import { textBatches } from './tcpdump-text.js';

export { CaptureFormatError } from './errors.js';
export { decodeBuffer, openCapture } from './pcap.js';
export type { CaptureFormat, GreInfo, IcmpInfo, IpInfo, MplsEntry, PacketRecord, Timestamp } from './record.js';
export type { CaptureStream } from './record-stream.js';
export { type EchoCount, type StackCount, type Summary, SummaryBuilder, summarize } from './summary.js';
export { parseTcpdumpText } from './tcpdump-text.js';
export { CaptureTail } from './tail.js';
export { LinkType } from './linktype.js';

export interface DecodeOptions {
  /** Skip sniffing and read the input as this format. */
  format?: CaptureFormat;
  /** For a stream: aborting ends the input where it is (what was read is still decoded). */
  signal?: AbortSignal;
}

/**
 * Opens a pcap, pcapng or tcpdump text file, telling them apart by their first bytes, and
 * streams its records. Throws the file system's error when the file cannot be opened and
 * `CaptureFormatError` when it is none of the three.
 */
export async function decodeFile(path: string, opts: DecodeOptions = {}): Promise<CaptureStream> {
  return decodeSource(await fileSource(path), opts);
}

/** As `decodeFile`, for a stream (stdin, a pipe from tcpdump). */
export function decodeStream(stream: Readable, opts: DecodeOptions = {}): Promise<CaptureStream> {
  return decodeSource(streamSource(stream, opts.signal), opts);
}

async function decodeSource(source: ByteSource, opts: DecodeOptions): Promise<CaptureStream> {
  const win = new ByteWindow(source, WINDOW_SIZE);
  try {
    await win.ensure(SNIFF_SIZE);
    const format = opts.format ?? sniffFormat(win.buf.subarray(win.start, win.end));
    if (format === undefined) {
      throw new CaptureFormatError(win.available === 0 ? 'empty file' : 'not a pcap, pcapng or tcpdump text capture');
    }
    if (format === 'text') return captureStream('text', textBatches(win));
    const { reader, used } = openBinaryReader(win.dv, win.end);
    win.advance(used);
    return captureStream(format, runReader(win, reader));
  } catch (err) {
    await win.close();
    throw err;
  }
}
