import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { plan as makePlan, type Plan } from '../../src/core/planner.js';
import { parseTopology } from '../../src/core/topology.js';
import { applyPlan } from '../../src/engine/apply.js';
import { dryRunPlan } from '../../src/engine/dry-run.js';
import { StateStore } from '../../src/engine/state.js';
import type { ExecOptions, ExecResult, Host } from '../../src/host/host.js';
import { ReplayHost } from '../../src/host/replay.js';
import { mutatingArgvs } from '../support/faulty-host.js';
import { loadTunnelState } from '../support/fixtures.js';

/** Recorded by `node dist/scripts/record-facts.js --tunnel-state`: each step's check, read on namespace A. */
const load = loadTunnelState;

const SEED = parseTopology(`tunnel: { name: foo4, overlay: 10.199.0.0/24 }
hosts:
  A: { target: netns:A, underlay: 10.128.0.2, overlay: 10.199.0.1, label: 100 }
  B: { target: netns:B, underlay: 10.128.100.2, overlay: 10.199.0.2, label: 101 }
`);
const full = makePlan(SEED);
const planA: Plan = { ...full, hosts: full.hosts.filter((h) => h.name === 'A') };

/** A replayed host that keeps every command asked of it. */
class Watched extends ReplayHost {
  readonly ran: string[][] = [];
  override exec(file: string, args: readonly string[], opts?: ExecOptions): Promise<ExecResult> {
    this.ran.push([file, ...args]);
    return super.exec(file, args, opts);
  }
}

describe('up --dry-run (dryRunPlan) on hosts recorded in user-mode Linux', () => {
  it('a configured host: every step in effect, and up on the same host agrees step for step', async () => {
    const host = new Watched(load('uml-configured'), 'A');
    const r = await dryRunPlan(planA, new Map<string, Host>([['A', host]]));
    expect(host.unrecorded).to.deep.equal([]);
    expect(r.steps.filter((s) => s.outcome !== 'in-effect').map((s) => s.id)).to.deep.equal([]);
    expect([r.wouldChange, r.inEffect]).to.deep.equal([0, planA.hosts[0]!.steps.length]);
    const dir = await mkdtemp(join(tmpdir(), 'mplsgre-dry-'));
    try {
      const up = await applyPlan(planA, new Map<string, Host>([['A', new ReplayHost(load('uml-configured'), 'A')]]), new StateStore(dir));
      expect(up.steps.map((s) => [s.id, s.outcome])).to.deep.equal(r.steps.map((s) => [s.id, 'already']));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('up never ran: the tunnel\'s steps would change, each with the command up would run; only checks were run', async () => {
    const host = new Watched(load('uml-tunnel-absent'), 'A');
    const r = await dryRunPlan(planA, new Map<string, Host>([['A', host]]));
    expect(host.unrecorded).to.deep.equal([]);
    const change = r.steps.filter((s) => s.outcome === 'would-change').map((s) => s.id);
    expect(change).to.include.members(['A.link.add', 'A.addr.add', 'A.link.up', 'A.sysctl.mpls_input', 'A.route.overlay', 'A.mpls-route.pop', 'A.sysctl.platform_labels']);
    expect(r.steps.find((s) => s.id === 'A.link.add')?.command).to.equal('ip tunnel add name foo4 mode gre remote 10.128.100.2 local 10.128.0.2');
    // lo is up and the modules are loaded in that namespace: left alone, as up would.
    expect(r.steps.filter((s) => s.outcome === 'in-effect').map((s) => s.id)).to.include.members(['A.link.lo_up', 'A.module.mpls_router', 'A.module.ip_gre']);
    const mutating = mutatingArgvs(planA);
    expect(host.ran.filter((argv) => mutating.has(JSON.stringify(argv)))).to.deep.equal([]);
  });
});
