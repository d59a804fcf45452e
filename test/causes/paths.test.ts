import { expect } from 'chai';
import { rootCause } from '../../src/core/root-cause.js';
import { loadPath, pathNames } from '../support/fixtures.js';
import { PATH_CASES, replayPath } from './path-cases.js';

describe('causes: verify\'s root cause from recorded broken seeds (user-mode Linux 6.1)', () => {
  it('has a recording for every case, and a case for every recording', () => {
    expect(pathNames()).to.deep.equal(Object.keys(PATH_CASES).sort());
  });

  for (const name of pathNames()) {
    const fx = loadPath(name);
    const want = PATH_CASES[name];
    if (!want) continue;
    describe(`${name}: ${fx.recorded.description}`, () => {
      it(`verify stopped at ${want.stage}; the stage and the facts name ${want.cause}, certain${want.cites ? ', citing the counter that moved' : ''}`, async () => {
        expect(fx.recorded.kernel).to.match(/^6\.1\./);
        expect(fx.direction.stage).to.match(want.stage);
        const { ctx, unrecorded } = await replayPath(fx);
        expect(unrecorded, 'path-facts read what the recording does not hold: re-record').to.deep.equal([]);
        const rc = rootCause(fx.direction.stage, ctx);
        expect(rc.id, JSON.stringify(rc)).to.equal(want.cause);
        expect(rc.confidence).to.equal('certain');
        expect(rc.fix).to.be.a('string').and.not.equal('');
        if (want.cites) expect(rc.evidence.some((e) => want.cites!.test(e)), rc.evidence.join('\n')).to.equal(true);
      });

      if (want.withoutCounters !== undefined) {
        it(want.withoutCounters ? `without the counters: still ${want.withoutCounters}, from the settings alone, and no counter cited` : 'without the counters: no cause (possible): only the counter names it', async () => {
          const { ctx } = await replayPath(fx, { counters: false });
          const rc = rootCause(fx.direction.stage, ctx);
          expect(rc.id).to.equal(want.withoutCounters);
          expect(rc.evidence.some((e) => /^(rx|tx)_\w+ \+\d+ on /.test(e))).to.equal(false);
          if (want.withoutCounters === null) expect(rc.confidence).to.equal('possible');
        });
      }
    });
  }

  it('evidence a stage observed (ctx.evidence) is carried into the cause it names', async () => {
    const { ctx } = await replayPath(loadPath('small-underlay-mtu'));
    const rc = rootCause('mtu', { ...ctx, evidence: ['tcp: 0 of 4194304 bytes arrived'] });
    expect(rc.id).to.equal('mtu_exceeded');
    expect(rc.evidence).to.include('tcp: 0 of 4194304 bytes arrived');
  });

  it('a counter that moved by fewer packets than were lost is likely, not certain', async () => {
    const { ctx } = await replayPath(loadPath('ttl-expired'));
    const moved = ctx.receiverCounters!.filter((m) => m.counter === 'rx_errors').reduce((s, m) => s + m.delta, 0);
    const rc = rootCause('no_reply', { ...ctx, lost: moved + 1 });
    expect([rc.id, rc.confidence]).to.deep.equal(['label_ttl_expired', 'likely']);
  });
});

describe('causes: a read that failed is not a fact', () => {
  it('B\'s /sys reads timing out (a loaded namespace) leave foo4 unknown, not missing: the label route still decides (noroute)', async () => {
    const fx = loadPath('noroute');
    const b = fx.facts.B!;
    const files = Object.fromEntries(Object.entries(b.files).map(([k, v]) => [k, k.startsWith('/sys/class/net/') ? { error: 'netns B: timed out' } : v]));
    const { ctx } = await replayPath({ ...fx, facts: { ...fx.facts, B: { ...b, files } } });
    const rc = rootCause(fx.direction.stage, ctx);
    expect([rc.id, rc.confidence], JSON.stringify(rc)).to.deep.equal(['label_not_routed', 'certain']);
  });
});

describe('causes: a sysctl read that failed is not an absent mpls_router', () => {
  it('B\'s /proc/sys reads timing out leave MPLS forwarding unknown: strict rp_filter is still unknown there, and no module is blamed (rp-strict)', async () => {
    const fx = loadPath('rp-strict');
    const b = fx.facts.B!;
    const files = Object.fromEntries(Object.entries(b.files).map(([k, v]) => [k, k.startsWith('/proc/sys/') ? { error: 'netns B: timed out' } : v]));
    const { ctx } = await replayPath({ ...fx, facts: { ...fx.facts, B: { ...b, files } } });
    const rc = rootCause(fx.direction.stage, ctx);
    expect(rc.id, JSON.stringify(rc)).to.not.equal('mpls_router_missing');
    expect(rc.id).to.not.equal('platform_labels_too_small');
  });
});
