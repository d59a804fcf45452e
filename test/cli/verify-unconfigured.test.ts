import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTopology } from '../../src/core/topology.js';
import { createLabNetwork, type LabNetwork } from '../../src/engine/underlay.js';
import type { VerifyResult } from '../../src/engine/verify.js';
import { execLocal } from '../../src/host/spawn.js';
import { ROOT } from '../support/fixtures.js';

const SEED = `tunnel: { name: foo4, overlay: 10.199.0.0/24 }
hosts:
  A: { target: local, underlay: 10.128.0.2, overlay: 10.199.0.1, label: 100 }
  B: { target: local, underlay: 10.128.100.2, overlay: 10.199.0.2, label: 101 }
`;

/**
 * Real namespaces on this machine (its kernel needs neither GRE nor MPLS for this): two hosts
 * joined by a veth underlay where `up` never ran. verify must say so, and send nothing.
 */
describe('verify before up, in real network namespaces on this machine', function () {
  this.timeout(60_000);
  let net: LabNetwork;
  let dir: string;
  let file: string;
  const txPackets = async (): Promise<string[]> => Promise.all([...net.namespaces.values()].map(async (ns, i) => {
    const r = await execLocal('ip', ['netns', 'exec', ns, 'cat', `/sys/class/net/${net.veth[i]}/statistics/tx_packets`], { timeoutMs: 5_000 });
    return r.stdout.trim();
  }));
  const cli = (...args: string[]): ReturnType<typeof execLocal> => execLocal(process.execPath, [join(ROOT, 'bin', 'mplsgre.js'), ...args], { timeoutMs: 30_000 });

  before(async () => {
    net = await createLabNetwork(parseTopology(SEED));
    dir = await mkdtemp(join(tmpdir(), 'mplsgre-vu-'));
    file = join(dir, 'seed.yaml');
    const [nsA, nsB] = [...net.namespaces.values()];
    // IPv6 would send its own packets (router solicitation, MLD) and blur the count below.
    for (const ns of [nsA!, nsB!]) await execLocal('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1'], { timeoutMs: 5_000 });
    await writeFile(file, SEED.replace(/target: local/, `target: netns:${nsA}`).replace(/target: local/, `target: netns:${nsB}`));
  });
  after(async () => {
    await net?.destroy();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('exits 1 naming the absent tunnel on each host with certainty, fix mplsgre up FILE; nothing sent, no MTU probe', async () => {
    const tx = await txPackets();
    const r = await cli('verify', file, '--json');
    expect(r.exitCode, r.stderr).to.equal(1);
    const v = (JSON.parse(r.stdout) as { result: VerifyResult }).result;
    expect(v.directions.map((d) => [d.from, d.stage, d.cause, d.rootCause?.confidence, d.rootCause?.fix])).to.deep.equal([
      ['A', 'not_configured', 'interface_missing', 'certain', `mplsgre up ${file}`],
      ['B', 'not_configured', 'interface_missing', 'certain', `mplsgre up ${file}`],
    ]);
    expect(v.directions[0]!.rootCause!.evidence).to.deep.equal(['A: /sys/class/net/foo4: absent']);
    expect(v.directions.every((d) => d.sent === 0 && d.mtu === undefined)).to.equal(true);
    expect(v.skipped.map((s) => s.what)).to.deep.equal(['captures', 'pings', 'mtu', 'tcp']);
    expect(v.captures).to.deep.equal([]);
    // Not one packet left either end of the underlay: no ping, no probe.
    expect(await txPackets()).to.deep.equal(tx);
  });

  it('says it in text: the cause, the fix, and which probes were skipped', async () => {
    const r = await cli('verify', file);
    expect(r.exitCode, r.stderr).to.equal(1);
    expect(r.stdout).to.contain('cause: interface_missing (certain): A has no tunnel foo4');
    expect(r.stdout).to.contain(`fix: mplsgre up ${file}`);
    expect(r.stdout).to.match(/skipped: captures, pings, MTU probes, TCP transfer: the tunnel is not configured on A and B/);
    expect(r.stdout).to.not.contain('capture_incomplete');
  });
});
