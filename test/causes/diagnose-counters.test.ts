import { expect } from 'chai';
import { diagnoseCommand } from '../../src/commands/diagnose.js';
import { ReplayHost } from '../../src/host/replay.js';
import { loadPath } from '../support/fixtures.js';
import { loadTranscript, replayDiagnosis } from '../diagnose/fixtures.js';

/** diagnose reads the tunnel's MPLS counters through the collector verify uses: totals since the device was made. */
describe('causes: diagnose cites the MPLS counters (recorded on user-mode Linux 6.1)', () => {
  const cases: [string, string, RegExp][] = [
    ['ping-label-not-routed', 'label_not_routed', /^rx_noroute 2, rx_dropped 0, rx_errors 0, tx_errors 0$/],
    ['ping-mpls-input-off', 'mpls_input_disabled', /^rx_noroute 0, rx_dropped 2, rx_errors 0, tx_errors 0$/],
  ];
  for (const [name, cause, counters] of cases) {
    it(`${name}: ${cause} first, with the counters of B's foo4 as evidence`, async () => {
      const { report, unrecorded } = await replayDiagnosis(loadTranscript(name));
      expect(unrecorded).to.deep.equal([]);
      const top = report.findings[0]!.causes[0]!;
      expect(top.id).to.equal(cause);
      const e = top.evidence.find((x) => x.source === 'ip -j stats show dev foo4 group afstats subgroup mpls');
      expect(e?.value, JSON.stringify(top.evidence)).to.match(counters);
    });
  }

  it('a tunnel that counted rx_errors: total loss is likely a TTL that ran out (B of paths/ttl-expired, --labels 100,101)', async () => {
    const fx = loadPath('ttl-expired');
    const host = new ReplayHost(fx.facts.B!, 'B');
    const report = await diagnoseCommand({ host, input: { kind: 'message', text: '2 packets transmitted, 0 received, 100% packet loss' }, labels: [100, 101], iface: 'foo4' });
    const f = report.findings[0]!;
    expect(f.known).to.equal('ping-total-loss');
    expect([f.causes[0]?.id, f.causes[0]?.confidence], JSON.stringify(f.causes.map((c) => [c.id, c.confidence]))).to.deep.equal(['label_ttl_expired', 'likely']);
    expect(f.causes[0]!.evidence.map((e) => e.value).join(' ')).to.match(/rx_errors [1-9]\d*/);
    // The settings are all in order there: input on, the label routed, rp_filter loose.
    expect(f.ruledOut.map((r) => r.id)).to.include.members(['mpls_input_disabled', 'rp_filter_strict', 'device_down', 'label_not_routed']);
  });

  it('rx_noroute counted since the device was made, with no label to check: likely, not certain (the packets may be old)', async () => {
    const fx = loadPath('ttl-expired');
    const report = await diagnoseCommand({ host: new ReplayHost(fx.facts.B!, 'B'), input: { kind: 'message', text: '2 packets transmitted, 0 received, 100% packet loss' }, labels: [], iface: 'foo4' });
    const c = report.findings[0]!.causes.find((x) => x.id === 'label_not_routed');
    expect(c?.confidence).to.equal('likely');
    expect(c?.explanation).to.match(/arrived with no route \(since foo4 was made\)$/);
  });
});
