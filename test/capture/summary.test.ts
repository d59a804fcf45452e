import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { captureDecode } from '../../src/commands/capture-decode.js';
import { CaptureFormatError, summarize, type PacketRecord } from '../../src/capture/index.js';
import { UsageError } from '../../src/core/errors.js';

const dir = fileURLToPath(new URL('../../../test/fixtures/captures/', import.meta.url));

const rec = (index: number, labels: number[], over: Partial<PacketRecord>): PacketRecord => ({
  index,
  mpls: labels.map((label, i) => ({ label, tc: 0, bottom: i === labels.length - 1, ttl: 64 })),
  ...over,
});

describe('capture summary', () => {
  it('counts packets per label stack and direction, and echoes per inner pair and label', () => {
    const outerAB = { src: 'a', dst: 'b', proto: 47, version: 4 as const };
    const innerXY = { src: 'x', dst: 'y', proto: 1, version: 4 as const };
    const innerYX = { src: 'y', dst: 'x', proto: 1, version: 4 as const };
    const s = summarize([
      rec(0, [100], { outer: outerAB, inner: innerXY, icmp: { type: 8, code: 0, id: 1, seq: 1 } }),
      rec(1, [100], { outer: outerAB, inner: innerXY, icmp: { type: 8, code: 0, id: 1, seq: 2 } }),
      rec(2, [101], { inner: innerYX, icmp: { type: 0, code: 0, id: 1, seq: 1 } }),
      rec(3, [], { outer: outerAB, error: 'bad', truncated: true }),
      rec(4, [200, 201], {}),
    ]);
    expect(s).to.deep.equal({
      packets: 5,
      labelled: 4,
      truncated: 1,
      errors: 1,
      firstError: 'packet 3: bad',
      stacks: [
        { labels: [100], src: 'a', dst: 'b', packets: 2 },
        { labels: [101], src: 'y', dst: 'x', packets: 1 },
        { labels: [200, 201], packets: 1 },
      ],
      echoes: [
        { src: 'x', dst: 'y', labels: [100], requests: 2, replies: 0 },
        { src: 'y', dst: 'x', labels: [101], requests: 0, replies: 1 },
      ],
    });
  });
});

describe('captureDecode', () => {
  it('summarises a pcap and includes packets only in json mode', async () => {
    const plain = await captureDecode({ file: `${dir}gre-veth.pcap`, json: false });
    expect(plain.format).to.equal('pcap');
    expect(plain.packets).to.equal(undefined);
    expect(plain.summary.packets).to.equal(plain.count);
    const json = await captureDecode({ file: `${dir}gre-veth.pcap`, json: true });
    expect(json.packets).to.have.length(json.count);
    expect(json.summary).to.deep.equal(plain.summary);
    const echo = json.summary.echoes.find((e) => e.labels[0] === 100);
    expect(echo).to.deep.include({ src: '10.199.0.1', dst: '10.199.0.2' });
    expect((echo?.requests ?? 0) + (echo?.replies ?? 0)).to.be.greaterThan(0);
  });

  it('sniffs pcapng and tcpdump text', async () => {
    expect((await captureDecode({ file: `${dir}gre-merged.pcapng`, json: false })).format).to.equal('pcapng');
    const text = await captureDecode({ file: `${dir}gre-veth.txt`, json: false });
    expect(text.format).to.equal('text');
    expect(text.summary.stacks).to.deep.equal((await captureDecode({ file: `${dir}gre-veth.pcap`, json: false })).summary.stacks);
  });

  it('throws UsageError for a missing or unreadable FILE and CaptureFormatError for a non-capture', async () => {
    for (const file of [`${dir}no-such.pcap`, dir]) {
      const err = await captureDecode({ file, json: false }).then(() => undefined, (e: unknown) => e);
      expect(err, file).to.be.instanceOf(UsageError);
      expect((err as UsageError).field).to.equal('FILE');
      expect((err as UsageError).exitCode).to.equal(2);
    }
    const err = await captureDecode({ file: fileURLToPath(import.meta.url), json: false }).then(() => undefined, (e: unknown) => e);
    expect(err).to.be.instanceOf(CaptureFormatError);
  });
});
