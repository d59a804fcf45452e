import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { plan as makePlan, type Plan } from '../../src/core/planner.js';
import { parseTopology } from '../../src/core/topology.js';
import { applyPlan } from '../../src/engine/apply.js';
import { dryRunPlan } from '../../src/engine/dry-run.js';
import { StateStore } from '../../src/engine/state.js';
import type { ExecOptions, ExecResult, FileRead, Host, ReadOptions } from '../../src/host/host.js';
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

  it('a check that cannot run (a read that times out, a command killed at its timeout) is unknown with its reason, never "would change" nor "in effect"', async () => {
    /** The configured host, where the platform_labels read fails and the route check times out, as on a host under load. */
    class Slow extends ReplayHost {
      override async readFiles(paths: readonly string[], opts?: ReadOptions): Promise<FileRead[]> {
        const read = await super.readFiles(paths, opts);
        return read.map((f) => (f.path.endsWith('/platform_labels') ? { path: f.path, ok: false, error: 'netns A: timed out' } : f));
      }
      override async exec(file: string, args: readonly string[], opts?: ExecOptions): Promise<ExecResult> {
        const r = await super.exec(file, args, opts);
        return file === 'ip' && args.includes('10.199.0.0/24') ? { ...r, exitCode: null, signal: 'SIGKILL', stdout: '', failed: true, timedOut: true } : r;
      }
    }
    const r = await dryRunPlan(planA, new Map<string, Host>([['A', new Slow(load('uml-configured'), 'A')]]));
    const unknown = r.steps.filter((s) => s.outcome === 'unknown');
    expect(unknown.map((s) => s.id)).to.deep.equal(['A.sysctl.platform_labels', 'A.route.overlay']);
    expect(unknown[0]!.reason).to.equal('/proc/sys/net/mpls/platform_labels: netns A: timed out');
    expect(unknown[1]!.reason).to.match(/^ip .*10\.199\.0\.0\/24.*: timed out after \d+ ms$/);
    expect([r.wouldChange, r.unknown, r.inEffect]).to.deep.equal([0, 2, planA.hosts[0]!.steps.length - 2]);
    const { renderDryRun } = await import('../../src/report/tunnel-text.js');
    const text = renderDryRun(r, 'seed.yaml', { color: false });
    expect(text).to.match(/unknown +A\.route\.overlay .*\n +could not tell: ip .*timed out after \d+ ms; up would run: ip route/);
    expect(text).to.contain(`up would change 0 step(s); ${planA.hosts[0]!.steps.length - 2} already in effect; 2 could not be read (up would run them).`);
    // up itself still runs such a step (its do then says what is wrong): the reading is only not guessed.
    const { stepsInEffectOn } = await import('../../src/engine/actions.js');
    const flags = await stepsInEffectOn(new Slow(load('uml-configured'), 'A'), planA.hosts[0]!.steps);
    expect(planA.hosts[0]!.steps.filter((_, i) => !flags[i]).map((s) => s.id)).to.deep.equal(['A.sysctl.platform_labels', 'A.route.overlay']);
  });
});

