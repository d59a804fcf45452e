import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import { decodeBuffer, decodeFile, decodeStream, parseTcpdumpText, summarize, type PacketRecord } from '../../src/capture/index.js';

const dir = fileURLToPath(new URL('../../../test/fixtures/captures/', import.meta.url));
const read = (name: string): Buffer => readFileSync(dir + name);
const echoKey = (r: PacketRecord): string =>
  `${r.inner?.src}>${r.inner?.dst} ${r.mpls.map((e) => e.label).join('/')} ${r.icmp?.type}:${r.icmp?.id}:${r.icmp?.seq}`;

/** Recorded in user-mode Linux 6.1.176 by scripts/record-captures.ts; see the fixture README. */
const TABLE: { file: string; linktype: number; forward: number; back: number; /** whether labelled packets carry the outer (underlay) header: the any captures see both. */
  outer: 'all' | 'none' | 'some'; greProto?: number }[] = [
  { file: 'gre-veth.pcap', linktype: 1, forward: 100, back: 101, outer: 'all', greProto: 0x8847 },
  { file: 'gre-veth-be.pcap', linktype: 1, forward: 100, back: 101, outer: 'all', greProto: 0x8847 },
  { file: 'gre-veth-nano.pcap', linktype: 1, forward: 100, back: 101, outer: 'all', greProto: 0x8847 },
  { file: 'gre-veth-nano.pcapng', linktype: 1, forward: 100, back: 101, outer: 'all', greProto: 0x8847 },
  { file: 'gre-any-sll2.pcap', linktype: 276, forward: 100, back: 101, outer: 'some', greProto: 0x8847 },
  { file: 'gre-any-sll.pcap', linktype: 113, forward: 100, back: 101, outer: 'some', greProto: 0x8847 },
  { file: 'gre-foo4-sll.pcap', linktype: 113, forward: 100, back: 101, outer: 'none' },
  { file: 'mix-mplsip-raw.pcap', linktype: 101, forward: 400, back: 401, outer: 'none' },
];

describe('capture fixtures recorded from a 6.1 kernel', () => {
  for (const t of TABLE) {
    describe(t.file, () => {
      const recs = decodeBuffer(read(t.file));
      const labelled = recs.filter((r) => r.mpls.length > 0);

      it('decodes every record without error, on the recorded link type', () => {
        expect(recs.length).to.be.greaterThan(3);
        expect(recs.filter((r) => r.error !== undefined)).to.deep.equal([]);
        expect(new Set(recs.map((r) => r.linktype))).to.deep.equal(new Set([t.linktype]));
      });

      it(`sees label ${t.forward} from A to B and ${t.back} from B to A`, () => {
        expect(labelled.length).to.be.greaterThan(1);
        for (const r of labelled) {
          const towardsB = r.inner?.dst.endsWith('.2') === true;
          expect(r.mpls.map((e) => e.label)).to.deep.equal([towardsB ? t.forward : t.back]);
          expect(r.mpls[0]).to.include({ bottom: true, tc: 0, ttl: 64 });
          if (r.outer !== undefined) expect(r.outer.dst).to.equal(towardsB ? '10.128.100.2' : '10.128.0.2');
          if (r.outer !== undefined && t.greProto !== undefined) expect(r.gre?.proto).to.equal(t.greProto);
        }
        const withOuter = labelled.filter((r) => r.outer !== undefined).length;
        expect(withOuter === labelled.length ? 'all' : withOuter === 0 ? 'none' : 'some').to.equal(t.outer);
      });

      it('pairs every echo request with a reply of the same id and seq', () => {
        const echo = labelled.filter((r) => r.icmp?.id !== undefined);
        const requests = echo.filter((r) => r.icmp?.type === 8).map((r) => `${r.icmp?.id}:${r.icmp?.seq}`);
        const replies = echo.filter((r) => r.icmp?.type === 0).map((r) => `${r.icmp?.id}:${r.icmp?.seq}`);
        expect(requests.length).to.be.greaterThan(0);
        expect(replies.sort()).to.deep.equal(requests.sort());
      });
    });
  }

  it('reads the GRE key, sequence number and checksum of a keyed tunnel, and IPv6 inside', () => {
    const recs = decodeBuffer(read('mix-veth.pcap'));
    const keyed = recs.filter((r) => r.gre?.key !== undefined);
    expect(keyed.length).to.be.greaterThan(3);
    for (const r of keyed) expect(r.gre).to.have.keys('proto', 'checksum', 'key', 'seq');
    expect(keyed.every((r) => r.gre?.key === 42)).to.equal(true);
    const seqs = keyed.filter((r) => r.outer?.src === '10.128.0.2').map((r) => r.gre?.seq as number);
    expect(seqs).to.deep.equal([...seqs].sort((a, b) => a - b));
    const v6 = keyed.filter((r) => r.inner?.version === 6);
    expect(v6.map((r) => r.icmp?.type).sort()).to.deep.equal([128, 128, 129, 129]);
  });

  it('reads ip6gre (past the destination options header), two labels over Ethernet and MPLS-in-IP', () => {
    const recs = decodeBuffer(read('mix-veth.pcap'));
    const ip6gre = recs.filter((r) => r.outer?.version === 6 && r.gre !== undefined && r.mpls.length > 0);
    expect(ip6gre.map((r) => r.mpls[0]?.label).sort()).to.deep.equal([300, 300, 301, 301]);
    expect(ip6gre[0]?.outer?.proto).to.equal(47);
    const stacked = recs.filter((r) => r.mpls.length === 2);
    expect(stacked.map((r) => r.mpls.map((e) => `${e.label}${e.bottom ? 'S' : ''}`).join(' ')).sort()).to.deep.equal(['200 201S', '200 201S', '210 211S', '210 211S']);
    expect(stacked.every((r) => r.outer === undefined && r.gre === undefined)).to.equal(true);
    const mplsip = recs.filter((r) => r.outer?.proto === 137);
    expect(mplsip.map((r) => r.mpls[0]?.label).sort()).to.deep.equal([400, 400, 401, 401]);
  });

  it('marks the -s 60 capture truncated before the inner header, never as an error', () => {
    const recs = decodeBuffer(read('gre-veth-snap60.pcap'));
    const gre = recs.filter((r) => r.gre !== undefined);
    expect(gre.length).to.be.greaterThan(3);
    for (const r of gre) {
      expect(r.truncated).to.equal(true);
      expect(r.error).to.equal(undefined);
      expect(r.caplen).to.be.lessThan(r.length as number);
      expect(r.mpls).to.have.length(1);
    }
  });

  it('agrees with tcpdump -s 60 text on which packets were cut and what was read before the cut', () => {
    const bin = decodeBuffer(read('gre-veth-snap60.pcap'));
    const txt = parseTcpdumpText(read('gre-veth-snap60.txt').toString('utf8'));
    expect(txt).to.have.length(bin.length);
    const cut = (rs: PacketRecord[]): string[] => rs.filter((r) => r.gre !== undefined).map((r) => `${r.truncated} ${r.mpls.map((e) => e.label)}`);
    expect(cut(txt)).to.deep.equal(cut(bin));
    expect(cut(bin).every((c) => c.startsWith('true'))).to.equal(true);
  });

  it('keeps per-interface link types in a merged pcapng', () => {
    const recs = decodeBuffer(read('gre-merged.pcapng'));
    const plain = decodeBuffer(read('gre-veth.pcap')).length + decodeBuffer(read('gre-foo4-sll.pcap')).length;
    expect(recs).to.have.length(plain);
    expect(new Set(recs.map((r) => r.linktype))).to.deep.equal(new Set([1, 113]));
  });

  it('gives the same timestamps from pcap, its big-endian copy, and nanosecond pcapng', () => {
    const le = decodeBuffer(read('gre-veth.pcap'));
    expect(decodeBuffer(read('gre-veth-be.pcap'))).to.deep.equal(le);
    const nano = decodeBuffer(read('gre-veth-nano.pcap'));
    expect(nano.some((r) => (r.ts?.nsec as number) % 1000 !== 0)).to.equal(true);
    expect(decodeBuffer(read('gre-veth-nano.pcapng')).map((r) => r.ts)).to.deep.equal(nano.map((r) => r.ts));
  });

  it('agrees with tcpdump text of the same capture on labels, addresses and echo ids', () => {
    for (const [pcap, texts] of [
      ['gre-veth.pcap', ['gre-veth.txt', 'gre-veth.e.txt', 'gre-veth.v.txt', 'gre-veth.t.txt', 'gre-veth.ev.txt']],
      ['gre-any-sll2.pcap', ['gre-any-sll2.txt', 'gre-any-sll2.e.txt']],
      ['gre-any-sll.pcap', ['gre-any-sll.txt']],
      ['gre-foo4-sll.pcap', ['gre-foo4-sll.txt', 'gre-foo4-sll.e.txt']],
      ['mix-veth.pcap', ['mix-veth.txt', 'mix-veth.v.txt']],
    ] as const) {
      // tcpdump 4.99 prints MPLS-in-IP (protocol 137) as "ip-proto-137" without decoding it
      const bin = decodeBuffer(read(pcap)).map((r) => (r.outer?.proto === 137 ? { index: r.index, mpls: [], outer: r.outer } : r));
      for (const t of texts) {
        const txt = parseTcpdumpText(read(t).toString('utf8'));
        expect(txt.length, t).to.equal(bin.length);
        const labelled = bin.filter((r) => r.mpls.length > 0);
        expect(txt.filter((r) => r.mpls.length > 0).map(echoKey), t).to.deep.equal(labelled.map(echoKey));
        txt.forEach((r, i) => {
          expect(r.mpls, `${t} #${i}`).to.deep.equal(bin[i]?.mpls);
          expect([r.outer?.src, r.outer?.dst], `${t} #${i}`).to.deep.equal([bin[i]?.outer?.src, bin[i]?.outer?.dst]);
          if (r.gre?.key !== undefined) expect(r.gre).to.include({ key: bin[i]?.gre?.key, seq: bin[i]?.gre?.seq });
        });
        expect(summarize(txt).stacks, t).to.deep.equal(summarize(bin).stacks);
      }
    }
  });

  it('streams tcpdump text from a pipe in small chunks to the same records', async () => {
    for (const f of ['gre-veth.v.txt', 'gre-any-sll2.e.txt']) {
      const text = read(f);
      const chunks: Buffer[] = [];
      for (let i = 0; i < text.length; i += 7) chunks.push(text.subarray(i, i + 7));
      const stream = await decodeStream(Readable.from(chunks));
      expect(stream.format).to.equal('text');
      const out: PacketRecord[] = [];
      for await (const r of stream) out.push(r);
      expect(out).to.deep.equal(parseTcpdumpText(text.toString('utf8')));
    }
  });

  it('streams a file to the same records as decodeBuffer', async () => {
    for (const f of ['gre-any-sll2.pcap', 'gre-merged.pcapng']) {
      const out: PacketRecord[] = [];
      const stream = await decodeFile(dir + f);
      for await (const r of stream) out.push(r);
      expect(out).to.deep.equal(decodeBuffer(read(f)));
    }
  });
});
