import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeBuffer, type PacketRecord } from '../../src/capture/index.js';
import { replicateCapture } from '../../src/capture/pcap-rewrite.js';
import { countEcho, type EchoFilter, greByDestination, labelsOf } from '../../src/core/verdict.js';
import { EchoTally } from '../../src/engine/echo-tally.js';

const dir = fileURLToPath(new URL('../../../test/fixtures/captures/', import.meta.url));

describe('EchoTally: the echo packets of a capture in memory that does not grow with them', () => {
  // `tcpdump -i any` on one end of the seed setup (as verify captures), and the mix's keyed GRE,
  // IPv6 inside, two labels and MPLS-in-IP; replicated to many packets
  for (const file of ['gre-any-sll2.pcap', 'gre-any-sll.pcap', 'mix-veth.pcap']) {
    it(`${file}: every count the verdict takes is what the records themselves give`, () => {
      const records: PacketRecord[] = decodeBuffer(Buffer.concat([...replicateCapture(readFileSync(dir + file), 5_003)]));
      const tally = new EchoTally();
      for (const r of records) tally.add(r);
      expect(tally.decoded).to.equal(records.length);
      const inGre = (r: PacketRecord): boolean => r.gre !== undefined;
      const pairs = new Set(records.flatMap((r) => ((r.inner ?? r.outer) && r.icmp ? [`${(r.inner ?? r.outer)!.src} ${(r.inner ?? r.outer)!.dst}`] : [])));
      expect(pairs.size).to.be.at.least(2);
      for (const pair of pairs) {
        const [src, dst] = pair.split(' ') as [string, string];
        for (const type of ['request', 'reply'] as const) {
          for (const f of [{ src, dst, type }, { src, dst, type, inGre: true }, { src, dst, type, label: 100 }, { src, dst, type, label: 101, inGre: true }] as EchoFilter[]) {
            expect(countEcho(tally.records(), f), JSON.stringify(f)).to.equal(countEcho(records, f));
            expect(countEcho(tally.records(inGre), f), JSON.stringify(f)).to.equal(countEcho(records.filter(inGre), f));
          }
          expect(greByDestination(tally.records(inGre), src, dst, type)).to.deep.equal(greByDestination(records.filter(inGre), src, dst, type));
        }
        expect(labelsOf(tally.records((r) => !inGre(r)), src, dst)).to.deep.equal(labelsOf(records.filter((r) => !inGre(r)), src, dst));
      }
      // a handful of kinds stand for all those packets
      expect([...tally.records()].length).to.be.greaterThan(5_003 / 2);
      expect(new Set(tally.records()).size).to.be.lessThan(40);
    });
  }
});
