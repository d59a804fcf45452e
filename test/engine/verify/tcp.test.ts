import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { decodeBuffer } from '../../../src/capture/index.js';
import { judgeTcp, type TcpEvidence } from '../../../src/core/tcp-verdict.js';
import { TcpTally } from '../../../src/engine/verify/tcp-tally.js';
import type { TcpFixture } from '../../../scripts/record-tcp.js';

const DIR = join(process.cwd(), 'test', 'fixtures', 'tcp');

/** A recorded case: the run, and each host's capture tallied as verify tallies it. */
function load(name: string): { fx: TcpFixture; A: TcpTally; B: TcpTally } {
  const fx = JSON.parse(readFileSync(join(DIR, name, 'run.json'), 'utf8')) as TcpFixture;
  const tally = (h: string): TcpTally => {
    const t = new TcpTally();
    for (const r of decodeBuffer(readFileSync(join(DIR, name, `${h}.pcap`)))) t.add(r);
    return t;
  };
  return { fx, A: tally('A'), B: tally('B') };
}

/** The evidence verify hands the verdict for A->B, from the recorded case. */
function evidence(name: string): TcpEvidence {
  const { fx, A, B } = load(name);
  const flow = { src: '10.199.0.1', dst: '10.199.0.2', dstPort: fx.run.port, inGre: true, label: 100 };
  return {
    from: 'A', to: 'B', label: 100, requested: fx.requested, pingPayload: 56,
    ...(fx.run.error ? { error: fx.run.error } : {}),
    ...(fx.run.sender ? { sender: fx.run.sender } : {}),
    ...(fx.run.receiver ? { receiver: fx.run.receiver } : {}),
    leftInGre: A.count(flow), arrivedInGre: B.count(flow),
  };
}

describe('bulk TCP through the tunnel: tally and verdict (transfers recorded on user-mode Linux 6.1)', () => {
  it('crossing: every segment that left A labelled 100 in GRE reached B, full size, and the digests match', () => {
    const e = evidence('crossing');
    expect(e.leftInGre.segments).to.be.greaterThan(50);
    expect(e.arrivedInGre.segments).to.equal(e.leftInGre.segments);
    expect(e.arrivedInGre.payloadBytes).to.be.at.least(e.requested);
    expect(e.leftInGre.largest).to.equal(1420);
    const v = judgeTcp(e);
    expect(v.tcp.ok, v.tcp.reason).to.equal(true);
    expect([v.tcp.bytes, v.tcp.digestMatch, v.tcp.stalled, v.mtu]).to.deep.equal([e.requested, true, false, false]);
    expect(v.tcp.throughputMbps).to.be.greaterThan(0);
    expect(v.evidence).to.deep.equal([]);
  });

  it('the segments are counted only under the direction\'s label and port, and only inside GRE where asked', () => {
    const { fx, A, B } = load('crossing');
    const flow = { src: '10.199.0.1', dst: '10.199.0.2', dstPort: fx.run.port, inGre: true, label: 100 };
    expect(B.count({ ...flow, label: 101 }).segments).to.equal(0);
    expect(B.count({ ...flow, dstPort: fx.run.port + 1 }).segments).to.equal(0);
    // Bare on the tunnel device too (the capture is on every interface), with the same label.
    expect(A.count({ ...flow, inGre: false }).segments).to.be.greaterThan(0);
  });

  it('B\'s underlay MTU 1200: pings crossed, 1420-byte segments left A labelled in GRE and none reached B: stalled, an MTU cause, the facts cited', () => {
    const e = evidence('small-underlay-mtu');
    const { fx } = load('small-underlay-mtu');
    expect(fx.pings.received).to.equal(3);
    expect(e.leftInGre.segments).to.be.greaterThan(0);
    const v = judgeTcp(e);
    expect(v.tcp.ok).to.equal(false);
    expect(v.tcp.stalled).to.equal(true);
    expect(v.mtu).to.equal(true);
    expect(v.tcp.bytes).to.be.below(e.requested);
    expect(v.evidence[0]).to.equal(`A sent TCP segments of up to ${e.leftInGre.largest} bytes labelled 100 in GRE; ${e.arrivedInGre.segments === 0 ? 'none reached B' : `the largest that reached B carried ${e.arrivedInGre.largest} bytes`}; 56-byte pings crossed`);
    expect(v.tcp.reason).to.match(/^the transfer stalled: \d+ of 131072 bytes arrived$/);
  });

  it('a transfer whose digests differ fails even when as many bytes arrived (the recorded crossing, one digest altered)', () => {
    const e = evidence('crossing');
    const v = judgeTcp({ ...e, receiver: { ...e.receiver!, sha256: '0'.repeat(64) } });
    expect([v.tcp.ok, v.tcp.digestMatch, v.mtu]).to.deep.equal([false, false, false]);
    expect(v.tcp.reason).to.equal('the digests differ: 131072 bytes sent, 131072 arrived');
  });

  it('a transfer that could not run is not ok, says why, and is marked skipped', () => {
    const e = evidence('crossing');
    const v = judgeTcp({ ...e, skipped: 'B is reached over ssh: verify runs its TCP endpoint on local and netns hosts only' });
    expect([v.tcp.ok, v.tcp.skipped, v.tcp.reason]).to.deep.equal([false, true, 'B is reached over ssh: verify runs its TCP endpoint on local and netns hosts only']);
  });
});
