import { expect } from 'chai';
import { classesInPcap } from '../../src/capture/dsfield.js';
import { runGuest } from '../support/guest.js';
import { schemaErrors } from '../support/schema.js';
import type { CheckReport } from '../../src/commands/check.js';
import type { StatusReport } from '../../src/core/status.js';
import type { ClassResult, VerifyResult } from '../../src/engine/verify.js';
import type { ClassesRun } from './guest-classes.js';

const A = '10.128.0.2';

/** The echo packets of a capture as "from:label/tc outer inner kind" rows, in order. */
function rows(base64: string | undefined): string[] {
  return classesInPcap(Buffer.from(base64 ?? '', 'base64'))
    .filter((c) => c.icmpType !== undefined)
    .map((c) => `${c.outerSrc === A ? 'A' : 'B'}:${c.label}/${c.tc} outer 0x${c.outerTos.toString(16)} inner 0x${(c.innerTos ?? -1).toString(16)} ${c.icmpType === 8 ? 'request' : 'reply'}`);
}

/** examples/classes.yaml on the real 6.1 kernel (user-mode Linux): up, the classes on the wire both ways, a missing class pop, down exact. */
describe('kernel tier: traffic classes in user-mode Linux', function () {
  this.timeout(600_000);
  let r: ClassesRun;

  before(async () => {
    r = await runGuest<ClassesRun>(new URL('./guest-classes.js', import.meta.url), 'classesScenario', 540_000);
  });

  const run = (name: string): ClassesRun['runs'][number] => r.runs.find((x) => x.name === name)!;
  const verifyOf = (name: string): VerifyResult => (run(name).json as { result: VerifyResult }).result;
  const classOf = (name: string, from: string): ClassResult => verifyOf(name).classes!.find((c) => c.from === from)!;

  it('up, up again, verify and down exit 0, the broken verifies 1, with --json documents the schema accepts', () => {
    expect(r.runs.map((x) => x.name)).to.deep.equal(['up', 'up-again', 'status', 'check', 'verify', 'verify-no-rule', 'status-no-rule', 'verify-shadowed', 'verify-no-pop', 'status-no-pop', 'down']);
    for (const x of r.runs) {
      expect(x.code, `${x.name}: ${x.stderr}`).to.equal(/^(verify|status)-/.test(x.name) ? 1 : 0);
      expect(schemaErrors(x.json), x.name).to.equal(undefined);
    }
  });

  it('verify proves each class on its label both ways: outer DSCP of the class, inner kept; the default pings on the default labels with outer DSCP 0', () => {
    const v = verifyOf('verify');
    expect(v.ok).to.equal(true);
    expect(v.classes!.map((c) => [c.name, c.from, c.to, c.dscp, c.labelsSeen, c.outerDscp, c.innerDscpKept, c.replyLabelsSeen, c.received, c.ok])).to.deep.equal([
      ['voice', 'A', 'B', 46, [200], [46], true, [201], 3, true],
      ['voice', 'B', 'A', 46, [201], [46], true, [200], 3, true],
    ]);
    // B's class sets the traffic-class bits 5 on its label; verify read them from the capture.
    expect(v.classes!.map((c) => [c.from, c.tc, c.wantTc])).to.deep.equal([['A', undefined, undefined], ['B', [5], 5]]);
    expect(v.directions.map((d) => [d.from, d.labelsSeen, d.outerDscp, d.received, d.ok])).to.deep.equal([['A', [100], [0], 3, true], ['B', [101], [0], 3, true]]);
  });

  it("A without its class rule: verify fails class voice A->B as class_wrong_label, naming label 100; B->A's replies (A's class) too; the defaults pass", () => {
    const v = verifyOf('verify-no-rule');
    expect(v.ok).to.equal(false);
    const c = classOf('verify-no-rule', 'A');
    expect([c.ok, c.stage, c.labelsSeen]).to.deep.equal([false, 'class_wrong_label', [100]]);
    expect(c.explanation).to.equal('class voice A->B: requests with DSCP 46 left under label 100, not 200');
    expect([c.cause, c.rootCause?.confidence], JSON.stringify(c.rootCause)).to.deep.equal(['class_rule_missing', 'certain']);
    expect(c.rootCause?.fix).to.equal('ip rule add fwmark 200 lookup 200');
    // B's class pings cross under 201, but A answers DSCP 46 without its rule too: under 100, not its class label 200.
    const back = classOf('verify-no-rule', 'B');
    expect([back.ok, back.stage, back.labelsSeen, back.replyLabelsSeen]).to.deep.equal([false, 'class_wrong_label', [201], [100]]);
    expect(back.explanation).to.equal("class voice B->A: replies with DSCP 46 came back under label 100, not under A's class voice label 200");
    expect(v.directions.every((d) => d.ok)).to.equal(true);
  });

  it('A with a rule before its class rule (fwmark 200 lookup main pref 100): class voice A->B leaves under 100, and verify names the shadowing rule, certain', () => {
    const c = classOf('verify-shadowed', 'A');
    expect([c.ok, c.stage, c.labelsSeen, c.cause, c.rootCause?.confidence], JSON.stringify(c.rootCause)).to.deep.equal([false, 'class_wrong_label', [100], 'class_rule_shadowed', 'certain']);
    expect(c.rootCause?.fix).to.match(/^ip rule delete pref 100 fwmark 0xc8 lookup main/);
    expect(c.rootCause?.explanation).to.match(/100:\s+from all fwmark 0xc8 lookup main/);
  });

  it("B without its pop of A's class label: verify fails class voice A->B as class_not_delivered, citing B's rx_noroute", () => {
    const v = verifyOf('verify-no-pop');
    const c = classOf('verify-no-pop', 'A');
    expect([v.ok, c.ok, c.stage, c.labelsSeen, c.outerDscp, c.received]).to.deep.equal([false, false, 'class_not_delivered', [200], [46], 0]);
    expect(c.rootCause?.evidence.join('\n')).to.match(/rx_noroute \+\d+ on B's/);
    expect([c.cause, c.rootCause?.confidence], JSON.stringify(c.rootCause)).to.deep.equal(['class_label_not_routed', 'certain']);
    // B's voice requests still cross (A pops 201), but A answers DSCP 46 under its class label 200, which B no longer pops.
    const back = classOf('verify-no-pop', 'B');
    expect([back.ok, back.stage, back.labelsSeen, back.received]).to.deep.equal([false, 'class_not_delivered', [201], 0]);
    expect(back.explanation).to.equal("class voice B->A: A answered under label 200 (A's class voice) and no reply came back to B (0/3)");
    expect(v.directions.every((d) => d.ok)).to.equal(true);
  });

  it('up made the mark, rule, class table route, outer DSCP rule and the peer\'s label route on each host', () => {
    expect(r.afterUp.A!.rules).to.match(/fwmark 0xc8 lookup 200/);
    expect(r.afterUp.A!.table).to.match(/10\.199\.0\.0\/24 +encap mpls +200 dev foo4 table 200/);
    expect(r.afterUp.A!.mangle).to.contain('-A OUTPUT -m dscp --dscp 0x2e -j MARK --set-xmark 0xc8/0xffffffff');
    expect(r.afterUp.A!.mangle).to.contain('-A POSTROUTING -s 10.128.0.2/32 -d 10.128.100.2/32 -p gre -m u32 --u32 "0x18&0xfffff000=0xc8000" -j DSCP --set-dscp 0x2e');
    expect(r.afterUp.A!.labels).to.match(/^201 dev lo/m);
    expect(r.afterUp.B!.rules).to.match(/fwmark 0xc9 lookup 201/);
    expect(r.afterUp.B!.labels).to.match(/^200 dev lo/m);
    // B's class has tc: 5: an act_mpls filter on its tunnel's egress sets the bits on label 201; A's has none.
    expect(r.afterUp.B!.tcTunnel).to.match(/mpls_label 201/);
    expect(r.afterUp.B!.tcTunnel).to.match(/action order \d+: mpls\s+modify[^\n]*tc 5/);
    expect(r.afterUp.A!.tcTunnel).to.equal('');
    // Read after the second up: each rule once, the second up found them in effect.
    for (const [h, got] of Object.entries(r.afterUp)) {
      expect(got.mangle?.match(/^-A /gm) ?? [], h).to.have.length(2);
      expect(got.rules?.match(/fwmark/g) ?? [], h).to.have.length(1);
    }
  });

  it('every ping answered; DSCP 46 under the class label both ways with outer DSCP 46, unmarked under the default label with outer 0, inner kept', () => {
    expect(r.pings.filter((p) => p.name === 'classes').map((p) => p.received)).to.deep.equal([2, 2, 2, 2]);
    expect(rows(r.captures.classes)).to.deep.equal([
      ...Array(2).fill(['A:200/0 outer 0xb8 inner 0xb8 request', 'B:201/5 outer 0xb8 inner 0xb8 reply']).flat(),
      ...Array(2).fill(['A:100/0 outer 0x0 inner 0x0 request', 'B:101/0 outer 0x0 inner 0x0 reply']).flat(),
      ...Array(2).fill(['B:201/5 outer 0xb8 inner 0xb8 request', 'A:200/0 outer 0xb8 inner 0xb8 reply']).flat(),
      ...Array(2).fill(['B:101/0 outer 0x0 inner 0x0 request', 'A:100/0 outer 0x0 inner 0x0 reply']).flat(),
    ]);
  });

  it("B without its pop of A's class label: A's voice pings leave under 200 and die at B; unmarked ones still cross", () => {
    expect(r.pings.filter((p) => p.name === 'no-pop').map((p) => [p.from, p.tos, p.received])).to.deep.equal([['A', 0xb8, 0], ['A', 0, 2], ['B', 0xb8, 0], ['B', 0, 2]]);
    const got = rows(r.captures['no-pop']);
    expect(got.filter((l) => l.startsWith('A:200/0') && l.endsWith('request'))).to.have.length(2);
    // B's voice requests arrive at A (201 popped there); A's replies go under 200, which B no longer pops.
    expect(got.filter((l) => l.includes('reply') && l.startsWith('B:201'))).to.have.length(0);
  });

  it('down restores rules, every table, label routes, mangle rules and tc filters exactly', () => {
    expect(r.leftover).to.deep.equal({ A: [], B: [] });
  });

  const status = (name: string): StatusReport => (run(name).json as { result: StatusReport }).result;
  const classObjects = (name: string): string[] =>
    status(name).hosts.flatMap((h) => h.objects.filter((o) => o.class !== undefined).map((o) => `${h.host} ${o.kind} ${o.object} ${o.state}`));

  it('status after up: every class object in effect on both hosts, B\'s tc qdisc and filter among them (exit 0)', () => {
    const got = classObjects('status');
    expect(got.filter((o) => !o.endsWith(' in effect')), JSON.stringify(got)).to.deep.equal([]);
    expect(got).to.include.members([
      'A firewall mangle OUTPUT dscp 46 -> mark 0xc8 in effect',
      'A rule fwmark 0xc8 lookup 200 in effect',
      'A route 10.199.0.0/24 table 200 in effect',
      'A firewall mangle POSTROUTING gre 10.128.0.2 -> 10.128.100.2 label 200 in effect',
      'A label-route 201 in effect',
      'B rule fwmark 0xc9 lookup 201 in effect',
      'B label-route 200 in effect',
    ]);
    expect(got.filter((o) => /^B (qdisc|filter) /.test(o)), JSON.stringify(got)).to.have.length(2);
  });

  it('status names exactly the class object deleted behind its back: A\'s policy rule, then B\'s pop of 200 (exit 1)', () => {
    const drift = (name: string): string[] => status(name).hosts.flatMap((h) => h.objects.filter((o) => o.state !== 'in effect').map((o) => `${h.host} ${o.kind} ${o.object} ${o.state} (class ${o.class})`));
    expect(drift('status-no-rule')).to.deep.equal(['A rule fwmark 0xc8 lookup 200 missing (class voice)']);
    expect(drift('status-no-pop')).to.deep.equal(['B label-route 200 missing (class voice)']);
  });

  it('check --classes --netns A after up: policy routing, iptables-legacy, the netfilter modules and the tc pieces (B\'s class has tc) pass, exit 0', () => {
    const c = run('check');
    const rep = (c.json as { result: CheckReport }).result;
    const cls = rep.checks.filter((x) => x.id.startsWith('class.'));
    expect(cls.map((x) => [x.id, x.status]), JSON.stringify(cls)).to.deep.equal([
      ['class.policy_routing', 'pass'], ['class.iptables', 'pass'], ['class.netfilter', 'pass'], ['class.tc', 'pass'],
    ]);
    expect(cls.find((x) => x.id === 'class.netfilter')!.summary).to.equal('iptable_mangle loaded, xt_dscp loaded, xt_mark loaded, xt_u32 loaded, xt_DSCP loaded');
    expect(c.code, c.stderr).to.equal(0);
  });
});

