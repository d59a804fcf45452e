import { open, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';

/** Where capture bytes come from: a file read in place, or any Readable (stdin, a pipe). */
export interface ByteSource {
  /** Reads up to `len` bytes into `buf` at `off`; 0 means end of input. */
  read(buf: Buffer, off: number, len: number): Promise<number>;
  close(): Promise<void>;
}

export async function fileSource(path: string): Promise<ByteSource> {
  const fh: FileHandle = await open(path, 'r');
  return {
    read: async (buf, off, len) => (await fh.read(buf, off, len, null)).bytesRead,
    close: () => fh.close(),
  };
}

/** A Readable as a source; `signal` aborted ends the input there (a live pipe stopped with Ctrl-C). */
export function streamSource(stream: Readable, signal?: AbortSignal): ByteSource {
  const it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const ended: IteratorResult<Buffer | string> = { done: true, value: undefined };
  const aborted = signal && new Promise<IteratorResult<Buffer | string>>((resolve) => {
    if (signal.aborted) resolve(ended);
    else signal.addEventListener('abort', () => resolve(ended), { once: true });
  });
  let pending: Buffer | undefined;
  let pos = 0;
  return {
    async read(buf, off, len) {
      if (pending === undefined || pos >= pending.length) {
        const r = aborted ? await Promise.race([it.next(), aborted]) : await it.next();
        if (r.done === true) return 0;
        pending = typeof r.value === 'string' ? Buffer.from(r.value, 'latin1') : r.value;
        pos = 0;
      }
      const n = pending.copy(buf, off, pos, Math.min(pending.length, pos + len));
      pos += n;
      return n;
    },
    async close() {
      await it.return?.();
      stream.destroy();
    },
  };
}

/**
 * A fixed-size buffer sliding over a source: memory stays constant whatever the input size.
 * Bytes [start, end) of `buf` are read and not yet consumed; `dv` views the same memory.
 */
export class ByteWindow {
  readonly buf: Buffer;
  readonly dv: DataView;
  start = 0;
  end = 0;
  /** absolute input offset of `start`. */
  consumed = 0;
  eof = false;

  constructor(
    private readonly source: ByteSource,
    size: number,
  ) {
    this.buf = Buffer.alloc(size);
    this.dv = new DataView(this.buf.buffer, this.buf.byteOffset, size);
  }

  get available(): number {
    return this.end - this.start;
  }

  /** Makes `n` bytes available at `start` (n must not exceed the window size); false at end of input. */
  async ensure(n: number): Promise<boolean> {
    if (this.end - this.start >= n) return true;
    if (n > this.buf.length) throw new RangeError(`window of ${this.buf.length} bytes cannot hold ${n}`);
    if (this.start + n > this.buf.length) {
      this.buf.copy(this.buf, 0, this.start, this.end);
      this.end -= this.start;
      this.start = 0;
    }
    while (this.end - this.start < n && !this.eof) {
      const got = await this.source.read(this.buf, this.end, this.buf.length - this.end);
      if (got === 0) this.eof = true;
      this.end += got;
    }
    return this.end - this.start >= n;
  }

  advance(n: number): void {
    this.start += n;
    this.consumed += n;
  }

  /** Consumes `n` bytes without keeping them (blocks larger than the window); returns how many were left when the input ended first. */
  async skip(n: number): Promise<number> {
    while (n > 0) {
      if (this.available === 0 && !(await this.ensure(1))) return n;
      const k = Math.min(n, this.available);
      this.advance(k);
      n -= k;
    }
    return 0;
  }

  /** Reads on after the end of the input: for a file another process is still writing. */
  resume(): void {
    this.eof = false;
  }

  close(): Promise<void> {
    return this.source.close();
  }
}
