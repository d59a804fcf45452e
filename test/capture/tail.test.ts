import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CaptureFormatError, CaptureTail, decodeBuffer, type PacketRecord } from '../../src/capture/index.js';
import { replicateCapture } from '../../src/capture/pcap-rewrite.js';
import { type FilePacket, pcapngFile } from './helpers/capture-file.js';

const dir = fileURLToPath(new URL('../../../test/fixtures/captures/', import.meta.url));

/** The packets of a recorded classic pcap (little-endian, microseconds). */
function recordedPackets(name: string): FilePacket[] {
  const buf = readFileSync(dir + name);
  const out: FilePacket[] = [];
  for (let p = 24; p + 16 <= buf.length; ) {
    const caplen = buf.readUInt32LE(p + 8);
    out.push({ bytes: [...buf.subarray(p + 16, p + 16 + caplen)], sec: buf.readUInt32LE(p), nsec: buf.readUInt32LE(p + 4) * 1000, length: buf.readUInt32LE(p + 12) });
    p += 16 + caplen;
  }
  return out;
}

/**
 * Appends `bytes` to `file` in pieces of the given sizes (cycling), polling after each as verify
 * does while tcpdump writes; returns every record handed over and what each poll returned.
 */
async function writeAndFollow(file: string, bytes: Buffer, pieces: number[]): Promise<{ records: PacketRecord[]; polls: number[]; tail: CaptureTail }> {
  const tail = new CaptureTail(file);
  const records: PacketRecord[] = [];
  const polls: number[] = [];
  await writeFile(file, '');
  for (let p = 0, i = 0; p < bytes.length; i++) {
    const n = pieces[i % pieces.length] as number;
    await appendFile(file, bytes.subarray(p, p + n));
    p += n;
    polls.push(await tail.poll((r) => records.push(r)));
  }
  return { records, polls, tail };
}

describe('CaptureTail: a capture decoded while it is written', () => {
  let work = '';
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'mplsgre-tail-'));
  });
  after(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('hands over each record of a growing pcap exactly once, whatever the write boundaries', async () => {
    const seed = readFileSync(dir + 'gre-any-sll2.pcap');
    const bytes = Buffer.concat([...replicateCapture(seed, 2_001)]);
    const want = decodeBuffer(bytes);
    const file = join(work, 'grow.pcap');
    // pieces cut file header, record headers and packet bytes alike
    const { records, polls, tail } = await writeAndFollow(file, bytes, [1, 7, 23, 16, 333, 4_096, 5]);
    expect(polls.filter((n) => n > 0).length, 'records arrive over many polls').to.be.greaterThan(100);
    expect(polls.reduce((a, b) => a + b, 0)).to.equal(want.length);
    expect(await tail.poll((r) => records.push(r)), 'nothing new, nothing handed over').to.equal(0);
    expect(await tail.poll((r) => records.push(r), true), 'the writer stopped on a record boundary').to.equal(0);
    await tail.close();
    expect(records).to.deep.equal(want);
  });

  it('holds a record the writer has cut short until the end, then ends with the same error record as the whole file', async () => {
    const bytes = readFileSync(dir + 'gre-veth.pcap');
    const cut = bytes.subarray(0, bytes.length - 10);
    const file = join(work, 'cut.pcap');
    const { records, tail } = await writeAndFollow(file, cut, [100]);
    const want = decodeBuffer(cut);
    expect(want.at(-1)?.error).to.match(/file ends inside a record/);
    expect(records).to.deep.equal(want.slice(0, -1));
    expect(await tail.poll((r) => records.push(r), true)).to.equal(1);
    await tail.close();
    expect(records).to.deep.equal(want);
  });

  it('skips a pcapng block larger than its window while it is being written, and reads the packets after it', async () => {
    const bytes = pcapngFile(recordedPackets('gre-veth.pcap'), { le: true, interfaces: [{ linktype: 1 }], unknownBlock: 400_000 });
    const file = join(work, 'big-block.pcapng');
    const { records, tail } = await writeAndFollow(file, bytes, [50_000, 3]);
    expect(await tail.poll((r) => records.push(r), true)).to.equal(0);
    await tail.close();
    const want = decodeBuffer(bytes);
    expect(want.length).to.be.greaterThan(10);
    expect(records).to.deep.equal(want);
  });

  it('waits for a file not yet created or still empty, and says what is wrong once the writer has stopped', async () => {
    const file = join(work, 'later.pcap');
    const tail = new CaptureTail(file);
    expect(await tail.poll(() => undefined)).to.equal(0);
    const err = await tail.poll(() => undefined, true).then(() => undefined, (e: unknown) => e);
    expect((err as NodeJS.ErrnoException).code).to.equal('ENOENT');
    await writeFile(file, '');
    expect(await tail.poll(() => undefined)).to.equal(0);
    expect(await tail.poll(() => undefined, true).then(() => undefined, (e: unknown) => e)).to.be.instanceOf(CaptureFormatError);
    await tail.close();
  });
});
