import { expect } from 'chai';
import { citeMove, countersMoved, parseMplsStats, readMplsCounters } from '../../src/probes/mpls-counters.js';
import type { ExecResult, Host } from '../../src/host/host.js';
import { loadCounters } from '../support/fixtures.js';

/** A host whose one command answers as given. */
const answering = (r: Partial<ExecResult>): Host => ({
  name: 'netns:B',
  exec: async (file, args) => ({ argv: [file, ...args], exitCode: 0, signal: null, stdout: '', stderr: '', failed: false, timedOut: false, durationMs: 1, ...r }),
  readFiles: async () => [],
  start: () => { throw new Error('not used'); },
});

describe('MPLS counters (ip -j stats show group afstats subgroup mpls, recorded on user-mode Linux 6.1)', () => {
  it('no label route on B: 3 lost pings are rx_noroute +3 on B\'s foo4, and nothing moves on A\'s receive side', () => {
    const fx = loadCounters('noroute');
    expect(fx.pings.received).to.equal(0);
    const b = countersMoved(parseMplsStats(fx.hosts.B!.before), parseMplsStats(fx.hosts.B!.after));
    expect(b.filter((m) => m.counter === 'rx_noroute')).to.deep.equal([{ ifname: 'foo4', counter: 'rx_noroute', delta: fx.pings.sent }]);
    expect(citeMove('B', b.find((m) => m.counter === 'rx_noroute')!)).to.equal('rx_noroute +3 on B\'s foo4');
    const a = countersMoved(parseMplsStats(fx.hosts.A!.before), parseMplsStats(fx.hosts.A!.after));
    expect(a.filter((m) => m.counter.startsWith('rx_'))).to.deep.equal([]);
    expect(a.find((m) => m.ifname === 'foo4' && m.counter === 'tx_packets')?.delta).to.equal(fx.pings.sent);
  });

  it('MPLS input off on B: the lost pings are rx_dropped on B\'s foo4, not rx_noroute', () => {
    const fx = loadCounters('input-off');
    const b = countersMoved(parseMplsStats(fx.hosts.B!.before), parseMplsStats(fx.hosts.B!.after));
    expect(b.find((m) => m.counter === 'rx_dropped')).to.deep.equal({ ifname: 'foo4', counter: 'rx_dropped', delta: 3 });
    expect(b.some((m) => m.counter === 'rx_noroute')).to.equal(false);
  });

  it('pings that cross: B receives and sends them on foo4, no drop counter moves on either end', () => {
    const fx = loadCounters('seed-crossing');
    expect(fx.pings.received).to.equal(3);
    for (const h of ['A', 'B']) {
      const moved = countersMoved(parseMplsStats(fx.hosts[h]!.before), parseMplsStats(fx.hosts[h]!.after));
      expect(moved.filter((m) => /errors|dropped|noroute/.test(m.counter)), h).to.deep.equal([]);
      expect(moved.find((m) => m.counter === 'rx_packets')?.delta, h).to.equal(3);
    }
  });

  it('before mpls_router loads, devices are listed without MPLS counters: none is reported', () => {
    const fx = loadCounters('no-mpls-router');
    expect(fx.hosts.A!.after).to.include('"ifname":"lo"');
    expect(parseMplsStats(fx.hosts.A!.after)).to.deep.equal([]);
  });

  it('a counter that went down (device made again) counts from zero', () => {
    const [foo] = parseMplsStats(loadCounters('noroute').hosts.B!.after);
    const zero = { ...foo!, counters: { ...foo!.counters, rx_noroute: 1 } };
    expect(countersMoved([foo!], [zero]).find((m) => m.counter === 'rx_noroute')?.delta).to.equal(1);
  });

  it('a read that fails or prints something else is an error naming the command, never a throw', async () => {
    const old = await readMplsCounters(answering({ failed: true, exitCode: 255, stderr: 'Command "stats" is unknown, try "ip help".\n' }));
    expect(old).to.deep.equal({ ok: false, error: 'ip -j stats show group afstats subgroup mpls: Command "stats" is unknown, try "ip help".' });
    const garbled = await readMplsCounters(answering({ stdout: 'not json' }));
    expect(garbled.ok).to.equal(false);
    const fine = await readMplsCounters(answering({ stdout: loadCounters('noroute').hosts.B!.after }));
    expect(fine.ok && fine.devices.map((d) => d.ifname)).to.include('foo4');
  });
});
