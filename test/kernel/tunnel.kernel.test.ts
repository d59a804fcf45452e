import { expect } from 'chai';
import { runGuest } from '../support/guest.js';
import type { ApplyResult } from '../../src/engine/apply.js';
import type { RemoveResult } from '../../src/engine/remove.js';
import type { VerifyResult } from '../../src/engine/verify.js';
import type { DryRunResult } from '../../src/engine/dry-run.js';
import type { CliRun, Snapshot } from './guest-tunnel.js';
import { schemaErrors } from '../support/schema.js';

/** The kernel tier for configuration and verification: real CLI, real 6.1 kernel (user-mode Linux). */
describe('kernel tier: plan, up, verify, down in user-mode Linux', function () {
  this.timeout(960_000);
  let runs: CliRun[] = [];
  let snaps: Record<string, Snapshot> = {};
  const run = (name: string): CliRun => {
    const r = runs.find((x) => x.name === name);
    expect(r, `${name} ran`).to.exist;
    return r!;
  };
  const result = <T>(name: string): T => (run(name).json as { result: T }).result;

  before(async () => {
    ({ runs, snapshots: snaps } = await runGuest<{ runs: CliRun[]; snapshots: Record<string, Snapshot> }>(new URL('./guest-tunnel.js', import.meta.url), 'tunnelScenarios', 900_000));
  });

  it('every --json document (plan, up, verify, down, their failures) matches schema/mplsgre.schema.json', () => {
    expect(runs.map((r) => r.name)).to.include.members(['plan', 'verify-before-up', 'dry-run-fresh', 'up', 'dry-run-after-up', 'up-again', 'verify', 'verify-tunnel-down', 'verify-mended', 'down', 'up-fails']);
    for (const r of runs) expect(schemaErrors(r.json), `${r.name} (exit ${r.code})`).to.equal(undefined);
  });

  it('up configures both ends (exit 0) and changes what it must', () => {
    expect(run('up').code, run('up').stderr).to.equal(0);
    const r = result<ApplyResult>('up');
    expect(r.ok).to.equal(true);
    expect(r.changed).to.be.greaterThan(10);
    expect(JSON.stringify(snaps.upA!.mpls)).to.contain('"dst":"101"');
    expect(snaps.upA!.platform_labels).to.equal('65535');
  });

  it('a second up changes nothing and says so', () => {
    const r = result<ApplyResult>('up-again');
    expect(run('up-again').code, run('up-again').stderr).to.equal(0);
    expect(r.changed).to.equal(0);
    expect(r.steps.every((s) => s.outcome === 'already' || s.outcome === 'skipped')).to.equal(true);
  });

  it('verify proves both directions from the captures', () => {
    const r = result<VerifyResult>('verify');
    expect(run('verify').code, JSON.stringify(r.directions)).to.equal(0);
    const [ab, ba] = r.directions;
    expect([ab!.from, ab!.to, ab!.label, ba!.label]).to.deep.equal(['A', 'B', 100, 101]);
    for (const d of r.directions) {
      expect(d.ok, d.explanation).to.equal(true);
      expect(d.sent).to.equal(10);
      expect(d.received).to.equal(10);
      expect(d.labelsSeen).to.deep.equal([d.label]);
      expect(d.onWireInGre).to.be.at.least(10);
      expect(d.repliesInGre).to.be.at.least(10);
      expect(d.mtu?.largestPayload).to.equal(1444);
      expect(d.mtu?.firstFailing).to.equal(1445);
    }
  });

  it('verify moves 4 MiB of TCP each way through the tunnel: every byte arrived (digests equal), its segments labelled inside GRE, a throughput', () => {
    const r = result<VerifyResult>('verify');
    for (const d of r.directions) {
      const t = d.tcp!;
      expect(t, `${d.from}->${d.to}`).to.exist;
      expect(t.ok, t.reason).to.equal(true);
      expect([t.bytes, t.sent, t.digestMatch, t.stalled]).to.deep.equal([4 * 1024 * 1024, 4 * 1024 * 1024, true, false]);
      expect(t.segmentsLeftInGre).to.be.greaterThan(100);
      expect(t.segmentsInGre).to.be.greaterThan(100);
      // Full-size segments: the tunnel's MTU (1476) less the label, IP and TCP headers with timestamps.
      expect(t.largestSegment).to.be.at.least(1400);
      expect(t.throughputMbps).to.be.greaterThan(0);
      expect(t.mplsGso).to.equal(true);
    }
    expect(r.skipped).to.deep.equal([]);
    // Both ends' counters read before and after: the tunnel device moved, and nothing was dropped.
    expect(r.counters.map((c) => [c.host, c.ok])).to.deep.equal([['A', true], ['B', true]]);
    for (const c of r.counters) {
      expect(c.moved.find((m) => m.ifname === 'foo4' && m.counter === 'rx_packets')?.delta).to.be.greaterThan(1000);
      expect(c.moved.filter((m) => /noroute|dropped|errors/.test(m.counter))).to.deep.equal([]);
    }
  });

  it('an underlay MTU smaller than the tunnel assumes fails verify --no-mtu from the TCP evidence alone: stage mtu, mtu_exceeded, the segments cited', () => {
    const run_ = run('verify-small-underlay-mtu-tcp');
    expect(run_.code, run_.stderr).to.equal(1);
    const r = result<VerifyResult>('verify-small-underlay-mtu-tcp');
    const ab = r.directions[0]!;
    expect(ab.mtu).to.equal(undefined);
    expect([ab.received, ab.sent]).to.deep.equal([3, 3]);
    expect([ab.ok, ab.stage, ab.cause]).to.deep.equal([false, 'mtu', 'mtu_exceeded']);
    expect(ab.tcp?.stalled).to.equal(true);
    expect(ab.tcp?.ok).to.equal(false);
    expect(ab.tcp?.bytes).to.be.below(4 * 1024 * 1024);
    expect(ab.rootCause?.evidence.join('\n')).to.match(/^A sent TCP segments of up to 14\d\d bytes labelled 100 in GRE; (none reached B|the largest that reached B carried \d+ bytes); 56-byte pings crossed$/m);
  });

  it('the label route deleted and MPLS input off on B: the root cause cites the counter that moved (rx_noroute, rx_dropped on B\'s foo4)', () => {
    // 3 requests of A->B, and the 3 replies of B->A (labelled 100 too) on top.
    const cited = (name: string, counter: string): number => {
      const line = result<VerifyResult>(name).directions[0]!.rootCause?.evidence.find((l) => l.startsWith(`${counter} +`));
      expect(line, `${name}: ${counter} cited`).to.match(new RegExp(`^${counter} \\+\\d+ on B's foo4$`));
      return Number(/\+(\d+)/.exec(line!)![1]);
    };
    expect(cited('verify-pops-other-label', 'rx_noroute')).to.be.within(3, 6);
    expect(cited('verify-input-off', 'rx_dropped')).to.be.within(3, 6);
    // Where nothing crossed, no transfer is tried, and verify says so.
    expect(result<VerifyResult>('verify-input-off').skipped).to.deep.include({ what: 'tcp', direction: 'A->B', reason: 'no echo request crossed: no transfer was tried' });
  });

  /** One thing broken at a time after up: verify must fail that direction and name the cause. */
  const BROKEN: [string, string, string, string, RegExp][] = [
    ['rp-strict', 'strict rp_filter on B', 'A->B', 'rp_filter_strict', /no_reply/],
    ['input-off', 'MPLS input off on B\'s tunnel', 'A->B', 'mpls_input_disabled', /no_reply|not_delivered/],
    ['pops-other-label', 'B pops 999 instead of 100', 'A->B', 'label_not_routed', /no_reply|not_delivered/],
    ['small-underlay-mtu', 'B\'s underlay MTU 1200', 'A->B', 'mtu_exceeded', /mtu/],
    ['small-underlay-mtu-tcp', 'B\'s underlay MTU 1200 and --no-mtu', 'A->B', 'mtu_exceeded', /mtu/],
    ['wrong-remote', 'A\'s tunnel remote 10.128.100.3', 'A->B', 'tunnel_endpoint_mismatch', /not_sent_in_gre|wrong_endpoint/],
    ['tunnel-down', 'A\'s tunnel set down (ip link set foo4 down)', 'A->B', 'device_down', /not_configured/],
    ['tunnel-down', 'A\'s tunnel set down, seen from B', 'B->A', 'device_down', /not_configured/],
  ];
  for (const [name, what, dir, cause, stage] of BROKEN) {
    it(`verify with ${what}: exit 1, ${dir} fails, cause ${cause}`, () => {
      const r = result<VerifyResult>(`verify-${name}`);
      expect(run(`verify-${name}`).code, run(`verify-${name}`).stderr).to.equal(1);
      expect(r.ok).to.equal(false);
      const d = r.directions.find((x) => `${x.from}->${x.to}` === dir)!;
      expect(d.ok, d.explanation).to.equal(false);
      expect(d.stage).to.match(stage);
      expect(d.cause, JSON.stringify(d.rootCause)).to.equal(cause);
      expect(d.rootCause?.confidence).to.equal('certain');
      expect(d.rootCause?.fix).to.be.a('string').and.not.empty;
    });
  }

  it('verify before up: exit 1, each direction names the absent tunnel with certainty, fix mplsgre up FILE, no MTU probe, no transfer', () => {
    const r = result<VerifyResult>('verify-before-up');
    expect(run('verify-before-up').code, run('verify-before-up').stderr).to.equal(1);
    expect(r.directions.map((d) => [d.from, d.stage, d.cause, d.rootCause?.confidence])).to.deep.equal([
      ['A', 'not_configured', 'interface_missing', 'certain'], ['B', 'not_configured', 'interface_missing', 'certain'],
    ]);
    for (const d of r.directions) {
      expect(d.rootCause?.fix).to.match(/^mplsgre up \S+seed\.yaml$/);
      expect(d.rootCause?.evidence).to.deep.equal([`${d.from}: /sys/class/net/foo4: absent`]);
      expect(d.sent).to.equal(0);
      expect(d.mtu).to.equal(undefined);
    }
    expect(r.skipped.map((s) => s.what)).to.deep.equal(['captures', 'pings', 'mtu', 'tcp']);
  });

  it('verify with the tunnel set down after up: named as down from the host\'s flags, and no MTU probe', () => {
    const r = result<VerifyResult>('verify-tunnel-down');
    expect(r.directions.every((d) => d.mtu === undefined)).to.equal(true);
    expect(r.directions[0]!.rootCause?.evidence.join(' ')).to.match(/^A: \/sys\/class\/net\/foo4\/flags=0x[0-9a-f]+ \(no IFF_UP\)$/);
    expect(r.skipped.map((s) => s.what)).to.include('mtu');
  });

  it('up --dry-run on fresh namespaces: every step would change; nothing changed on the hosts, no state record written', () => {
    expect(run('dry-run-fresh').code, run('dry-run-fresh').stderr).to.equal(0);
    const r = result<DryRunResult>('dry-run-fresh');
    expect(r.dryRun).to.equal(true);
    // Modules are kernel-wide: this guest may have loaded them for an earlier test.
    // createLabNetwork brings lo up, as on a real host: that step is in effect.
    expect(r.steps.filter((s) => s.id.endsWith('.link.lo_up')).map((s) => s.outcome)).to.deep.equal(['in-effect', 'in-effect']);
    const nonModule = r.steps.filter((s) => !s.id.includes('.module.') && !s.id.endsWith('.link.lo_up'));
    expect(nonModule.length).to.be.greaterThan(10);
    expect(nonModule.filter((s) => s.outcome !== 'would-change').map((s) => s.id)).to.deep.equal([]);
    expect(r.wouldChange + r.inEffect).to.equal(r.steps.length);
    expect(snaps.dryFreshA).to.deep.equal(snaps.beforeA);
    expect(snaps.dryFreshB).to.deep.equal(snaps.beforeB);
    expect(snaps.stateAfterDryRun).to.deep.equal({ files: '' });
  });

  it('up --dry-run after up: every step is in effect, and the hosts are as up left them', () => {
    expect(run('dry-run-after-up').code, run('dry-run-after-up').stderr).to.equal(0);
    const r = result<DryRunResult>('dry-run-after-up');
    // An optional step up could not take (skipped) stays to be changed; every other is in effect.
    const skipped = result<ApplyResult>('up').steps.filter((s) => s.outcome === 'skipped').map((s) => s.id);
    expect(r.steps.filter((s) => s.outcome !== 'in-effect').map((s) => s.id)).to.deep.equal(skipped);
    expect(r.inEffect).to.equal(result<ApplyResult>('up').steps.length - skipped.length);
    expect(snaps.dryUpA).to.deep.equal(snaps.upA);
    expect(snaps.dryUpB).to.deep.equal(snaps.upB);
  });

  it('strict rp_filter: the requests were labelled and crossed in GRE, and nothing claims success', () => {
    const ab = result<VerifyResult>('verify-rp-strict').directions[0]!;
    expect(ab.received).to.equal(0);
    expect(ab.labelsSeen).to.deep.equal([100]);
    expect(ab.onWireInGre).to.be.at.least(3);
  });

  it('after every breakage is mended, verify passes again', () => {
    expect(run('verify-mended').code, JSON.stringify(result<VerifyResult>('verify-mended').directions)).to.equal(0);
  });

  it('down removes everything and restores the sysctls recorded before up', () => {
    expect(run('down').code, run('down').stderr).to.equal(0);
    expect(result<RemoveResult>('down').ok).to.equal(true);
    expect(snaps.afterA).to.deep.equal(snaps.beforeA);
    expect(snaps.afterB).to.deep.equal(snaps.beforeB);
    expect(snaps.beforeA!.rp_all).to.equal('1');
  });

  it('a failing step on B undoes everything on both hosts: they end exactly as they began', () => {
    expect(run('up-fails').code).to.equal(1);
    const r = result<ApplyResult>('up-fails');
    expect(r.ok).to.equal(false);
    expect(r.failure?.step).to.equal('B.mpls-route.pop');
    expect(r.failure?.stderr).to.match(/File exists/);
    const top = (r as ApplyResult & { diagnosis?: { findings: { causes: { id: string; confidence: string }[] }[] } }).diagnosis?.findings[0]?.causes[0];
    expect(top?.id, 'the failure comes with its diagnosis').to.equal('route_exists');
    expect(r.rolledBack.filter((s) => s.outcome === 'failed')).to.deep.equal([]);
    expect(snaps.failAfterA).to.deep.equal(snaps.failBeforeA);
    expect(snaps.failAfterB).to.deep.equal(snaps.failBeforeB);
  });

  it('leaves no namespace behind', () => {
    expect(snaps.netnsLeft).to.deep.equal({ list: '' });
  });
});
