import { expect } from 'chai';
import { runGuest } from '../support/guest.js';
import type { WatchScenario } from './guest-watch.js';

/** `watch` against the real 6.1 kernel (user-mode Linux), scraped by a real Prometheus server. */
describe('kernel tier: watch scraped by Prometheus in user-mode Linux', function () {
  this.timeout(660_000);
  let s: WatchScenario;
  const pick = (series: { metric: Record<string, string>; value: number }[], from: string): number | undefined => series.find((x) => x.metric.from === from)?.value;

  before(async () => {
    s = await runGuest<WatchScenario>(new URL('./guest-watch.js', import.meta.url), 'watchScenario', 600_000);
    console.log(`      A->B 0 on /metrics ${s.watchDownAfterS.toFixed(2)} s after the route was deleted (rounds ${s.roundsAtBreak} -> ${s.roundsWhenDown}), in Prometheus after ${s.promDownAfterS.toFixed(2)} s`);
    console.log(`      round durations (s): ${s.roundDurationS.map((d) => d.toFixed(2)).join(' ')}`);
  });

  it('both directions up through Prometheus\' query API, with the kernel\'s counters of both tunnel devices', () => {
    expect(s.upCode).to.equal(0);
    expect(s.before.up.map((x) => [x.metric.from, x.metric.to, x.metric.label, x.metric.tunnel, x.value]).sort()).to.deep.equal([['A', 'B', '100', 'foo4', 1], ['B', 'A', '101', 'foo4', 1]]);
    expect(s.before.rxPackets.map((x) => x.metric.host).sort()).to.deep.equal(['A', 'B']);
    expect(s.before.noroute.map((x) => x.value)).to.deep.equal([0, 0]);
    expect(s.before.ready.map((x) => [x.metric.host, x.value]).sort(), s.watchExit.stdout).to.deep.equal([['A', 1], ['B', 1]]);
  });

  it('promtool check metrics accepts a scrape', () => {
    expect(s.promtool.code, s.promtool.out).to.equal(0);
  });

  it('B\'s label route for 100 deleted: A->B 0 by the second round after, cause label_not_routed; B->A stays 1', () => {
    // The round in flight at the delete may have passed it; the next one started after it.
    expect(s.roundsWhenDown - s.roundsAtBreak).to.be.within(1, 2);
    expect(pick(s.after.up, 'A')).to.equal(0);
    expect(pick(s.after.up, 'B')).to.equal(1);
    expect(s.after.cause.map((x) => [x.metric.from, x.metric.to, x.metric.cause, x.metric.confidence])).to.deep.equal([['A', 'B', 'label_not_routed', 'certain']]);
    expect(s.after.noroute.find((x) => x.metric.host === 'B')!.value).to.be.greaterThan(0);
  });

  it('SIGTERM: watch exits 0 with its server closed, no ping or tcpdump left, nothing left behind', () => {
    expect([s.watchExit.code, s.watchExit.signal], s.watchExit.stderr).to.deep.equal([0, null]);
    expect(s.watchExit.stderr).to.contain('stopped by SIGTERM');
    expect(s.watchExit.stderr).to.contain('A->B down (label_not_routed)');
    expect(s.leftBehind).to.deep.equal([]);
    expect(s.netnsLeft).to.equal('');
  });
});
