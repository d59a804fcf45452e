import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { captureDecode } from '../../src/commands/capture-decode.js';
import { replicateCapture } from '../../src/capture/pcap-rewrite.js';
import { execLocal } from '../../src/host/spawn.js';

const dir = fileURLToPath(new URL('../../../test/fixtures/captures/', import.meta.url));

/** Where the protocol field and the payload start, per link type, for BPF's `link[]`. */
const LINK: Record<string, { proto: number; header: number }> = {
  'gre-any-sll2.pcap': { proto: 0, header: 20 },
  'gre-any-sll.pcap': { proto: 14, header: 16 },
  'gre-veth.pcap': { proto: 12, header: 14 },
  'gre-veth-nano.pcapng': { proto: 12, header: 14 },
};

const hex = (addr: string): string => `0x${addr.split('.').map((o) => Number(o).toString(16).padStart(2, '0')).join('')}`;

/**
 * BPF filters, compiled by libpcap and matched by tcpdump on the packet bytes, independent of
 * mplsgre's decoder: one label inside GRE (IPv4 header of 20 bytes, GRE of 4, as the seed setup
 * sends) or one label straight on the link (the tunnel interface, in `any` captures).
 */
function filters(l: { proto: number; header: number }) {
  const gre = (label: number): string => `(ip proto 47 and ip[22:2] = 0x8847 and ip[24:4] >> 12 = ${label})`;
  const bare = (label: number): string => `(link[${l.proto}:2] = 0x8847 and link[${l.header}:4] >> 12 = ${label})`;
  return {
    labelled: `(ip proto 47 and ip[22:2] = 0x8847) or link[${l.proto}:2] = 0x8847`,
    /** packets of one label stack between two addresses: outer ones in GRE, inner ones on the link. */
    stack: (label: number, src: string, dst: string): string =>
      `(${gre(label)} and src host ${src} and dst host ${dst}) or (${bare(label)} and link[${l.header + 16}:4] = ${hex(src)} and link[${l.header + 20}:4] = ${hex(dst)})`,
    /** echo requests (ICMP type 8) or replies (0) between two inner addresses under one label, or none. */
    echo: (label: number | undefined, src: string, dst: string, type: 0 | 8): string =>
      label === undefined
        ? `ip proto 1 and src host ${src} and dst host ${dst} and icmp[0] = ${type}`
        : `(${gre(label)} and ip[40:4] = ${hex(src)} and ip[44:4] = ${hex(dst)} and ip[48] = ${type}) or ` +
          `(${bare(label)} and link[${l.header + 16}:4] = ${hex(src)} and link[${l.header + 20}:4] = ${hex(dst)} and link[${l.header + 24}] = ${type})`,
  };
}

/** Packets tcpdump prints for `filter` (one line each with -nn, the default verbosity). */
async function tcpdumpCount(file: string, filter?: string): Promise<number> {
  const r = await execLocal('tcpdump', ['-nn', '-r', file, ...(filter === undefined ? [] : [filter])], { timeoutMs: 60_000 });
  if (r.spawnError !== undefined) throw new Error('tcpdump is not installed (apt-get install tcpdump): this test needs it');
  expect(r.exitCode, r.stderr).to.equal(0);
  let n = 0;
  for (let i = r.stdout.indexOf('\n'); i >= 0; i = r.stdout.indexOf('\n', i + 1)) n++;
  return n;
}

describe('capture decode counts what tcpdump counts, on replicated real captures', function () {
  this.timeout(120_000);
  let work = '';
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'mplsgre-counts-'));
  });
  after(async () => {
    await rm(work, { recursive: true, force: true });
  });

  for (const [name, link] of Object.entries(LINK)) {
    it(`${name} replicated to 23,007 packets: packets, labelled packets, each label stack per direction, echoes per label and direction`, async () => {
      const file = join(work, `x${name}`);
      const seed = readFileSync(dir + name);
      // an odd number of packets: the replication must not line up with request/reply pairs
      const packets = 1_000 * 23 + 7;
      await writeFile(file, Buffer.concat([...replicateCapture(seed, packets)]));
      const { summary, count } = await captureDecode({ file, json: false });
      const f = filters(link);
      expect(count).to.equal(packets);
      expect(summary.packets).to.equal(await tcpdumpCount(file));
      expect(summary.labelled).to.equal(await tcpdumpCount(file, f.labelled));
      // every labelled packet is in exactly one stack row
      expect(summary.stacks.reduce((n, s) => n + s.packets, 0)).to.equal(summary.labelled);
      expect(summary.stacks.length).to.be.at.least(2);
      for (const s of summary.stacks) {
        expect(s.labels, 'the seed setup pushes one label').to.have.length(1);
        expect(s.packets, `${s.labels} ${s.src}>${s.dst}`).to.equal(await tcpdumpCount(file, f.stack(s.labels[0]!, s.src!, s.dst!)));
      }
      expect(summary.echoes.length).to.be.at.least(2);
      for (const e of summary.echoes) {
        const label = e.labels[0];
        expect(e.requests, `requests ${e.labels} ${e.src}>${e.dst}`).to.equal(await tcpdumpCount(file, f.echo(label, e.src, e.dst, 8)));
        expect(e.replies, `replies ${e.labels} ${e.src}>${e.dst}`).to.equal(await tcpdumpCount(file, f.echo(label, e.src, e.dst, 0)));
      }
    });
  }
});
