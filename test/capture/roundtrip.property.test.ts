import { expect } from 'chai';
import fc from 'fast-check';
import { decodeBuffer, type MplsEntry } from '../../src/capture/index.js';
import { pcapFile, pcapngFile } from './helpers/capture-file.js';
import { encodePacket, type PacketSpec } from './helpers/packet-spec.js';

const v4 = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 });
// Leading zero groups up to 80 bits would print with an embedded IPv4 part, which URL does not do.
const v6 = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 16, maxLength: 16 }).filter((b) => b.slice(0, 10).some((x) => x !== 0));
const v4Text = (b: number[]): string => b.join('.');
/** The WHATWG URL parser's IPv6 serialisation is RFC 5952's, an independent reference. */
const v6Text = (b: number[]): string => {
  const groups = Array.from({ length: 8 }, (_, i) => (((b[2 * i] as number) << 8) | (b[2 * i + 1] as number)).toString(16));
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
};
const stack = fc
  .array(fc.record({ label: fc.integer({ min: 0, max: 0xfffff }), tc: fc.integer({ min: 0, max: 7 }), ttl: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 16 })
  .map((es): MplsEntry[] => es.map((e, i) => ({ ...e, bottom: i === es.length - 1 })));
const pair = fc.oneof(fc.tuple(v4, v4), fc.tuple(v6, v6));
const opt = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(a, { nil: undefined });

const spec: fc.Arbitrary<PacketSpec> = fc.record({
  linktype: fc.constantFrom(1, 12, 14, 101, 113, 276, 228, 229),
  outer: pair,
  ds: fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 })),
  gre: fc.record({ checksum: opt(fc.integer({ min: 0, max: 0xffff })), key: opt(fc.nat()), seq: opt(fc.nat()) }),
  mpls: stack,
  inner: pair,
  icmp: fc.record({ request: fc.boolean(), id: fc.integer({ min: 0, max: 0xffff }), seq: fc.integer({ min: 0, max: 0xffff }) }),
  vlan: fc.array(fc.integer({ min: 0, max: 4095 }), { maxLength: 2 }),
}).map((r) => {
  const outerV6 = r.outer[0].length === 16;
  const innerV6 = r.inner[0].length === 16;
  // LINKTYPE_IPV4 / IPV6 carry only their own version
  const linktype = r.linktype === 228 && outerV6 ? 229 : r.linktype === 229 && !outerV6 ? 228 : r.linktype;
  const gre: PacketSpec['gre'] = { proto: 0x8847 };
  if (r.gre.checksum !== undefined) gre.checksum = r.gre.checksum;
  if (r.gre.key !== undefined) gre.key = r.gre.key;
  if (r.gre.seq !== undefined) gre.seq = r.gre.seq;
  const s: PacketSpec = {
    linktype,
    outer: { src: r.outer[0], dst: r.outer[1], ds: r.ds[0] },
    gre,
    mpls: r.mpls,
    inner: { src: r.inner[0], dst: r.inner[1], ds: r.ds[1] },
    icmp: { type: innerV6 ? (r.icmp.request ? 128 : 129) : r.icmp.request ? 8 : 0, id: r.icmp.id, seq: r.icmp.seq },
  };
  if (linktype === 1 && r.vlan.length > 0) s.vlan = r.vlan;
  return s;
});

/** What the decoder must give back for a spec. */
function expected(s: PacketSpec): object {
  const text = (b: number[]): string => (b.length === 4 ? v4Text(b) : v6Text(b));
  const o = s.outer!;
  const i = s.inner!;
  const out: Record<string, unknown> = {
    mpls: s.mpls,
    outer: { src: text(o.src), dst: text(o.dst), proto: 47, version: o.src.length === 4 ? 4 : 6, ds: o.ds ?? 0 },
    gre: s.gre,
    inner: { src: text(i.src), dst: text(i.dst), proto: i.src.length === 4 ? 1 : 58, version: i.src.length === 4 ? 4 : 6, ds: i.ds ?? 0 },
    icmp: { ...s.icmp, code: 0 },
  };
  if (s.vlan !== undefined) out.vlan = s.vlan;
  return out;
}

const layers = (r: object): object => {
  const { index, ts, linktype, length, caplen, ...rest } = r as Record<string, unknown>;
  void [index, ts, linktype, length, caplen];
  return rest;
};

describe('decode(encode(x)) == x', () => {
  it('holds for pcap in either byte order and resolution', () => {
    fc.assert(
      fc.property(spec, fc.boolean(), fc.boolean(), fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 999_999_999 }), (s, le, nano, sec, nsec) => {
        const bytes = encodePacket(s);
        const [rec, ...rest] = decodeBuffer(pcapFile([{ bytes, sec, nsec }], { le, nano, linktype: s.linktype }));
        expect(rest).to.deep.equal([]);
        expect(rec).to.deep.include({ index: 0, linktype: s.linktype, length: bytes.length, caplen: bytes.length });
        expect(rec?.ts).to.deep.equal({ sec, nsec: nano ? nsec : Math.floor(nsec / 1000) * 1000 });
        expect(layers(rec as object)).to.deep.equal(expected(s));
      }),
      { numRuns: 300 },
    );
  });

  it('holds for pcapng with several interfaces, either byte order, any resolution', () => {
    const resolution = fc.constantFrom(undefined, 3, 6, 9, 0x80 | 20, 0x80 | 30);
    fc.assert(
      fc.property(fc.array(spec, { minLength: 1, maxLength: 4 }), fc.boolean(), resolution, fc.integer({ min: 0, max: 2 ** 31 }), (specs, le, tsresol, sec) => {
        const interfaces = specs.map((s) => (tsresol === undefined ? { linktype: s.linktype } : { linktype: s.linktype, tsresol }));
        const packets = specs.map((s, i) => ({ bytes: encodePacket(s), sec: sec + i, nsec: 0, iface: i }));
        const recs = decodeBuffer(pcapngFile(packets, { le, interfaces }));
        expect(recs.map((r) => r.linktype)).to.deep.equal(specs.map((s) => s.linktype));
        expect(recs.map((r) => r.ts?.sec)).to.deep.equal(specs.map((_, i) => sec + i));
        expect(recs.map(layers)).to.deep.equal(specs.map(expected));
      }),
      { numRuns: 150 },
    );
  });

  it('never throws and never reads past a snapped packet', () => {
    fc.assert(
      fc.property(spec, fc.nat(), (s, cut) => {
        const bytes = encodePacket(s);
        const caplen = cut % (bytes.length + 1);
        const [rec] = decodeBuffer(pcapFile([{ bytes: bytes.slice(0, caplen), sec: 0, nsec: 0, length: bytes.length }], { le: true, nano: false, linktype: s.linktype }));
        expect(rec?.caplen).to.equal(caplen);
        if (caplen < bytes.length && rec?.icmp?.seq === undefined) expect(rec?.truncated).to.equal(true);
        expect(rec?.error).to.equal(undefined);
      }),
      { numRuns: 300 },
    );
  });
});
