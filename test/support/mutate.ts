/**
 * Mutation fuzzing of recorded inputs: a seeded generator (a failure names its seed and case, and
 * reruns exactly) and byte mutations that damage files the way disks, truncated copies and
 * hostile writers do: flipped bits, odd bytes, truncation, splices from other inputs, length
 * fields grown to huge or off-by-one values, chunks duplicated, deleted or inserted.
 */

/** xorshift32: a uint32 per call, the same sequence for the same seed. */
export function rng(seed: number): () => number {
  let x = seed >>> 0 || 0x9e3779b9;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>>= 0);
  };
}

const INTERESTING_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x0a, 0x20, 0x2f, 0x3a];
/** Lengths a hostile file claims: zero, tiny, just over the decoder's bounds, and the 32-bit extremes. */
const INTERESTING_U32 = [0, 1, 4, 11, 12, 16, 65_535, 65_536, 262_144, 262_145, 327_680, 327_684, 1 << 20, 0x7fff_ffff, 0x8000_0000, 0xffff_fffc, 0xffff_ffff];

/** One to four stacked mutations of `input`; `pool` gives splice material. Never returns more than `maxSize` bytes. */
export function mutate(input: Uint8Array, pool: readonly Uint8Array[], next: () => number, maxSize = 1 << 16): Uint8Array {
  let b = Buffer.from(input);
  const pick = (n: number): number => (n <= 0 ? 0 : next() % n);
  for (let k = 1 + pick(4); k > 0; k--) {
    const len = b.length;
    switch (pick(9)) {
      case 0: // flip one bit
        if (len) b[pick(len)]! ^= 1 << pick(8);
        break;
      case 1: // an odd byte
        if (len) b[pick(len)] = INTERESTING_BYTES[pick(INTERESTING_BYTES.length)]!;
        break;
      case 2: // truncate
        b = b.subarray(0, pick(len + 1));
        break;
      case 3: { // splice a chunk of another input in
        const other = pool[pick(pool.length)] ?? b;
        const from = pick(other.length);
        const chunk = other.subarray(from, from + 1 + pick(256));
        const at = pick(len + 1);
        b = Buffer.concat([b.subarray(0, at), chunk, b.subarray(at)]);
        break;
      }
      case 4: // a length field: an aligned 32-bit word, either byte order, set to a hostile value
      case 5: {
        if (len < 4) break;
        const at = pick(len >> 2) << 2;
        const old = b.readUInt32LE(at);
        const v = pick(3) === 0 ? (old + (pick(2) ? 1 : -1)) >>> 0 : INTERESTING_U32[pick(INTERESTING_U32.length)]!;
        if (pick(2)) b.writeUInt32LE(v, at);
        else b.writeUInt32BE(v, at);
        break;
      }
      case 6: { // duplicate a chunk (grow)
        const at = pick(len + 1);
        const chunk = b.subarray(at, at + 1 + pick(512));
        b = Buffer.concat([b.subarray(0, at), chunk, chunk, b.subarray(at + chunk.length)]);
        break;
      }
      case 7: { // delete a chunk
        const at = pick(len + 1);
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1 + pick(64))]);
        break;
      }
      default: { // insert random bytes
        const n = 1 + pick(16);
        const r = Buffer.alloc(n);
        for (let i = 0; i < n; i++) r[i] = next() & 0xff;
        const at = pick(len + 1);
        b = Buffer.concat([b.subarray(0, at), r, b.subarray(at)]);
      }
    }
  }
  return b.length > maxSize ? b.subarray(0, maxSize) : b;
}
