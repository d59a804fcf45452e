import { expect } from 'chai';
import { judgeWatchDirection, type DirectionRound } from '../../src/core/watch-verdict.js';
import { countersMoved, parseMplsStats } from '../../src/probes/mpls-counters.js';
import { rootCause } from '../../src/core/root-cause.js';
import { loadCounters, loadPath } from '../support/fixtures.js';
import { replayPath } from '../causes/path-cases.js';

/** A->B as a watch round sees it, from a recording of the counters around A's pings (scripts/record-counters.ts). */
function recorded(name: string): DirectionRound {
  const fx = loadCounters(name);
  const moves = (h: string): ReturnType<typeof countersMoved> => countersMoved(parseMplsStats(fx.hosts[h]!.before), parseMplsStats(fx.hosts[h]!.after));
  return {
    from: 'A', to: 'B', iface: 'foo4',
    ping: { transmitted: fx.pings.sent, received: fx.pings.received },
    peerPing: undefined,
    senderMoves: moves('A'), receiverMoves: moves('B'),
  };
}

describe('watch: one direction judged from its pings and the MPLS counters (recorded on user-mode Linux 6.1)', () => {
  it('pings that cross: up, with the tunnel devices\' counters that show they crossed labelled', () => {
    const j = judgeWatchDirection(recorded('seed-crossing'));
    expect(j.up, j.explanation).to.equal(true);
    expect(j.explanation).to.equal('A->B: 3/3 pings answered; tx_packets +3 on A\'s foo4, rx_packets +3 on B\'s');
  });

  it('the same answered pings without the counters moving did not cross the tunnel: down, not labelled', () => {
    const r = recorded('seed-crossing');
    const j = judgeWatchDirection({ ...r, senderMoves: r.senderMoves!.filter((m) => m.ifname !== 'foo4'), receiverMoves: r.receiverMoves!.filter((m) => m.ifname !== 'foo4') });
    expect([j.up, j.stage]).to.deep.equal([false, 'not_labelled']);
  });

  it('no label route on B: down where B received them, the counter that moved with the lost pings cited', () => {
    const j = judgeWatchDirection(recorded('noroute'));
    expect([j.up, j.stage, j.drops]).to.deep.equal([false, 'not_delivered', ['rx_noroute +3 on B\'s foo4']]);
  });

  it('MPLS input off on B: down where B received them, rx_dropped cited', () => {
    const j = judgeWatchDirection(recorded('input-off'));
    expect([j.up, j.stage, j.drops]).to.deep.equal([false, 'not_delivered', ['rx_dropped +3 on B\'s foo4']]);
  });

  for (const [name, cause] of [['noroute', 'label_not_routed'], ['input-off', 'mpls_input_disabled']] as const) {
    it(`${name}: the cause modules name ${cause}, certain, from watch's stage, the recorded facts and the counters that moved`, async () => {
      const fx = loadPath(name);
      const { ctx } = await replayPath(fx);
      const j = judgeWatchDirection(recorded(name));
      const rc = rootCause(j.stage!, { ...ctx, lost: 3, ...(j.drops ? { evidence: j.drops } : {}) });
      expect([rc.id, rc.confidence]).to.deep.equal([cause, 'certain']);
      expect(rc.evidence.some((e) => /^rx_(noroute|dropped) \+\d+ on B's foo4$/.test(e)), rc.evidence.join('\n')).to.equal(true);
    });
  }

  it('counters unreadable (mpls_router not loaded on either end): an unanswered ping is down, with a stage for the cause machinery', () => {
    const fx = loadCounters('no-mpls-router');
    const j = judgeWatchDirection({ ...recorded('noroute'), senderMoves: undefined, receiverMoves: undefined, ping: { transmitted: fx.pings.sent, received: fx.pings.received } });
    expect([j.up, j.stage]).to.deep.equal([fx.pings.received > 0, fx.pings.received > 0 ? null : 'not_delivered']);
  });
});
