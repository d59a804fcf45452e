import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WatchSnapshot } from '../../src/core/watch-state.js';
import { execLocal } from '../../src/host/spawn.js';
import { parseMplsStats } from '../../src/probes/mpls-counters.js';
import { renderWatchPrometheus } from '../../src/report/watch-prometheus.js';
import { loadCounters } from '../support/fixtures.js';

const fx = loadCounters('noroute');
const SNAP: WatchSnapshot = {
  tunnel: 'foo4',
  directions: [
    { from: 'A', to: 'B', label: 100, up: false, sent: 3, received: 0, explanation: 'x', cause: { id: 'label_not_routed', confidence: 'certain', explanation: 'B dropped', evidence: ['rx_noroute +3 on B\'s foo4'] } },
    { from: 'B', to: 'A', label: 101, up: true, sent: 3, received: 3, rttMs: 0.25, explanation: 'y' },
  ],
  counters: [
    { host: 'A', target: 'netns:A', ok: true, devices: parseMplsStats(fx.hosts.A!.after) },
    { host: 'B', target: 'netns:B', ok: true, devices: parseMplsStats(fx.hosts.B!.after) },
  ],
  readiness: [{ host: 'A', target: 'netns:A', ready: true, at: 1_800_000_000 }, { host: 'B', target: 'netns:B' }],
  rounds: 7, lastRoundAt: 1_800_000_001.5, lastRoundDurationS: 0.42,
};

describe('watch: /metrics in the Prometheus text format', () => {
  const text = renderWatchPrometheus(SNAP);

  it('each direction up or down, the down one\'s cause as a label of an info metric, loss and RTT', () => {
    expect(text).to.contain('mplsgre_direction_up{tunnel="foo4",from="A",to="B",label="100"} 0\n');
    expect(text).to.contain('mplsgre_direction_up{tunnel="foo4",from="B",to="A",label="101"} 1\n');
    expect(text).to.contain('mplsgre_direction_cause_info{tunnel="foo4",from="A",to="B",cause="label_not_routed",confidence="certain"} 1\n');
    expect(text).not.to.match(/mplsgre_direction_cause_info\{[^}]*from="B"/);
    expect(text).to.contain('mplsgre_direction_loss_ratio{tunnel="foo4",from="A",to="B",label="100"} 1\n');
    expect(text).to.contain('mplsgre_direction_loss_ratio{tunnel="foo4",from="B",to="A",label="101"} 0\n');
    expect(text).to.contain('mplsgre_direction_rtt_seconds{tunnel="foo4",from="B",to="A",label="101"} 0.00025\n');
  });

  it('the kernel\'s counters per host and device as counters, the recorded rx_noroute among them', () => {
    const noroute = parseMplsStats(fx.hosts.B!.after).find((d) => d.ifname === 'foo4')!.counters.rx_noroute;
    expect(noroute).to.be.greaterThan(0);
    expect(text).to.contain(`mplsgre_mpls_rx_noroute_total{tunnel="foo4",host="B",device="foo4"} ${noroute}\n`);
    expect(text).to.contain('# TYPE mplsgre_mpls_rx_noroute_total counter\n');
    expect(text).to.contain('mplsgre_ready{tunnel="foo4",host="A",target="netns:A"} 1\n');
    expect(text).not.to.contain('host="B",target="netns:B"} 1\n# HELP mplsgre_check');
    expect(text).to.contain('mplsgre_rounds_total{tunnel="foo4"} 7\n');
    expect(text).to.contain('mplsgre_last_round_timestamp_seconds{tunnel="foo4"} 1800000001.5\n');
  });

  it('every family once, HELP and TYPE before its samples', () => {
    const types = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => m[1]!);
    expect(new Set(types).size).to.equal(types.length);
    let current = '';
    for (const line of text.trimEnd().split('\n')) {
      if (line.startsWith('# TYPE ')) current = line.split(' ')[2]!;
      else if (!line.startsWith('#')) expect(line.startsWith(`${current}{`) || line.startsWith(`${current} `), line).to.equal(true);
    }
  });

  it('label values escaped: a tunnel, host or device name with a quote, backslash or newline stays one sample', () => {
    const odd = renderWatchPrometheus({ ...SNAP, tunnel: 'a"b\\c\nd', counters: [{ host: 'h"', target: 'ssh:x', ok: true, devices: [{ ifname: 'e\\', counters: { rx_noroute: 1 } }] }] });
    expect(odd).to.contain('tunnel="a\\"b\\\\c\\nd"');
    expect(odd).to.contain('mplsgre_mpls_rx_noroute_total{tunnel="a\\"b\\\\c\\nd",host="h\\"",device="e\\\\"} 1\n');
  });

  it('promtool check metrics accepts it, and the empty snapshot before the first round', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mplsgre-watch-prom-'));
    try {
      for (const [name, body] of [['full', text], ['empty', renderWatchPrometheus({ tunnel: 'foo4', directions: [], counters: [], readiness: [], rounds: 0 })]] as const) {
        const file = join(dir, `${name}.prom`);
        await writeFile(file, body);
        const r = await execLocal('promtool', ['check', 'metrics'], { timeoutMs: 30_000, input: body });
        expect(r.spawnError, 'promtool (Debian package prometheus) must be installed').to.equal(undefined);
        expect(r.exitCode, `${name}: ${r.stdout}${r.stderr}`).to.equal(0);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
