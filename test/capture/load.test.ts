import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { decodeBuffer, decodeStream, type Summary, SummaryBuilder, summarize } from '../../src/capture/index.js';
import { replicateCapture } from '../../src/capture/pcap-rewrite.js';
import { writeBigCapture } from '../../scripts/big-capture.js';

const dir = fileURLToPath(new URL('../../../test/fixtures/captures/', import.meta.url));

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Live heap after a full collection: what the decoder keeps, not what it has yet to collect. */
function liveHeap(): number {
  gc();
  return process.memoryUsage().heapUsed;
}

/** Every count of a real capture's summary times `k`: what `k` copies of its packets must add up to. */
function times(s: Summary, k: number): Summary {
  return {
    ...s,
    packets: s.packets * k,
    labelled: s.labelled * k,
    truncated: s.truncated * k,
    errors: s.errors * k,
    stacks: s.stacks.map((x) => ({ ...x, packets: x.packets * k })),
    echoes: s.echoes.map((x) => ({ ...x, requests: x.requests * k, replies: x.replies * k })),
  };
}

/**
 * Decodes a stream, summarising as it goes, and takes the live heap once a quarter of `packets`
 * are in and again at the end: a decoder that kept anything per packet grows in between.
 */
async function decodeMeasured(input: Readable, packets: number): Promise<{ summary: Summary; growth: number; count: number }> {
  const builder = new SummaryBuilder();
  let count = 0;
  let quarter = 0;
  for await (const batch of (await decodeStream(input)).batches()) {
    for (const r of batch) builder.add(r);
    count += batch.length;
    if (quarter === 0 && count >= packets / 4) quarter = liveHeap();
  }
  const growth = liveHeap() - quarter;
  return { summary: builder.result(), growth, count };
}

const MB = 1024 * 1024;

describe('capture decoding under load: constant memory, exact counts', function () {
  this.timeout(120_000);

  for (const [file, mb] of [['gre-any-sll2.pcap', 128], ['gre-merged.pcapng', 32]] as const) {
    it(`streams ${mb} MB of ${file} (recorded packets, replicated) with a flat heap and every packet counted once`, async () => {
      const seed = readFileSync(dir + file);
      const seedSummary = summarize(decodeBuffer(seed));
      const rounds = Math.ceil((mb * MB) / seed.length);
      const packets = rounds * seedSummary.packets;
      const { summary, growth, count } = await decodeMeasured(Readable.from(replicateCapture(seed, packets)), packets);
      expect(count).to.equal(packets);
      expect(summary).to.deep.equal(times(seedSummary, rounds));
      // Holding the records, or a counter per record, would take hundreds of MB here.
      expect(growth, `live heap grew ${(growth / MB).toFixed(1)} MB`).to.be.lessThan(4 * MB);
    });
  }

  it("reads tcpdump's own text output of a large capture from its stdout: as many records as packets, the same counts", async () => {
    const work = await mkdtemp(join(tmpdir(), 'mplsgre-load-'));
    try {
      const file = join(work, 'big.pcap');
      const { packets } = await writeBigCapture(file, 4 * MB);
      const child = spawn('tcpdump', ['-nn', '-r', file], { stdio: ['ignore', 'pipe', 'ignore'] });
      const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      const text = await decodeMeasured(child.stdout, packets);
      clearTimeout(killer);
      expect(await exited).to.equal(0);
      expect(text.count).to.equal(packets);
      const binary = await decodeMeasured(Readable.from(replicateCapture(readFileSync(join(dir, 'gre-any-sll2.pcap')), packets)), packets);
      // tcpdump text carries no link type or lengths; labels, addresses and echoes must agree.
      expect(text.summary.stacks).to.deep.equal(binary.summary.stacks);
      expect(text.summary.echoes).to.deep.equal(binary.summary.echoes);
      expect(text.growth, `live heap grew ${(text.growth / MB).toFixed(1)} MB`).to.be.lessThan(4 * MB);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});
