import { expect } from 'chai';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { plan as makePlan } from '../../src/core/planner.js';
import { parseTopology } from '../../src/core/topology.js';
import { applyPlan } from '../../src/engine/apply.js';
import { StateStore, type HostState } from '../../src/engine/state.js';
import type { Background, ExecResult, FileRead, Host } from '../../src/host/host.js';
import { mutatingArgvs } from '../support/faulty-host.js';

const TOPO = parseTopology(`tunnel: { name: foo4, overlay: 10.199.0.0/24 }
hosts:
  A: { target: netns:a, underlay: 10.128.0.2, overlay: 10.199.0.1, label: 100 }
  B: { target: netns:b, underlay: 10.128.100.2, overlay: 10.199.0.2, label: 101 }
`);

/**
 * A host on which nothing is in effect: every check command fails, every file is missing but
 * the sysctls a write reads first. `onChange` sees each mutating command before it "runs".
 */
class BlankHost implements Host {
  readonly name = 'blank';
  readonly changes: string[][] = [];
  constructor(readonly mutating: ReadonlySet<string>, readonly onChange: (argv: string[]) => Promise<void> = async () => {}) {}
  async exec(file: string, args: readonly string[]): Promise<ExecResult> {
    const argv = [file, ...args];
    const change = this.mutating.has(JSON.stringify(argv));
    if (change) {
      await this.onChange(argv);
      this.changes.push(argv);
    }
    return { argv, exitCode: change ? 0 : 1, signal: null, stdout: '', stderr: '', failed: !change, timedOut: false, durationMs: 0 };
  }
  async readFiles(paths: readonly string[]): Promise<FileRead[]> {
    return paths.map((path) => (path.startsWith('/proc/sys/') ? { path, ok: true, data: Buffer.from('1\n') } : { path, ok: false, error: 'ENOENT' }));
  }
  start(): Background {
    throw new Error('not used');
  }
}

describe('engine: up (applyPlan) around faults', () => {
  const plan = makePlan(TOPO);
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mplsgre-apply-test-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('saves each step\'s record before its command runs, with what its undo needs', async () => {
    const store = new StateStore(dir);
    const seenAtRun: string[] = [];
    const hostA = new BlankHost(mutatingArgvs(plan), async (argv) => {
      // What a process killed at this very moment would leave for the next run.
      const saved = JSON.parse(await readFile(join(dir, 'foo4@netns_a.json'), 'utf8')) as HostState;
      const last = saved.steps.at(-1)!;
      seenAtRun.push(`${argv.join(' ')} -> ${last.id} ${last.outcome}${last.previous === undefined ? '' : ` previous=${last.previous}`}`);
    });
    const r = await applyPlan(plan, new Map<string, Host>([['A', hostA], ['B', new BlankHost(mutatingArgvs(plan))]]), store);
    expect(r.ok).to.equal(true);
    expect(seenAtRun).to.include('modprobe mpls_router -> A.module.mpls_router changed');
    expect(seenAtRun).to.include('sysctl -w net.ipv4.conf.all.rp_filter=2 -> A.sysctl.rp_filter.all changed previous=1');
    expect(seenAtRun.some((l) => l.startsWith('ip tunnel add name foo4') && l.includes('-> A.link.add changed'))).to.equal(true);
  });

  it('aborted before it starts: runs no command, records nothing, and names the interruption', async () => {
    const store = new StateStore(dir);
    const hosts = new Map<string, BlankHost>([['A', new BlankHost(mutatingArgvs(plan))], ['B', new BlankHost(mutatingArgvs(plan))]]);
    const c = new AbortController();
    c.abort(new Error('interrupted by SIGINT; cleaning up'));
    const r = await applyPlan(plan, hosts, store, { signal: c.signal });
    expect(r.ok).to.equal(false);
    expect(r.failure?.message).to.contain('interrupted by SIGINT');
    expect([...hosts.values()].flatMap((h) => h.changes)).to.deep.equal([]);
    expect(await store.load('foo4', 'netns:a')).to.equal(undefined);
  });

  it('aborted mid-way: no further step starts and every change of the run is undone', async () => {
    const store = new StateStore(dir);
    const c = new AbortController();
    const hostA = new BlankHost(mutatingArgvs(plan), async (argv) => {
      if (argv[0] === 'ip' && argv[1] === 'tunnel') c.abort(new Error('interrupted by SIGTERM; cleaning up'));
    });
    const hostB = new BlankHost(mutatingArgvs(plan));
    const r = await applyPlan(plan, new Map<string, Host>([['A', hostA], ['B', hostB]]), store, { signal: c.signal });
    expect(r.ok).to.equal(false);
    expect(r.failure?.step).to.equal('A.addr.add');
    expect(hostB.changes).to.deep.equal([]);
    expect(r.rolledBack.map((s) => s.id)).to.deep.equal(['A.link.add', 'A.sysctl.platform_labels', 'A.module.mpls_gso', 'A.module.ip_gre', 'A.module.mpls_iptunnel', 'A.module.mpls_router']);
    expect(await store.load('foo4', 'netns:a')).to.equal(undefined);
  });

  describe('a step an earlier up changed, reset behind mplsgre\'s back since', () => {
    const earlier = (): HostState => ({
      tunnel: 'foo4', host: 'A', target: 'netns:a', updatedAt: '2026-01-01T00:00:00.000Z',
      steps: [{ id: 'A.sysctl.rp_filter.all', outcome: 'changed', previous: '0' }],
    });

    it('is changed again, and down still restores the value from before the first up (not the reset one)', async () => {
      const store = new StateStore(dir);
      await store.save(earlier());
      // Every sysctl reads 1 now: rp_filter was reset from mplsgre's 2 to 1 by someone else.
      const r = await applyPlan(plan, new Map<string, Host>([['A', new BlankHost(mutatingArgvs(plan))], ['B', new BlankHost(mutatingArgvs(plan))]]), store);
      expect(r.ok).to.equal(true);
      expect(r.steps.find((s) => s.id === 'A.sysctl.rp_filter.all')?.outcome).to.equal('changed');
      const saved = await store.load('foo4', 'netns:a');
      expect(saved?.steps.find((s) => s.id === 'A.sysctl.rp_filter.all')).to.deep.equal({ id: 'A.sysctl.rp_filter.all', outcome: 'changed', previous: '0' });
    });

    it('a failure later in that run rolls the step back to what this run found, and the earlier record stays', async () => {
      const store = new StateStore(dir);
      await store.save(earlier());
      // rp_filter is A's last step; B's tunnel then cannot be made.
      const mutatingA = mutatingArgvs(plan);
      mutatingA.add(JSON.stringify(['sysctl', '-w', 'net.ipv4.conf.all.rp_filter=1']));
      const mutatingB = mutatingArgvs(plan);
      const linkB = plan.hosts[1]!.steps.find((s) => s.id === 'B.link.add')!;
      expect(mutatingB.delete(JSON.stringify(linkB.do.kind === 'exec' ? linkB.do.argv : []))).to.equal(true);
      const hostA = new BlankHost(mutatingA);
      const r = await applyPlan(plan, new Map<string, Host>([['A', hostA], ['B', new BlankHost(mutatingB)]]), store);
      expect(r.ok).to.equal(false);
      expect(hostA.changes.map((c) => c.join(' '))).to.include('sysctl -w net.ipv4.conf.all.rp_filter=1');
      expect(await store.load('foo4', 'netns:a')).to.deep.equal(earlier());
    });
  });
});
