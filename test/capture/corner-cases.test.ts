import { expect } from 'chai';
import { Readable } from 'node:stream';
import { CaptureFormatError, decodeBuffer, decodeStream, type PacketRecord } from '../../src/capture/index.js';
import { pcapFile, pcapngFile } from './helpers/capture-file.js';
import { encodePacket } from './helpers/packet-spec.js';

const V4A = [10, 128, 0, 2];
const V4B = [10, 128, 100, 2];
const greMpls = encodePacket({
  linktype: 1,
  outer: { src: V4A, dst: V4B },
  gre: { proto: 0x8847, key: 7 },
  mpls: [{ label: 100, tc: 1, bottom: true, ttl: 63 }],
  inner: { src: [10, 199, 0, 1], dst: [10, 199, 0, 2] },
  icmp: { type: 8, id: 5, seq: 9 },
});
const twoPackets = (le: boolean): Buffer =>
  pcapFile([{ bytes: greMpls, sec: 1700000000, nsec: 123456000 }, { bytes: greMpls, sec: 1700000001, nsec: 0 }], { le, nano: false, linktype: 1 });

/** A Readable that hands over `size`-byte chunks, to cross every record boundary. */
function dribble(buf: Buffer, size: number): Readable {
  const chunks: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) chunks.push(buf.subarray(i, i + size));
  return Readable.from(chunks);
}

async function streamAll(buf: Buffer, size: number): Promise<PacketRecord[]> {
  const out: PacketRecord[] = [];
  for await (const r of await decodeStream(dribble(buf, size))) out.push(r);
  return out;
}

describe('capture decoder corner cases', () => {
  it('reads both byte orders to the same records', () => {
    const le = decodeBuffer(twoPackets(true));
    expect(le).to.have.length(2);
    expect(le[0]).to.deep.include({ ts: { sec: 1700000000, nsec: 123456000 }, length: greMpls.length });
    expect(le[0]?.gre).to.deep.equal({ proto: 0x8847, key: 7 });
    expect(decodeBuffer(twoPackets(false))).to.deep.equal(le);
  });

  it('ends a file cut inside a record with a truncated error record', () => {
    const full = twoPackets(true);
    for (const cut of [full.length - 1, full.length - greMpls.length - 5, 24 + 16 + greMpls.length + 3]) {
      const recs = decodeBuffer(full.subarray(0, cut));
      const last = recs.at(-1) as PacketRecord;
      expect(last.truncated, `cut at ${cut}`).to.equal(true);
      expect(last.error).to.match(/^file ends inside a record/);
      expect(recs.filter((r) => r.error === undefined)).to.have.length(1);
    }
  });

  it('throws CaptureFormatError for zero-length, garbage and a cut file header', () => {
    expect(() => decodeBuffer(Buffer.alloc(0))).to.throw(CaptureFormatError);
    expect(() => decodeBuffer(Buffer.from('GIF89a garbage garbage garbage'))).to.throw(CaptureFormatError, /unknown magic/);
    expect(() => decodeBuffer(twoPackets(true).subarray(0, 20))).to.throw(CaptureFormatError, /cut short/);
  });

  it('rejects a huge caplen without allocating it', () => {
    const buf = twoPackets(true);
    buf.writeUInt32LE(0xfffffff0, 24 + 8);
    const recs = decodeBuffer(buf);
    expect(recs).to.have.length(1);
    expect(recs[0]?.error).to.match(/claims 4294967280 captured bytes/);
    const ng = pcapngFile([{ bytes: greMpls, sec: 1, nsec: 0 }], { le: true, interfaces: [{ linktype: 1 }] });
    const epb = ng.length - ng.readUInt32LE(ng.length - 4);
    ng.writeUInt32LE(0x7ffffff0, epb + 4);
    expect(decodeBuffer(ng).at(-1)?.error).to.equal('block of type 6 is 2147483632 bytes long (more than 327680)');
  });

  it('streams in tiny chunks to the same records, for pcap and pcapng', async () => {
    const ng = pcapngFile(
      [{ bytes: greMpls, sec: 1700000000, nsec: 999999999, iface: 1 }, { bytes: greMpls.slice(14), sec: 5, nsec: 0 }],
      { le: false, interfaces: [{ linktype: 101 }, { linktype: 1, tsresol: 9 }], unknownBlock: 40 },
    );
    for (const buf of [twoPackets(true), ng]) {
      const whole = decodeBuffer(buf);
      expect(whole.every((r) => r.mpls[0]?.label === 100)).to.equal(true);
      for (const size of [1, 3, 7, 64]) expect(await streamAll(buf, size), `chunks of ${size}`).to.deep.equal(whole);
    }
  });

  it('reads pcapng Simple Packet Blocks, snapped to the interface snaplen', () => {
    const ng = pcapngFile([{ bytes: greMpls, sec: 0, nsec: 0 }], { le: true, simple: true, interfaces: [{ linktype: 1, snaplen: 50 }] });
    const [rec] = decodeBuffer(ng);
    expect(rec).to.deep.include({ caplen: 50, length: greMpls.length, truncated: true });
    expect(rec?.ts).to.equal(undefined);
    expect(rec?.mpls).to.deep.equal([{ label: 100, tc: 1, bottom: true, ttl: 63 }]);
  });

  it('reports a packet naming an interface no IDB described, and goes on', () => {
    const ng = pcapngFile([{ bytes: greMpls, sec: 0, nsec: 0, iface: 3 }, { bytes: greMpls, sec: 0, nsec: 0 }], { le: true, interfaces: [{ linktype: 1 }] });
    const recs = decodeBuffer(ng);
    expect(recs.map((r) => r.error)).to.deep.equal(['packet block names interface 3, which no IDB described', undefined]);
  });

  it('flags IPv4 fragments and stops at an over-deep label stack', () => {
    const frag = [...greMpls];
    frag[14 + 6] = 0x20; // MF set on the outer header
    expect(decodeBuffer(pcapFile([{ bytes: frag, sec: 0, nsec: 0 }], { le: true, nano: false, linktype: 1 }))[0]?.outer?.fragment).to.equal(true);
    const deep = encodePacket({ linktype: 1, mpls: Array.from({ length: 17 }, (_, i) => ({ label: i + 16, tc: 0, bottom: false, ttl: 1 })) });
    const [rec] = decodeBuffer(pcapFile([{ bytes: deep, sec: 0, nsec: 0 }], { le: true, nano: false, linktype: 1 }));
    expect(rec?.error).to.equal('MPLS label stack deeper than 16');
    expect(rec?.mpls).to.have.length(16);
  });

  it('never throws on random bytes behind a valid header', () => {
    let seed = 12345;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
    for (const linktype of [1, 12, 14, 101, 113, 228, 229, 276, 147]) {
      for (let n = 0; n < 200; n++) {
        const bytes = Array.from({ length: n % 90 }, rand);
        const recs = decodeBuffer(pcapFile([{ bytes, sec: 0, nsec: 0 }], { le: true, nano: false, linktype }));
        expect(recs).to.have.length(1);
      }
    }
  });
});
