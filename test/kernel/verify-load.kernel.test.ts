import { expect } from 'chai';
import { runGuest } from '../support/guest.js';
import { KERNEL_TIER_COUNT as COUNT, type LoadRun } from './guest-verify-load.js';

/** verify under load on a real 6.1 kernel: root's fastest ping interval, every echo counted exactly once. */
describe(`kernel tier: verify with ${COUNT} pings at interval 0 in user-mode Linux`, function () {
  this.timeout(300_000);
  let run: LoadRun | undefined;

  before(async () => {
    const out = await runGuest<{ runs: LoadRun[] }>(new URL('./guest-verify-load.js', import.meta.url), 'verifyLoadKernelTier');
    run = out.runs[0];
    console.log(`      verify took ${run?.result?.durationMs} ms; mplsgre peak RSS ${run?.maxRssKb ?? '?'} KiB`);
  });

  it('passes both directions (exit 0)', () => {
    expect(run?.result, run?.stderr).to.exist;
    expect(run!.code, JSON.stringify(run!.result!.directions)).to.equal(0);
  });

  it('counts every request and reply exactly once: on the tunnel, inside GRE on the wire, and back', () => {
    const [ab, ba] = run!.result!.directions;
    expect([ab!.label, ba!.label]).to.deep.equal([100, 101]);
    for (const d of run!.result!.directions) {
      expect([d.sent, d.received], `${d.from}->${d.to}`).to.deep.equal([COUNT, COUNT]);
      expect(d.requestLabels, `${d.from}->${d.to}`).to.deep.equal({ [String(d.label)]: COUNT });
      expect(d.onWireInGre, `${d.from}->${d.to}`).to.equal(COUNT);
      expect(d.repliesInGre, `${d.from}->${d.to}`).to.equal(COUNT);
    }
  });

  it("decodes as many packets from each capture file as tcpdump says it captured, none dropped", () => {
    const caps = run!.result!.captures;
    expect(caps).to.have.length(2);
    for (const c of caps) {
      expect(c.droppedByKernel, c.host).to.equal(0);
      expect(c.decoded, c.host).to.equal(c.captured);
      // each host sees its own requests and the peer's replies on the tunnel and in GRE, and the
      // peer's requests and its own replies the same way: 8 echo packets per ping pair, besides
      // what the kernel sends on its own (IPv6 router solicitations through the tunnel)
      expect(c.decoded, c.host).to.be.within(8 * COUNT, 8 * COUNT + 20);
    }
  });
});
