import { expect } from 'chai';
import { jsonDocument } from '../../src/cli/io.js';
import { plan as makePlan } from '../../src/core/planner.js';
import { compareHost, readSpecOf, statusExitCode, type StatusReport } from '../../src/core/status.js';
import { formatTarget, parseTopology } from '../../src/core/topology.js';
import { readTunnelState } from '../../src/probes/tunnel-state.js';
import { renderStatusMarkdown, renderStatusPrometheus, renderStatusTable } from '../../src/report/status-text.js';
import { RECORDED_NONCE } from '../../scripts/record-status.js';
import { loadStatus, replayStatus, statusReplayHost } from '../support/status-replay.js';
import { schemaErrors } from '../support/schema.js';

const load = loadStatus;
const replayHost = statusReplayHost;
const replay = replayStatus;

const classObjects = (r: StatusReport): string[] =>
  r.hosts.flatMap((h) => h.objects.filter((o) => o.class !== undefined).map((o) => `${h.host} ${o.kind} ${o.object}: ${o.state}${o.found === undefined ? '' : ` (${o.found})`}`));

describe('status: traffic class objects, replayed from user-mode Linux 6.1 (record-status.ts --classes)', () => {
  it('right after up: every class object on both hosts in effect (mark rule, policy rule, table route, outer DSCP, clsact and flower on A, the peer\'s label route), exit 0', async () => {
    const { report, unrecorded } = await replay(load('status-classes-up'));
    expect(unrecorded).to.deep.equal([]);
    expect(statusExitCode(report)).to.equal(0);
    expect(classObjects(report)).to.deep.equal([
      'A firewall mangle OUTPUT dscp 46 -> mark 0xc8: in effect',
      'A rule fwmark 0xc8 lookup 200: in effect',
      'A route 10.199.0.0/24 table 200: in effect',
      'A firewall mangle POSTROUTING gre 10.128.0.2 -> 10.128.100.2 label 200: in effect',
      'A qdisc clsact on foo4: in effect',
      'A filter egress flower mpls_label 200 on foo4: in effect',
      'A label-route 201: in effect',
      'B firewall mangle OUTPUT dscp 46 -> mark 0xc9: in effect',
      'B rule fwmark 0xc9 lookup 201: in effect',
      'B route 10.199.0.0/24 table 201: in effect',
      'B firewall mangle POSTROUTING gre 10.128.100.2 -> 10.128.0.2 label 201: in effect',
      'B label-route 200: in effect',
    ]);
    expect(schemaErrors(JSON.parse(jsonDocument('status', report, null)))).to.equal(undefined);
  });

  it('A\'s policy rule and B\'s pop of A\'s class label deleted: exit 1 naming exactly those two, in every format', async () => {
    const { report } = await replay(load('status-classes-drift'));
    expect(statusExitCode(report)).to.equal(1);
    expect(classObjects(report).filter((l) => !l.endsWith('in effect'))).to.deep.equal(['A rule fwmark 0xc8 lookup 200: missing', 'B label-route 200: missing']);
    const text = renderStatusTable(report, { color: false });
    expect(text).to.contain('A: rule fwmark 0xc8 lookup 200 missing (class voice; expected present)');
    expect(text).to.contain('B: label-route 200 missing (class voice; expected dev lo)');
    expect(renderStatusMarkdown(report)).to.contain('| A | rule | `fwmark 0xc8 lookup 200` (class voice) | present | ❌ missing |');
    const prom = renderStatusPrometheus(report);
    expect(prom).to.contain('mplsgre_status_object{tunnel="foo4",host="A",kind="rule",object="fwmark 0xc8 lookup 200",class="voice"} 0');
    expect(prom).to.contain('mplsgre_status_object{tunnel="foo4",host="B",kind="label-route",object="200",class="voice"} 0');
    expect(prom).to.contain('mplsgre_status_object{tunnel="foo4",host="A",kind="qdisc",object="clsact on foo4",class="voice"} 1');
  });

  it('a host without classes reads as before (the recorded seed reads replay unchanged); one with classes adds the class parts to its one command', async () => {
    const fx = load('status-classes-up');
    const topo = parseTopology(fx.topology);
    const [a, b] = makePlan(topo).hosts;
    expect(readSpecOf(topo, a!).classes).to.deep.equal({ tables: [200], tcDev: 'foo4' });
    expect(readSpecOf(topo, b!).classes).to.deep.equal({ tables: [201] });
    const host = replayHost(fx, formatTarget(a!.target));
    const read = await readTunnelState(host, readSpecOf(topo, a!), { nonce: RECORDED_NONCE });
    expect(read.ok).to.equal(true);
    expect(Object.keys(host.unrecorded)).to.have.length(0);
  });

  it('a value changed behind mplsgre\'s back is named with what was found (the recorded reads with one value edited)', async () => {
    const fx = load('status-classes-up');
    const topo = parseTopology(fx.topology);
    const hp = makePlan(topo).hosts[0]!;
    const read = await readTunnelState(replayHost(fx, formatTarget(hp.target)), readSpecOf(topo, hp), { nonce: RECORDED_NONCE });
    if (!read.ok) throw new Error(read.error);
    const c = read.facts.classes!;
    const edited = {
      ...read.facts,
      classes: {
        ...c,
        rules: { ...c.rules, out: c.rules.out.replace('"table":"200"', '"table":"300"') },
        mangle: { ...c.mangle, out: c.mangle.out.replace('--set-dscp 0x2e', '--set-dscp 0x22').replace('--set-xmark 0xc8/', '--set-xmark 0x7/') },
        tables: { 200: { ...c.tables['200']!, out: c.tables['200']!.out.replace(/encap mpls +200/, 'encap mpls  300') } },
        filter: { ...c.filter!, out: c.filter!.out.replace('modify tc 5', 'modify tc 3') },
      },
    };
    const cmp = compareHost(topo, hp, fx.records[formatTarget(hp.target)]!.steps, edited);
    expect(cmp.objects.filter((o) => o.state !== 'in effect').map((o) => `${o.object}: ${o.state} (${o.found})`)).to.deep.equal([
      'mangle OUTPUT dscp 46 -> mark 0xc8: changed (-m dscp --dscp 0x2e -j MARK --set-xmark 0x7/0xffffffff)',
      'fwmark 0xc8 lookup 200: changed (fwmark 0xc8 lookup 300)',
      '10.199.0.0/24 table 200: changed (encap mpls 300 dev foo4 scope link)',
      'mangle POSTROUTING gre 10.128.0.2 -> 10.128.100.2 label 200: changed (-s 10.128.0.2/32 -d 10.128.100.2/32 -p gre -m u32 --u32 "0x18&0xfffff000=0xc8000" -j DSCP --set-dscp 0x22)',
      'egress flower mpls_label 200 on foo4: changed (modify tc 3)',
    ]);
  });
});
