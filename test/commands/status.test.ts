import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonDocument } from '../../src/cli/io.js';
import { plan as makePlan } from '../../src/core/planner.js';
import { compareHost, hostState, readSpecOf, statusExitCode, type StatusObject, type StatusReport } from '../../src/core/status.js';
import { formatTarget, parseTopology } from '../../src/core/topology.js';
import { StateStore } from '../../src/engine/state.js';
import { ReplayHost, type Recording } from '../../src/host/replay.js';
import { execLocal } from '../../src/host/spawn.js';
import { parseSections, readTunnelState } from '../../src/probes/tunnel-state.js';
import { renderStatusMarkdown, renderStatusPrometheus, renderStatusTable, statusVerdict } from '../../src/report/status-text.js';
import { RECORDED_NONCE } from '../../scripts/record-status.js';
import { loadStatus, replayStatus, STATUS_DIR, statusReplayHost } from '../support/status-replay.js';
import { runCli } from '../support/run-cli.js';
import { schemaErrors } from '../support/schema.js';

const DIR = STATUS_DIR;
const load = loadStatus;
const replayHost = statusReplayHost;
const replay = replayStatus;

const notInEffect = (r: StatusReport): [string, string, string, string, string | undefined][] =>
  r.hosts.flatMap((h) => h.objects.filter((o) => o.state !== 'in effect').map((o): [string, string, string, string, string | undefined] => [h.host, o.kind, o.object, o.state, o.found]));

describe('status: replays of reads recorded in user-mode Linux 6.1 (scripts/record-status.ts)', () => {
  it('every fixture replays to the report status made in the guest, reading nothing unrecorded', async () => {
    const names = readdirSync(DIR).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, ''));
    expect(names).to.include.members(['status-up', 'status-drift', 'status-tunnel-gone', 'status-changed', 'status-down']);
    for (const name of names) {
      const fx = load(name);
      const { report, unrecorded } = await replay(fx);
      expect(unrecorded, name).to.deep.equal([]);
      // The state dir differs between the guest and this replay; so does the time taken.
      const same = (r: StatusReport): unknown => JSON.parse(JSON.stringify({ ...r, durationMs: 0 }).replace(/\/tmp\/[^/"]+\/state\//g, 'STATE/'));
      expect(same(report), name).to.deep.equal(same(fx.report));
      expect(schemaErrors(JSON.parse(jsonDocument('status', report, null))), name).to.equal(undefined);
    }
  });

  it('right after up: every object on both hosts in effect, exit 0', async () => {
    const { report } = await replay(load('status-up'));
    expect(statusExitCode(report)).to.equal(0);
    expect(report.ok).to.equal(true);
    for (const h of report.hosts) {
      expect(h.state, h.host).to.equal('in effect');
      expect(h.objects.map((o) => o.kind).sort()).to.deep.equal(['address', 'label-route', 'link', 'link', 'route', 'sysctl', 'sysctl', 'sysctl', 'tunnel']);
    }
    expect(report.counts).to.deep.equal({ inEffect: 18, missing: 0, changed: 0 });
  });

  it('a label route deleted on A and MPLS input reset on B: exit 1, exactly those two objects, with the value found', async () => {
    const { report } = await replay(load('status-drift'));
    expect(statusExitCode(report)).to.equal(1);
    expect(notInEffect(report)).to.deep.equal([
      ['A', 'label-route', '101', 'missing', undefined],
      ['B', 'sysctl', 'net.mpls.conf.foo4.input', 'changed', '0'],
    ]);
    const text = renderStatusTable(report, { color: false });
    expect(text).to.contain('A: label-route 101 missing (expected dev lo)');
    expect(text).to.contain('B: sysctl net.mpls.conf.foo4.input changed (expected 1, found 0 (the value before up))');
  });

  it('the tunnel deleted on B: the tunnel and everything it carried named missing on B, A untouched', async () => {
    const { report } = await replay(load('status-tunnel-gone'));
    expect(statusExitCode(report)).to.equal(1);
    expect(report.hosts[0]!.state).to.equal('in effect');
    expect(notInEffect(report)).to.deep.equal([
      ['B', 'tunnel', 'foo4', 'missing', undefined],
      ['B', 'address', '10.199.0.2/32 on foo4', 'missing', undefined],
      ['B', 'link', 'foo4', 'missing', undefined],
      ['B', 'sysctl', 'net.mpls.conf.foo4.input', 'missing', undefined],
      ['B', 'route', '10.199.0.0/24', 'missing', undefined],
    ]);
  });

  it('changed values are named with what was found: tunnel remote, pushed label, rp_filter', async () => {
    const { report } = await replay(load('status-changed'));
    const a = notInEffect(report).filter(([h]) => h === 'A');
    expect(a).to.deep.equal([
      ['A', 'tunnel', 'foo4', 'changed', 'gre 10.128.0.2 -> 10.128.100.3'],
      ['A', 'route', '10.199.0.0/24', 'changed', 'encap mpls 200 dev foo4 scope link'],
      ['A', 'sysctl', 'net.ipv4.conf.all.rp_filter', 'changed', '1'],
    ]);
    // up never rewrites a tunnel in place, so the verdict must not promise that up mends it
    const verdict = statusVerdict(report);
    expect(verdict).to.match(/up cannot change a tunnel in place \(foo4 on A\): mplsgre down .+, then mplsgre up /);
    expect(verdict).not.to.match(/puts it back/);
  });

  it('drift without a changed tunnel: the verdict says up puts it back', async () => {
    const { report } = await replay(load('status-drift'));
    expect(statusVerdict(report)).to.match(/^Drift: 1 missing, 1 changed\. mplsgre up .+ puts it back\.$/);
  });

  it('after down: nothing configured, exit 1, and the hint says to run up', async () => {
    const { report } = await replay(load('status-down'));
    expect(report.hosts.map((h) => h.state)).to.deep.equal(['not configured', 'not configured']);
    expect(statusExitCode(report)).to.equal(1);
    expect(renderStatusTable(report, { color: false })).to.match(/Nothing configured: no record of an up for foo4 \(mplsgre up .+\)/);
  });

  it('a record that lacks plan steps (up did not complete) or holds unplanned ones is drift, even with every object in effect', async () => {
    const fx = load('status-up');
    const topo = parseTopology(fx.topology);
    const hp = makePlan(topo).hosts[0]!;
    const host = replayHost(fx, formatTarget(hp.target));
    const read = await readTunnelState(host, readSpecOf(topo, hp), { nonce: RECORDED_NONCE });
    expect(read.ok).to.equal(true);
    if (!read.ok) return;
    const steps = fx.records[formatTarget(hp.target)]!.steps;
    const full = compareHost(topo, hp, steps, read.facts);
    expect(hostState(full)).to.equal('in effect');
    const partial = compareHost(topo, hp, steps.filter((s) => s.id !== 'A.mpls-route.pop'), read.facts);
    expect(partial.unrecorded).to.deep.equal(['A.mpls-route.pop']);
    expect(hostState(partial)).to.equal('drift');
    const extra = compareHost(topo, hp, [...steps, { id: 'A.route.other', outcome: 'changed' }], read.facts);
    expect(extra.unplanned).to.deep.equal(['A.route.other']);
    expect(hostState(extra)).to.equal('drift');
  });

  it('output cut short is an unreadable host, not an empty one', async () => {
    const fx = load('status-up');
    const target = Object.keys(fx.reads)[0]!;
    const [key, cmd] = Object.entries(fx.reads[target]!.commands)[0]!;
    const cut = cmd.stdout.slice(0, cmd.stdout.indexOf(`\n${RECORDED_NONCE} route`));
    const sections = parseSections(cut, RECORDED_NONCE);
    expect([...sections.keys()]).to.deep.equal(['links', 'mpls']);
    const host = new ReplayHost({ ...fx.reads[target]!, commands: { [key]: { ...cmd, stdout: cut } } } as unknown as Recording, target);
    const topo = parseTopology(fx.topology);
    const hp = makePlan(topo).hosts[0]!;
    const read = await readTunnelState(host, readSpecOf(topo, hp), { nonce: RECORDED_NONCE });
    expect(read.ok).to.equal(false);
    expect(!read.ok && read.error).to.match(/ended before route/);
  });

  it('prom: one sample per object, in_effect per host; md: a row per object', async () => {
    const { report } = await replay(load('status-drift'));
    const prom = renderStatusPrometheus(report);
    expect(prom).to.contain('mplsgre_status_object{tunnel="foo4",host="A",kind="label-route",object="101"} 0');
    expect(prom).to.contain('mplsgre_status_object{tunnel="foo4",host="B",kind="sysctl",object="net.mpls.conf.foo4.input"} 0');
    expect(prom).to.contain('mplsgre_status_object{tunnel="foo4",host="A",kind="tunnel",object="foo4"} 1');
    expect(prom).to.contain('mplsgre_status_in_effect{tunnel="foo4",host="A"} 0');
    expect(prom.match(/^mplsgre_status_object\{/gm)).to.have.length(18);
    const md = renderStatusMarkdown(report);
    expect(md.match(/^\| (A|B) \|/gm)).to.have.length(18);
    expect(md).to.contain('| B | sysctl | `net.mpls.conf.foo4.input` | 1 | ❌ changed | found 0 (the value before up) |');
  });
});

describe('status: the CLI', function () {
  this.timeout(30_000);
  let dir: string;
  const seed = (a: string, b: string): string => load('status-up').topology.replace(/netns:\S+-A\b/, `netns:${a}`).replace(/netns:\S+-B\b/, `netns:${b}`);
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mplsgre-status-cli-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a namespace that does not exist: exit 3, the host named, in every format', async () => {
    const file = join(dir, 'missing.yaml');
    await writeFile(file, seed('mplsgre-nonexistent-a', 'mplsgre-nonexistent-b'));
    const r = await runCli(['status', file]);
    expect(r.code, r.stderr).to.equal(3);
    expect(r.stdout).to.contain('A (netns:mplsgre-nonexistent-a): cannot be read: network namespace "mplsgre-nonexistent-a" does not exist');
    const j = await runCli(['status', file, '--json']);
    expect(j.code).to.equal(3);
    const doc = JSON.parse(j.stdout) as { result: StatusReport };
    expect(schemaErrors(doc)).to.equal(undefined);
    expect(doc.result.hosts.map((h) => h.state)).to.deep.equal(['unreadable', 'unreadable']);
  });

  it('real namespaces on this machine with the records up wrote in the guest: every object missing, exit 1', async () => {
    if (process.getuid?.() !== 0) throw new Error('needs root to create network namespaces');
    const fx = load('status-drift');
    const id = `${process.pid}`;
    const [a, b] = [`mplsgre-st${id}-A`, `mplsgre-st${id}-B`];
    for (const n of [a, b]) {
      const r = await execLocal('ip', ['netns', 'add', n], { timeoutMs: 10_000 });
      expect(r.failed, r.stderr).to.equal(false);
    }
    try {
      const file = join(dir, 'real.yaml');
      await writeFile(file, seed(a, b));
      const state = join(dir, 'state');
      const store = new StateStore(state);
      const [ra, rb] = Object.values(fx.records);
      await store.save({ ...ra!, target: `netns:${a}` });
      await store.save({ ...rb!, target: `netns:${b}` });
      const prev = process.env.MPLSGRE_STATE_DIR;
      process.env.MPLSGRE_STATE_DIR = state;
      const r = await runCli(['status', file, '--json']).finally(() => {
        if (prev === undefined) delete process.env.MPLSGRE_STATE_DIR;
        else process.env.MPLSGRE_STATE_DIR = prev;
      });
      expect(r.code, r.stderr).to.equal(1);
      const doc = JSON.parse(r.stdout) as { result: StatusReport };
      expect(schemaErrors(doc)).to.equal(undefined);
      const objects = doc.result.hosts.flatMap((h) => h.objects as StatusObject[]);
      // lo exists (down) in a fresh namespace; the rp_filter sysctls exist there too.
      expect(objects.filter((o) => o.kind === 'tunnel').map((o) => o.state)).to.deep.equal(['missing', 'missing']);
      expect(objects.find((o) => o.object === 'lo')?.state).to.equal('changed');
      expect(doc.result.ok).to.equal(false);
    } finally {
      for (const n of [a, b]) await execLocal('ip', ['netns', 'delete', n], { timeoutMs: 10_000 });
    }
  });

  it('bad input: exit 2 naming the field, before any host is read', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(file, seed('x', 'y').replace('label: 100', 'label: 5'));
    const cases: [string[], string][] = [
      [['status'], 'FILE'],
      [['status', file, file], 'FILE'],
      [['status', file], 'hosts.A.label'],
      [['status', join(dir, 'none.yaml')], 'FILE'],
      [['status', file, '--format', 'html'], '--format'],
      [['status', file, '--ssh-config', '/dev/zero'], '--ssh-config'],
    ];
    for (const [argv, field] of cases) {
      const r = await runCli([...argv, '--json']);
      expect(r.code, argv.join(' ')).to.equal(2);
      const doc = JSON.parse(r.stdout) as { error: { field: string } };
      expect(doc.error.field, argv.join(' ')).to.equal(field);
    }
  });
});
