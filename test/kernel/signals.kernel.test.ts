import { expect } from 'chai';
import { runGuest } from '../support/guest.js';
import type { SignalCase } from './guest-signals.js';

/**
 * Campaign 3: Ctrl-C (SIGINT) and SIGTERM during `lab`, `up` and `verify`, real CLI processes
 * in user-mode Linux: exit 130 / 143, and nothing left behind.
 */
describe('kernel tier: SIGINT and SIGTERM during lab, up and verify in user-mode Linux', function () {
  this.timeout(900_000);
  let cases: SignalCase[] = [];
  before(async () => {
    const r = await runGuest<{ cases: SignalCase[]; seconds: number }>(new URL('./guest-signals.js', import.meta.url), 'signalCampaign', 850_000);
    cases = r.cases;
    console.log(`      signal campaign: ${cases.length} interrupted runs, ${Math.round(r.seconds)} s in the guest`);
  });

  const label = (c: SignalCase): string => `${c.command} ${c.signal} at ${c.point}: ${c.stderrTail}`;

  it('sends each signal to each command at each point, once the point is reached', () => {
    expect(cases.map((c) => `${c.command}/${c.signal}`).filter((x, i, a) => a.indexOf(x) === i).sort())
      .to.deep.equal(['lab/SIGINT', 'lab/SIGTERM', 'up/SIGINT', 'up/SIGTERM', 'verify/SIGINT', 'verify/SIGTERM']);
    for (const c of cases) expect(c.reached, label(c)).to.equal(true);
  });

  it('exits 130 on SIGINT and 143 on SIGTERM', () => {
    for (const c of cases) expect([c.exitCode, c.exitSignal], label(c)).to.deep.equal([c.signal === 'SIGINT' ? 130 : 143, null]);
  });

  it('leaves no namespace, link, tcpdump or ping process, temporary file or state file behind', () => {
    for (const c of cases) expect(c.after, label(c)).to.deep.equal(c.before);
    for (const c of cases) expect(c.after.processes, label(c)).to.deep.equal([]);
  });

  it('up interrupted rolls back: both hosts exactly as before; verify interrupted changes nothing', () => {
    for (const c of cases.filter((x) => x.command !== 'lab')) expect(c.diff, label(c)).to.deep.equal([]);
    for (const c of cases.filter((x) => x.command === 'up')) expect(c.stderrTail, label(c)).to.match(/undone|undo/);
  });
});
