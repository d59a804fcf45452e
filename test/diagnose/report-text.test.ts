import { expect } from 'chai';
import { diagnoseCommand } from '../../src/commands/diagnose.js';
import { ReplayHost } from '../../src/host/replay.js';
import { renderDiagnoseText } from '../../src/report/diagnose-text.js';
import { loadTables } from '../../src/report/table.js';
import { loadTranscript, replayDiagnosis } from './fixtures.js';

describe('diagnose: text for people', () => {
  before(loadTables);
  it('one message: cause, explanation, evidence, fix (recorded fresh user-mode Linux 6.1)', async () => {
    const fx = loadTranscript('fresh-mpls-route-add');
    const r = await diagnoseCommand({
      host: new ReplayHost(fx.facts!), input: { kind: 'message', text: 'RTNETLINK answers: Operation not supported' },
      command: 'ip -f mpls route add 101 dev lo', labels: [],
    });
    expect(renderDiagnoseText(r, { color: false })).to.equal([
      'cause: mpls_router_missing (certain)',
      '  the kernel has no MPLS forwarding: mpls_router is not loaded (module file present)',
      '  evidence: /proc/sys/net/mpls absent; /lib/modules/6.1.176/kernel/net/mpls/mpls_router.ko',
      '  fix: modprobe mpls_router && echo mpls_router >> /etc/modules-load.d/mpls.conf',
      '',
    ].join('\n'));
  });

  it('a transcript: each error under its command; "possible" causes named only when nothing stronger stands out', async () => {
    const { report } = await replayDiagnosis(loadTranscript('ping-tunnel-down'));
    const text = renderDiagnoseText(report, { color: false });
    expect(text).to.match(/^\$ ip netns exec A ping -c 2 .*\n {2}2 packets transmitted, 0 received, 100% packet loss/);
    expect(text).to.include('  cause: device_down (certain)\n    foo4 is down');
    expect(text).to.include('    fix: ip netns exec A ip link set foo4 up\n');
    expect(text).to.match(/also possible: .*--json/);
    expect(text).to.include('ruled out: ');
  });

  it('colour only when asked', async () => {
    const { report } = await replayDiagnosis(loadTranscript('label-reserved'));
    expect(renderDiagnoseText(report, { color: true })).to.include('\u001b[31mcertain\u001b[0m');
    expect(renderDiagnoseText(report, { color: false })).to.not.include('\u001b');
  });
});

describe('diagnose: causes that are all certain', () => {
  it('are joined by "and" (each needs its fix), never "or" (recorded fresh user-mode Linux 6.1: mpls_router not loaded and foo4 absent)', async () => {
    const { report } = await replayDiagnosis(loadTranscript('fresh-sysctl-conf-input'));
    const certain = report.findings[0]!.causes.filter((c) => c.confidence === 'certain').map((c) => c.id);
    expect(certain).to.deep.equal(['mpls_router_missing', 'interface_missing']);
    const text = renderDiagnoseText(report, { color: false });
    expect(text).to.include('  cause: mpls_router_missing (certain)');
    expect(text).to.include('  and: interface_missing (certain)');
    expect(text).to.not.match(/^ *or: .*\(certain\)/m);
  });
});
