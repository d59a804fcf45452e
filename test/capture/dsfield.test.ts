import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { classOnWire, classesInPcap, type ClassOnWire } from '../../src/capture/dsfield.js';
import { decodeBuffer } from '../../src/capture/index.js';
import type { ClassesFixture } from '../../scripts/record-classes.js';
import { ROOT } from '../support/fixtures.js';

// Recorded by scripts/record-classes.ts in user-mode Linux 6.1.176 (iproute2 6.1.0, iptables 1.8.9 legacy):
// the seed set up by up, A's class DSCP 46 -> label 200, B's DSCP 46 -> label 201, captured on B's underlay.
const DIR = join(ROOT, 'test', 'fixtures', 'classes');
const fixture = JSON.parse(readFileSync(join(DIR, 'classes.json'), 'utf8')) as ClassesFixture;
const read = (name: string): Buffer => readFileSync(join(DIR, `${name}.pcap`));
const A = '10.128.0.2';

/** The echo packets of a capture as "from:label/tc outer inner" rows, in order. */
function rows(list: readonly ClassOnWire[]): string[] {
  return list.filter((c) => c.icmpType !== undefined).map((c) => `${c.outerSrc === A ? 'A' : 'B'}:${c.label}/${c.tc} outer 0x${c.outerTos.toString(16)} inner 0x${(c.innerTos ?? -1).toString(16)} ${c.icmpType === 8 ? 'request' : 'reply'}`);
}

describe('capture: outer and inner DS field of MPLS in GRE (recorded classes)', () => {
  it('every ping was answered in each recorded state', () => {
    expect(fixture.captures.map((c) => c.file)).to.deep.equal(['classes-unset.pcap', 'classes-routed.pcap', 'classes-marked.pcap']);
    for (const c of fixture.captures) for (const p of c.pings) expect(p.received, `${c.file} ${p.from} tos ${p.tos}`).to.equal(p.sent);
  });

  it('reads the same labels as the capture decoder, packet by packet', () => {
    for (const name of ['classes-unset', 'classes-routed', 'classes-marked']) {
      const buf = read(name);
      const byIndex = new Map(decodeBuffer(buf).map((r) => [r.index, r]));
      const ours = classesInPcap(buf);
      expect(ours.length, name).to.be.greaterThan(7);
      for (const c of ours) {
        const r = byIndex.get(c.index);
        expect(r?.mpls[0]?.label, `${name} #${c.index}`).to.equal(c.label);
        expect(r?.mpls[0]?.tc, `${name} #${c.index}`).to.equal(c.tc);
        expect(r?.outer?.src, `${name} #${c.index}`).to.equal(c.outerSrc);
        // The decoder's DS fields (what verify judges a class by) equal this reader's, outer and inner.
        expect([r?.outer?.ds, r?.inner?.ds], `${name} #${c.index}`).to.deep.equal([c.outerTos, c.innerTos]);
      }
    }
    // The marked capture holds both: DS 0xb8 on the class's packets, 0 on the others.
    const marked = new Set(decodeBuffer(read('classes-marked')).map((r) => `${r.outer?.ds}/${r.inner?.ds}`));
    expect([...marked].sort()).to.deep.equal(['0/0', '184/184']);
  });

  it('without classes: every packet under the default label with outer tos 0x0, the inner 0xb8 kept', () => {
    expect(rows(classesInPcap(read('classes-unset')))).to.deep.equal([
      ...Array(2).fill(['A:100/0 outer 0x0 inner 0xb8 request', 'B:101/0 outer 0x0 inner 0xb8 reply']).flat(),
      ...Array(2).fill(['A:100/0 outer 0x0 inner 0x0 request', 'B:101/0 outer 0x0 inner 0x0 reply']).flat(),
      ...Array(2).fill(['B:101/0 outer 0x0 inner 0xb8 request', 'A:100/0 outer 0x0 inner 0xb8 reply']).flat(),
      ...Array(2).fill(['B:101/0 outer 0x0 inner 0x0 request', 'A:100/0 outer 0x0 inner 0x0 reply']).flat(),
    ]);
  });

  it('mark, rule and table: DSCP 46 under the class label both ways, the outer header still 0x0 (GRE does not inherit for MPLS)', () => {
    expect(rows(classesInPcap(read('classes-routed')))).to.deep.equal([
      ...Array(2).fill(['A:200/0 outer 0x0 inner 0xb8 request', 'B:201/0 outer 0x0 inner 0xb8 reply']).flat(),
      ...Array(2).fill(['A:100/0 outer 0x0 inner 0x0 request', 'B:101/0 outer 0x0 inner 0x0 reply']).flat(),
      ...Array(2).fill(['B:201/0 outer 0x0 inner 0xb8 request', 'A:200/0 outer 0x0 inner 0xb8 reply']).flat(),
      ...Array(2).fill(['B:101/0 outer 0x0 inner 0x0 request', 'A:100/0 outer 0x0 inner 0x0 reply']).flat(),
    ]);
  });

  it("tc pedit on the underlay gives the class's packets outer tos 0xb8; act_mpls on the tunnel sets A's class label's traffic class", () => {
    expect(rows(classesInPcap(read('classes-marked')))).to.deep.equal([
      ...Array(2).fill(['A:200/5 outer 0xb8 inner 0xb8 request', 'B:201/0 outer 0xb8 inner 0xb8 reply']).flat(),
      ...Array(2).fill(['A:100/0 outer 0x0 inner 0x0 request', 'B:101/0 outer 0x0 inner 0x0 reply']).flat(),
      ...Array(2).fill(['B:201/0 outer 0xb8 inner 0xb8 request', 'A:200/5 outer 0xb8 inner 0xb8 reply']).flat(),
      ...Array(2).fill(['B:101/0 outer 0x0 inner 0x0 request', 'A:100/0 outer 0x0 inner 0x0 reply']).flat(),
    ]);
  });

  it('iproute2 6.1 has no traffic class on an encap route', () => {
    expect(fixture.refused[0]?.stderr).to.match(/"tc" is a garbage/);
  });

  it('is undefined for frames that are not MPLS in GRE over IPv4, and for short ones', () => {
    const frame = read('classes-marked').subarray(24 + 16);
    expect(classOnWire(frame, 1)).to.not.equal(undefined);
    expect(classOnWire(frame.subarray(0, 30), 1)).to.equal(undefined);
    expect(classOnWire(frame, 229)).to.equal(undefined);
  });
});
