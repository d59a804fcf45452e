import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { decodeBuffer } from '../../../src/capture/index.js';
import type { PathContext, RootCause } from '../../../src/core/root-cause.js';
import { parseTopology, type HostSpec } from '../../../src/core/topology.js';
import { EchoTally } from '../../../src/engine/echo-tally.js';
import type { WatchedCapture } from '../../../src/engine/verify/captures.js';
import { classProbes, classResults, defaultOuterDscps, judgeClasses, unmarked, withDefaultOuter, type ClassJudged } from '../../../src/engine/verify/classes.js';
import { judge, type Judged } from '../../../src/engine/verify/judge.js';
import type { PingRun } from '../../../src/engine/verify/pings.js';
import { TcpTally } from '../../../src/engine/verify/tcp-tally.js';
import type { VerifyClassesFixture, VerifyScenario } from '../../../scripts/record-classes.js';
import { renderVerify } from '../../../src/report/tunnel-text.js';
import { renderLabEvent } from '../../../src/report/lab-text.js';
import { ROOT } from '../../support/fixtures.js';

// Recorded by `node dist/scripts/record-classes.js verify` in user-mode Linux 6.1.176: examples/classes.yaml
// set up by up, verify's own captures (every interface, one per host) around verify's own pings.
const DIR = join(ROOT, 'test', 'fixtures', 'classes');
const fixture = JSON.parse(readFileSync(join(DIR, 'verify-classes.json'), 'utf8')) as VerifyClassesFixture;
const topo = parseTopology(fixture.topology);
const [A, B] = topo.hosts as [HostSpec, HostSpec];

/** A recorded capture, read whole, as verify's judge reads a finished one. */
function recorded(file: string): WatchedCapture {
  const tally = new EchoTally();
  const tcp = new TcpTally();
  for (const r of decodeBuffer(readFileSync(join(DIR, file)))) {
    tally.add(r);
    tcp.add(r);
  }
  return { file, tally, tcp, poll: () => Promise.resolve(0), close: () => Promise.resolve() };
}

interface Judgement { readonly classes: ClassJudged[]; readonly directions: Judged[] }

/** A scenario judged the way verify judges it: the class pings by their DSCP, the default pings by theirs (0). */
function judgeScenario(s: VerifyScenario, t = topo): Judgement {
  const caps = new Map(Object.entries(s.files).map(([h, f]) => [h, recorded(f)]));
  const capOf = (h: HostSpec): WatchedCapture => caps.get(h.name)!;
  const run = (from: string, tos: number | undefined): PingRun => {
    const p = s.pings.find((x) => x.from === from && x.marking?.tos === tos);
    if (!p) throw new Error(`${s.name}: no recorded ping from ${from} with tos ${tos}`);
    return { summary: p.summary, stderr: '' };
  };
  const probes = classProbes(t);
  const classes = judgeClasses(probes, probes.map((p) => run(p.from.name, p.marking.tos)), capOf);
  const directions = ([[A, B], [B, A]] as const).map(([from, to]) =>
    withDefaultOuter(judge(from, to, run(from.name, undefined), capOf, undefined, undefined, 0, undefined, unmarked), defaultOuterDscps(from, to, capOf)));
  return { classes, directions };
}

const scenario = (name: string): Judgement => judgeScenario(fixture.scenarios.find((s) => s.name === name)!);
const row = (j: ClassJudged): unknown[] => [j.probe.cls.name, j.probe.from.name, j.verdict.stage, j.verdict.explanation];

describe('verify: traffic classes judged from recorded captures (user-mode Linux 6.1)', () => {
  it('the recording holds each scenario, both hosts\' captures and every ping verify sends', () => {
    expect(fixture.scenarios.map((s) => s.name)).to.deep.equal(['pass', 'no-rule', 'no-mark', 'no-pop', 'outer-on-default']);
    for (const s of fixture.scenarios) {
      expect(Object.keys(s.files), s.name).to.deep.equal(['A', 'B']);
      expect(s.pings.map((p) => `${p.from}${p.marking ? ` ${p.marking.tos}` : ''} ${p.summary?.transmitted}`), s.name)
        .to.deep.equal([`A ${fixture.count}`, `B ${fixture.count}`, `A 184 ${fixture.count}`, `B 184 ${fixture.count}`]);
    }
  });

  it('one probe per class and DSCP each way: voice A->B under 200, B->A under 201, outer DSCP 46, replies under the peer\'s class label', () => {
    expect(classProbes(topo).map((p) => [p.cls.name, p.from.name, p.to.name, p.dscp, p.marking, p.cls.label, p.wantOuterDscp, p.replyClass?.label])).to.deep.equal([
      ['voice', 'A', 'B', 46, { tos: 184 }, 200, 46, 201],
      ['voice', 'B', 'A', 46, { tos: 184 }, 201, 46, 200],
    ]);
  });

  it('as up made it: each class on its label both ways with outer DSCP 46 and the inner kept; the defaults on 100/101 with outer DSCP 0', () => {
    const j = scenario('pass');
    for (const c of j.classes) expect(c.verdict, `${c.probe.from.name}`).to.include({ ok: true, stage: null });
    expect(j.classes.map((c) => [c.evidence.requestLabels, c.evidence.outerDscps, c.evidence.arrivedInnerDscps, c.evidence.replyLabels])).to.deep.equal([
      [{ 200: 3 }, { 46: 3 }, { 46: 3 }, { 201: 3 }],
      [{ 201: 3 }, { 46: 3 }, { 46: 3 }, { 200: 3 }],
    ]);
    for (const d of j.directions) expect(d.verdict.ok, `${d.from.name}: ${d.verdict.explanation}`).to.equal(true);
    expect(j.directions.map((d) => d.evidence.requestLabels)).to.deep.equal([{ 100: 3 }, { 101: 3 }]);
    expect([defaultOuterDscps(A, B, (h) => recorded(fixture.scenarios[0]!.files[h.name]!))]).to.deep.equal([{ 0: 3 }]);
  });

  it("A's class rule deleted: class voice A->B fails as class_wrong_label naming label 100, and so do B->A's replies, which A sends under 100; the defaults pass", () => {
    const j = scenario('no-rule');
    expect(j.classes.map(row)).to.deep.equal([
      ['voice', 'A', 'class_wrong_label', 'class voice A->B: requests with DSCP 46 left under label 100, not 200'],
      ['voice', 'B', 'class_wrong_label', "class voice B->A: replies with DSCP 46 came back under label 100, not under A's class voice label 200"],
    ]);
    expect(j.directions.map((d) => d.verdict.ok)).to.deep.equal([true, true]);
  });

  it("A's mangle mark deleted: the same failure, label 100 seen", () => {
    const j = scenario('no-mark');
    expect(j.classes.map(row)).to.deep.equal([
      ['voice', 'A', 'class_wrong_label', 'class voice A->B: requests with DSCP 46 left under label 100, not 200'],
      ['voice', 'B', 'class_wrong_label', "class voice B->A: replies with DSCP 46 came back under label 100, not under A's class voice label 200"],
    ]);
  });

  it("B's pop of 200 deleted: A->B not delivered (requests under 200, no answer); B->A's replies, which A sends under 200, never come back", () => {
    const j = scenario('no-pop');
    expect(j.classes.map(row)).to.deep.equal([
      ['voice', 'A', 'class_not_delivered', 'class voice A->B: requests left under label 200 and none was answered (0/3)'],
      ['voice', 'B', 'class_not_delivered', "class voice B->A: A answered under label 200 (A's class voice) and no reply came back to B (0/3)"],
    ]);
    expect(j.classes.map((c) => c.verdict.leg)).to.deep.equal(['request', 'reply']);
    expect(j.directions.map((d) => d.verdict.ok)).to.deep.equal([true, true]);
  });

  it("A's outer rule on the default label: the class fails as class_outer_dscp, and so do the unmarked pings, which carry outer DSCP 46", () => {
    const j = scenario('outer-on-default');
    expect(j.classes.map(row)[0]).to.deep.equal(['voice', 'A', 'class_outer_dscp', 'class voice A->B: requests under label 200 left with outer DSCP 0, not 46']);
    expect(j.directions.map((d) => [d.verdict.stage, d.verdict.explanation])).to.deep.equal([
      ['class_outer_dscp', 'unmarked requests A->B under label 100 left with outer DSCP 46, not 0'],
      [null, '3/3 replies, label 101 inside GRE on the wire, replies with label 100'],
    ]);
    expect(j.directions[0]!.trafficClass).to.deep.include({ name: 'voice', label: 200, mark: 200, table: 200, dscp: 0 });
  });

  it('a failed class is asked of the shared causes with its stage, both ends\' facts and counters, and the class with the labels seen; a passing one is not', () => {
    const j = scenario('no-rule');
    // Identity tokens: the context must carry each end's facts as verify read them.
    const facts = new Map([['A', { end: 'A' } as never], ['B', { end: 'B' } as never]]);
    const asked: [string, PathContext][] = [];
    const ask = (stage: string, ctx: PathContext): RootCause => {
      asked.push([stage, ctx]);
      return { id: null, confidence: 'unknown' as never, explanation: 'none', evidence: [] };
    };
    const counters = [{ host: 'A', ok: true, moved: [] }, { host: 'B', ok: true, moved: [] }];
    const [ab, ba] = classResults(topo, j.classes, counters, facts, ask as never);
    expect(asked.map(([stage]) => stage)).to.deep.equal(['class_wrong_label', 'class_wrong_label']);
    const ctx = asked[0]![1];
    expect([ctx.sender, ctx.receiver, ctx.label, ctx.senderUnderlay, ctx.receiverUnderlay, ctx.lost]).to.deep.equal([{ end: 'A' }, { end: 'B' }, 200, A.underlay, B.underlay, undefined]);
    expect(ctx.trafficClass).to.deep.equal({ name: 'voice', label: 200, mark: 200, table: 200, dscp: 46, labelsSeen: [100] });
    // B->A failed on its replies: A's class is the one asked about, A the sender.
    expect([asked[1]![1].sender, asked[1]![1].receiver, asked[1]![1].trafficClass]).to.deep.equal([{ end: 'A' }, { end: 'B' }, { name: 'voice', label: 200, mark: 200, table: 200, dscp: 46, labelsSeen: [100] }]);
    expect([ab!.ok, ab!.stage, ab!.cause, ab!.labelsSeen, ab!.outerDscp, ab!.innerDscpKept, ab!.rootCause?.explanation]).to.deep.equal([false, 'class_wrong_label', null, [100], [], false, 'none']);
    expect([ba!.ok, ba!.labelsSeen, ba!.outerDscp, ba!.innerDscpKept, ba!.replyLabelsSeen]).to.deep.equal([false, [201], [46], true, [100]]);
    const passing = classResults(topo, scenario('pass').classes, counters, facts, ask as never);
    expect(asked).to.have.length(2);
    expect(passing.map((c) => [c.ok, c.rootCause, c.labelsSeen, c.outerDscp, c.innerDscpKept, c.replyLabelsSeen])).to.deep.equal([
      [true, undefined, [200], [46], true, [201]],
      [true, undefined, [201], [46], true, [200]],
    ]);
  });

  it("on the reply leg the peer's class is the one asked about: A sends under 200, B receives", () => {
    const j = scenario('no-pop');
    const asked: PathContext[] = [];
    const facts = new Map([['A', { end: 'A' } as never], ['B', { end: 'B' } as never]]);
    classResults(topo, j.classes, [], facts, ((_: string, ctx: PathContext) => {
      asked.push(ctx);
      return { id: null, confidence: 'unknown', explanation: 'none', evidence: [] };
    }) as never);
    expect(asked.map((c) => [c.sender, c.receiver, c.label, c.lost, c.trafficClass?.name, c.trafficClass?.labelsSeen])).to.deep.equal([
      [{ end: 'A' }, { end: 'B' }, 200, 3, 'voice', [200]],
      [{ end: 'A' }, { end: 'B' }, 200, 3, 'voice', [200]],
    ]);
  });

  it('a class selected by its mark alone is pinged with the mark and a DSCP no class uses; its outer DSCP must be 0, its replies come under the peer\'s default label', () => {
    const t = parseTopology(`tunnel: { name: foo4, overlay: 10.199.0.0/24 }
hosts:
  A: { target: local, underlay: 10.128.0.2, overlay: 10.199.0.1, label: 100, classes: [ { name: bulk, fwmark: 7, label: 300 }, { name: voice, dscp: [1, 46], label: 200 } ] }
  B: { target: local, underlay: 10.128.100.2, overlay: 10.199.0.2, label: 101, classes: [ { name: low, dscp: 2, label: 301 } ] }
`);
    expect(classProbes(t).map((p) => [p.cls.name, p.from.name, p.dscp, p.marking, p.wantOuterDscp, p.replyClass?.name ?? null])).to.deep.equal([
      ['bulk', 'A', 3, { tos: 12, mark: 7 }, 0, null],
      ['voice', 'A', 1, { tos: 4 }, 1, null],
      ['voice', 'A', 46, { tos: 184 }, 1, null],
      ['low', 'B', 2, { tos: 8 }, 2, null],
    ]);
  });

  it('the table and the lab name each class: its label, outer DSCP and replies, or why it failed', () => {
    const counters = [{ host: 'A', ok: true, moved: [] }, { host: 'B', ok: true, moved: [] }];
    const none = (): RootCause => ({ id: null, confidence: 'unknown' as never, explanation: 'no cause named', evidence: [] });
    const facts = new Map([['A', {} as never], ['B', {} as never]]);
    const [bad] = classResults(topo, scenario('no-rule').classes, counters, facts, none as never);
    const [good] = classResults(topo, scenario('pass').classes, counters, facts, none as never);
    const result = { ok: false, tunnel: 'foo4', count: 3, directions: [], classes: [good!, bad!], captures: [], counters: [], skipped: [], durationMs: 1 };
    const text = renderVerify(result, { color: false });
    expect(text).to.contain('ok   class voice A->B DSCP 46 label 200: 3/3 replies; outer DSCP 46, inner kept, replies under 201');
    expect(text).to.contain('FAIL class voice A->B DSCP 46 label 200: 3/3 replies; class voice A->B: requests with DSCP 46 left under label 100, not 200\n     cause: unknown (unknown): no cause named');
    expect(renderLabEvent({ kind: 'class', class: good! }, { color: false })).to.equal('✔ verify class voice A->B (DSCP 46): 3/3 replies, label 200 inside GRE, outer DSCP 46, inner DSCP kept, replies under label 201');
  });

  it('a class with tc: its requests must carry those traffic-class bits; the recorded ones (no act_mpls filter: encap mpls writes 0) fail as class_tc_bits', () => {
    const withTc = parseTopology(fixture.topology.replace('label: 200 }', 'label: 200, tc: 5 }'));
    const j = judgeScenario(fixture.scenarios.find((s) => s.name === 'pass')!, withTc);
    expect(j.classes.map((c) => [c.probe.from.name, c.evidence.wantTc, c.evidence.tcBits, c.verdict.stage])).to.deep.equal([
      ['A', 5, { 0: 3 }, 'class_tc_bits'],
      ['B', undefined, { 0: 3 }, null],
    ]);
    expect(j.classes[0]!.verdict.explanation).to.equal('class voice A->B: requests under label 200 left with traffic-class bits 0, not 5');
    const [a] = classResults(withTc, j.classes, [], undefined);
    expect([a!.tc, a!.wantTc, a!.ok]).to.deep.equal([[0], 5, false]);
  });
});

