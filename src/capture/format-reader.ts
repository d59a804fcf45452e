import type { PacketRecord } from './record.js';

/** Largest packet kept (libpcap's own maximum snapshot length). */
export const MAX_CAPLEN = 262_144;
/** Largest pcapng block held in memory; larger blocks that carry no packet are skipped unread. */
export const MAX_BLOCK = MAX_CAPLEN + 65_536;
/** Records per batch: small batches keep few records alive across a young-generation GC. */
export const MAX_BATCH = 512;
/** The streaming window: room for the largest block plus read-ahead. */
export const WINDOW_SIZE = 1 << 20;

/**
 * A push parser for one file format, shared by the streaming and the synchronous decoders.
 * `parse` decodes every complete record in [off, end) into `out` and returns the bytes it used;
 * it must not read past `end`. When it stops it sets `need` (bytes it wants at its position),
 * `skip` (bytes to drop unread) or `done`.
 */
export interface FormatReader {
  need: number;
  skip: number;
  done: boolean;
  parse(dv: DataView, off: number, end: number, eof: boolean, out: PacketRecord[]): number;
  /** Ends the input, with a final record saying why when `message` is given. */
  finish(message: string | undefined, out: PacketRecord[], truncated?: boolean): void;
}

/** The record that ends a damaged file: what was wrong, at which input offset. */
export function endRecord(index: number, message: string, truncated: boolean): PacketRecord {
  const rec: PacketRecord = { index, mpls: [], error: message };
  if (truncated) rec.truncated = true;
  return rec;
}
