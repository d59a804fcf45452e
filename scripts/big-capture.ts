/**
 * Writes a large capture for load measurements: the packets of a capture recorded from a real
 * kernel (scripts/record-captures.ts), replicated until the file reaches SIZE, in constant
 * memory (replicateCapture in src/capture/pcap-rewrite.ts). Classic pcap gets increasing
 * timestamps; pcapng repeats its packet blocks unchanged. Nothing it writes is committed:
 * delete the file after measuring.
 *
 *   node dist/scripts/big-capture.js OUT SIZE [--from CAPTURE]
 *
 * SIZE is bytes with an optional K, M or G suffix (powers of 1024), e.g. 100M, 1G, 3G.
 * CAPTURE defaults to test/fixtures/captures/gre-any-sll2.pcap (`tcpdump -i any` on one end
 * of the seed setup, as verify captures: GRE on the underlay and bare MPLS on the tunnel).
 * Prints the packet count written.
 */
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { replicateCapture } from '../src/capture/pcap-rewrite.js';

export const DEFAULT_SEED = fileURLToPath(new URL('../../test/fixtures/captures/gre-any-sll2.pcap', import.meta.url));

/** `100M` -> 104857600. */
export function parseSize(text: string): number {
  const m = /^(\d+)([KMG]?)$/i.exec(text);
  if (!m) throw new Error(`SIZE: expected bytes with an optional K, M or G suffix (got "${text}")`);
  const unit = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[(m[2] ?? '').toUpperCase()] ?? 1;
  return Number(m[1]) * unit;
}

/** Packets of `seed` needed for about `bytes` (whole rounds of the seed's packets, at least one). */
export function packetsFor(seed: Buffer, bytes: number): number {
  const one = Buffer.concat([...replicateCapture(seed, 1_000)]).length;
  return Math.max(1, Math.round((bytes / one) * 1_000));
}

export async function writeBigCapture(out: string, bytes: number, seedFile = DEFAULT_SEED): Promise<{ packets: number }> {
  const seed = await readFile(seedFile);
  const packets = packetsFor(seed, bytes);
  await pipeline(Readable.from(replicateCapture(seed, packets)), createWriteStream(out));
  return { packets };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { from: { type: 'string' } } });
  const [out, size] = positionals;
  if (out === undefined || size === undefined) {
    process.stderr.write('usage: big-capture OUT SIZE [--from CAPTURE]\n');
    process.exitCode = 2;
  } else {
    const { packets } = await writeBigCapture(out, parseSize(size), values.from);
    process.stdout.write(`${out}: ${packets} packets\n`);
  }
}
