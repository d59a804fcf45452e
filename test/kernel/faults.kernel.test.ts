import { expect } from 'chai';
import { runGuest } from '../support/guest.js';
import type { FaultReport } from './guest-faults.js';

/**
 * Campaign 2: faults mid-change on the real MPLS kernel (user-mode Linux). Every mutating
 * command of `up` on either host goes wrong in turn (refused with the tool's own stderr, timed
 * out, or timed out after the kernel made the change); then the real CLI is SIGKILLed at a
 * command. Two guests, booted at once, share the cases.
 */
describe('kernel tier: faults mid-change in user-mode Linux', function () {
  this.timeout(1_800_000);
  let r: FaultReport;
  before(async () => {
    const guest = new URL('./guest-faults.js', import.meta.url);
    const [a, b] = await Promise.all([runGuest<FaultReport>(guest, 'faultCampaignA', 1_700_000), runGuest<FaultReport>(guest, 'faultCampaignBAndKills', 1_700_000)]);
    // Both guests counted the same commands: the steps must agree before the halves are joined.
    expect(b.steps, 'the two guests counted the same commands').to.deep.equal(a.steps);
    r = {
      ...a,
      cases: [...a.cases, ...b.cases],
      cliCases: b.cliCases,
      cleanRunDiff: [...a.cleanRunDiff, ...b.cleanRunDiff],
      netnsLeft: [a.netnsLeft, b.netnsLeft].filter(Boolean).join('\n'),
      seconds: { inProcess: Math.max(a.seconds.inProcess, b.seconds.inProcess), cli: b.seconds.cli },
    };
    const all = [...r.cases, ...r.cliCases];
    const exact = all.filter((c) => c.diff.length === 0 && c.stateLeft.length === 0).length;
    console.log(`      fault campaign: ${all.length} injected faults (${r.cases.length} in process, ${r.cliCases.length} SIGKILL through the CLI), ${exact} restored exactly; ` +
      `commands per host: ${r.steps.moduleLoads} module loads + ${r.steps.A} on A, ${r.steps.B} on B; ${Math.round(r.seconds.inProcess)} s + ${Math.round(r.seconds.cli)} s in the guest`);
  });

  it('counts the commands up runs on each host: the module loads, then the rest on both', () => {
    expect(r.steps.moduleLoads).to.be.at.least(3);
    expect(r.steps.coldA).to.equal(r.steps.A + r.steps.moduleLoads);
    expect(r.steps.A).to.be.at.least(7);
    expect(r.steps.B).to.be.at.least(7);
    expect(r.cleanRunDiff, 'a clean up then down restores both hosts').to.deep.equal([]);
  });

  it('faults every mutating command of up on both hosts, with each fault kind', () => {
    const kinds = ['fails', 'times-out', 'times-out-after-change'];
    const want = (r.steps.moduleLoads + r.steps.A + r.steps.B) * kinds.length;
    expect(r.cases).to.have.length(want);
    for (const c of r.cases) expect(c.argv, `${c.host}#${c.k} ${c.kind} hit a command`).to.not.be.empty;
    for (const h of ['A', 'B']) for (const kind of kinds) expect(r.cases.filter((c) => c.host === h && c.kind === kind).length, `${h} ${kind}`).to.be.greaterThan(0);
  });

  it('after each fault up reports the failure and both hosts end exactly as they began, with no state left', () => {
    const bad = r.cases.filter((c) => c.diff.length || c.stateLeft.length);
    expect(bad.map((c) => `${c.host}#${c.k} ${c.kind} ${c.argv.join(' ')}: ${c.outcome}\n  ${[...c.diff, ...c.stateLeft].join('\n  ')}`)).to.deep.equal([]);
    // Only the optional module may fail without failing up; then down restored it.
    for (const c of r.cases.filter((x) => x.outcome.startsWith('up ok'))) expect(c.argv.join(' ')).to.equal('modprobe mpls_gso');
    for (const c of r.cases.filter((x) => !x.outcome.startsWith('up ok'))) expect(c.outcome).to.match(/undo failures?$/).and.match(/, 0 undo failures$/);
  });

  it('a command that timed out after making its change is undone as well', () => {
    // Same command, same k: the timed-out-after-change case has one more undo than the refused one.
    const undone = (c: { outcome: string }): number => Number(/(\d+) undone/.exec(c.outcome)?.[1] ?? NaN);
    const pairs = r.cases.filter((c) => c.kind === 'times-out-after-change' && !c.outcome.startsWith('up ok'));
    expect(pairs).to.not.be.empty;
    for (const c of pairs) {
      const refused = r.cases.find((x) => x.kind === 'fails' && x.host === c.host && x.k === c.k && x.argv.join() === c.argv.join())!;
      expect(undone(c), `${c.host}#${c.k} ${c.argv.join(' ')}`).to.equal(undone(refused) + 1);
    }
  });

  it('SIGKILL at a command: the next up completes and the next down restores both hosts exactly', () => {
    expect(r.cliCases.length).to.be.at.least(r.steps.A + 3);
    for (const c of r.cliCases) {
      expect(c.outcome, `${c.host}#${c.k} ${c.kind}`).to.match(/^killed: SIGKILL; up: exit 0; down: exit 0$/);
      expect(c.diff, `${c.host}#${c.k} ${c.kind}`).to.deep.equal([]);
      expect(c.stateLeft, `${c.host}#${c.k} ${c.kind}`).to.deep.equal([]);
    }
  });

  it('leaves no namespace behind', () => {
    expect(r.netnsLeft).to.equal('');
  });
});
