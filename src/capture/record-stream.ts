import type { CaptureFormat, PacketRecord } from './record.js';

/**
 * Decoded records of one input, read as it is iterated (memory stays bounded).
 * Iterate it once, either record by record or by batches (faster for large files).
 * Breaking out of the loop closes the input.
 */
export interface CaptureStream extends AsyncIterable<PacketRecord> {
  readonly format: CaptureFormat;
  batches(): AsyncIterable<PacketRecord[]>;
}

export function captureStream(format: CaptureFormat, batches: AsyncGenerator<PacketRecord[]>): CaptureStream {
  return {
    format,
    batches: () => batches,
    [Symbol.asyncIterator]: () => flatten(batches),
  };
}

/** One record at a time out of batches, without an async generator's per-item cost. */
function flatten(batches: AsyncGenerator<PacketRecord[]>): AsyncIterator<PacketRecord> {
  let batch: PacketRecord[] = [];
  let i = 0;
  return {
    async next(): Promise<IteratorResult<PacketRecord>> {
      while (i >= batch.length) {
        const r = await batches.next();
        if (r.done === true) return { done: true, value: undefined };
        batch = r.value;
        i = 0;
      }
      return { done: false, value: batch[i++] as PacketRecord };
    },
    async return(): Promise<IteratorResult<PacketRecord>> {
      await batches.return(undefined);
      return { done: true, value: undefined };
    },
  };
}
