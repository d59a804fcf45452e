import type { Readable } from 'node:stream';
import { decodeFile, decodeStream } from '../capture/index.js';
import type { CaptureFormat, PacketRecord } from '../capture/record.js';
import { type Summary, SummaryBuilder } from '../capture/summary.js';
import { MplsgreError, UsageError } from '../core/errors.js';

export interface CaptureDecodeOptions {
  /** The capture file, or `-` for `input`. */
  readonly file: string;
  /** What `-` reads (standard input): streamed, in constant memory unless `json` keeps every record. */
  readonly input?: Readable;
  /** Aborting ends a streamed input where it is: what was read is summarised. */
  readonly signal?: AbortSignal;
  /** include every packet record in the result (what `--json` prints). */
  readonly json: boolean;
}

/** The result of `mplsgre capture decode FILE`. */
export interface CaptureDecodeResult {
  packets?: PacketRecord[];
  summary: Summary;
  format: CaptureFormat;
  count: number;
}

/**
 * Decodes a pcap, pcapng or tcpdump text capture and summarises it. Throws `UsageError`
 * (field FILE) when the file cannot be read and `CaptureFormatError` when it is not a capture.
 */
export async function captureDecode(opts: CaptureDecodeOptions): Promise<CaptureDecodeResult> {
  const opened = opts.file === '-' && opts.input ? decodeStream(opts.input, { signal: opts.signal }) : decodeFile(opts.file);
  const stream = await opened.catch((err: unknown) => {
    throw asUsageError(err, opts.file);
  });
  const builder = new SummaryBuilder();
  const packets: PacketRecord[] = [];
  let count = 0;
  try {
    for await (const batch of stream.batches()) {
      count += batch.length;
      for (const rec of batch) builder.add(rec);
      if (opts.json) packets.push(...batch);
    }
  } catch (err) {
    throw asUsageError(err, opts.file);
  }
  const result: CaptureDecodeResult = { summary: builder.result(), format: stream.format, count };
  if (opts.json) result.packets = packets;
  return result;
}

/** A file system error (ENOENT, EACCES, EISDIR) is the FILE argument's fault. */
function asUsageError(err: unknown, file: string): unknown {
  if (err instanceof MplsgreError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  return typeof code === 'string' ? new UsageError('FILE', `cannot read ${file} (${code})`, err) : err;
}
