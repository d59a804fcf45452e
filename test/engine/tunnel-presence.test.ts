import { expect } from 'chai';
import { parseTopology } from '../../src/core/topology.js';
import { presenceCause } from '../../src/core/tunnel-presence.js';
import { readTunnelPresence } from '../../src/engine/tunnel-presence.js';
import { verifyTopology } from '../../src/engine/verify.js';
import { ReplayHost } from '../../src/host/replay.js';
import { loadTunnelState } from '../support/fixtures.js';

/** Recorded by `node dist/scripts/record-facts.js --tunnel-state`: namespace A of the seed topology. */
const load = loadTunnelState;

const SEED = parseTopology(`tunnel: { name: foo4, overlay: 10.199.0.0/24 }
hosts:
  A: { target: netns:a, underlay: 10.128.0.2, overlay: 10.199.0.1, label: 100 }
  B: { target: netns:b, underlay: 10.128.100.2, overlay: 10.199.0.2, label: 101 }
`);

describe('verify: the tunnel read from each end before anything is sent', () => {
  const cases: [string, string | null][] = [
    ['host-netns-tunnel-absent', 'interface_missing'],
    ['uml-tunnel-absent', 'interface_missing'],
    ['uml-configured', null],
    ['uml-tunnel-down', 'device_down'],
    ['uml-address-absent', 'overlay_address_absent'],
    ['uml-route-absent', 'overlay_route_absent'],
  ];
  for (const [name, id] of cases) {
    it(`${name} (${load(name).recorded.kernel}): ${id ?? 'configured, nothing to say'}`, async () => {
      const host = new ReplayHost(load(name));
      const p = await readTunnelPresence(host, 'A', 'foo4', '10.199.0.1', '10.199.0.0/24');
      expect(host.unrecorded).to.deep.equal([]);
      expect(p, 'the host was read').to.exist;
      const rc = presenceCause(p!, 'mplsgre up seed.yaml');
      expect(rc?.id ?? null).to.equal(id);
      if (rc) {
        expect(rc.confidence).to.equal('certain');
        expect(rc.fix).to.contain('mplsgre up seed.yaml');
        expect(rc.evidence.join(' ')).to.match(/^A: /);
      }
    });
  }

  it('a host whose state cannot be read leaves the cause to the packets (no guess)', async () => {
    const rec = load('uml-configured');
    const host = new ReplayHost({ ...rec, files: { ...rec.files, '/proc/net/route': { error: 'EACCES' } } });
    expect(await readTunnelPresence(host, 'A', 'foo4', '10.199.0.1', '10.199.0.0/24')).to.equal(undefined);
  });

  it('verify before up: both directions name the absent tunnel, nothing is captured, pinged or probed', async () => {
    // ReplayHost.start throws: a capture or a ping started here would fail the test.
    const hosts = new Map([['A', new ReplayHost(load('host-netns-tunnel-absent'), 'A')], ['B', new ReplayHost(load('uml-tunnel-down'), 'B')]]);
    const r = await verifyTopology(SEED, hosts, { count: 3, interval: 0.01, mtu: true, upCommand: 'mplsgre up seed.yaml' });
    expect(r.ok).to.equal(false);
    expect(r.directions.map((d) => [`${d.from}->${d.to}`, d.stage, d.cause, d.rootCause?.confidence, d.rootCause?.fix])).to.deep.equal([
      ['A->B', 'not_configured', 'interface_missing', 'certain', 'mplsgre up seed.yaml'],
      ['B->A', 'not_configured', 'device_down', 'certain', 'mplsgre up seed.yaml (or on B: ip link set dev foo4 up)'],
    ]);
    expect(r.directions.every((d) => d.sent === 0 && d.mtu === undefined)).to.equal(true);
    expect(r.captures).to.deep.equal([]);
    expect(r.skipped.map((s) => s.what)).to.deep.equal(['captures', 'pings', 'mtu', 'tcp']);
    expect(r.skipped[0]!.reason).to.contain('not configured on A and B');
  });
});
