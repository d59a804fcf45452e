import { expect } from 'chai';
import { fleetCommand, type FleetHost } from '../../src/commands/fleet.js';
import { replayFleet } from '../support/replay-fleet.js';

const netfilter = (hosts: readonly FleetHost[]): (string | undefined)[] =>
  hosts.map((h) => ('checks' in h ? h.checks.find((c) => c.id === 'class.netfilter')?.status : 'unreachable'));

describe('fleet --classes: check --classes on every host', () => {
  it('with classes the class checks judge each host (loadable warns, loaded passes); without, they skip', async () => {
    const fleet = replayFleet(2, { names: ['uml-classes-fresh', 'uml-classes-loaded'] });
    const base = { entries: fleet.entries, connect: fleet.connect, concurrency: 2, timeoutMs: 60_000, labels: [], failOn: 'fail' as const };
    const asked = await fleetCommand({ ...base, classes: true });
    expect(netfilter(asked.hosts)).to.deep.equal(['warn', 'pass']);
    const plain = await fleetCommand(base);
    expect(netfilter(plain.hosts)).to.deep.equal(['skip', 'skip']);
  });
});
