import { expect } from 'chai';
import type { CheckReport } from '../../src/commands/check.js';
import type { StatusReport } from '../../src/core/status.js';
import { runGuest } from '../support/guest.js';
import { schemaErrors } from '../support/schema.js';
import type { CliRun } from './guest-tunnel.js';

/** `status` and `check --classes` against the class objects `up` makes, on the real 6.1 kernel (user-mode Linux). */
describe('kernel tier: classes in status and check', function () {
  this.timeout(660_000);
  let runs: CliRun[] = [];
  let text = '';
  let netnsLeft = '';
  const run = (name: string): CliRun => {
    const r = runs.find((x) => x.name === name);
    expect(r, `${name} ran`).to.exist;
    return r!;
  };
  const status = (name: string): StatusReport => (run(name).json as { result: StatusReport }).result;
  const classObjects = (name: string): string[] =>
    status(name).hosts.flatMap((h) => h.objects.filter((o) => o.class !== undefined).map((o) => `${h.host} ${o.kind} ${o.object} ${o.state}`));

  before(async () => {
    ({ runs, text, netnsLeft } = await runGuest<{ runs: CliRun[]; text: string; netnsLeft: string }>(new URL('./guest-classes-status.js', import.meta.url), 'classesStatusScenario', 600_000));
  });

  it('every --json document matches the schema', () => {
    expect(runs.map((r) => r.name)).to.deep.equal(['up', 'status', 'check', 'status-drift', 'down']);
    for (const r of runs) expect(schemaErrors(r.json), `${r.name} (exit ${r.code})`).to.equal(undefined);
  });

  it('after up: status exit 0 with every class object in effect on both hosts', () => {
    expect(run('status').code, run('status').stderr).to.equal(0);
    expect(classObjects('status')).to.deep.equal([
      'A firewall mangle OUTPUT dscp 46 -> mark 0xc8 in effect',
      'A rule fwmark 0xc8 lookup 200 in effect',
      'A route 10.199.0.0/24 table 200 in effect',
      'A firewall mangle POSTROUTING gre 10.128.0.2 -> 10.128.100.2 label 200 in effect',
      'A label-route 201 in effect',
      'B firewall mangle OUTPUT dscp 46 -> mark 0xc9 in effect',
      'B rule fwmark 0xc9 lookup 201 in effect',
      'B route 10.199.0.0/24 table 201 in effect',
      'B firewall mangle POSTROUTING gre 10.128.100.2 -> 10.128.0.2 label 201 in effect',
      'B label-route 200 in effect',
    ]);
  });

  it('check --classes --netns A passes there (exit 0): policy routing, iptables-legacy and the netfilter modules up loaded; the tc pieces loadable', () => {
    const c = run('check');
    const r = (c.json as { result: CheckReport }).result;
    const cls = r.checks.filter((x) => x.id.startsWith('class.')).map((x) => [x.id, x.status]);
    expect(cls, JSON.stringify(r.checks.filter((x) => x.id.startsWith('class.')))).to.deep.equal([
      ['class.policy_routing', 'pass'], ['class.iptables', 'pass'], ['class.netfilter', 'pass'], ['class.tc', 'warn'],
    ]);
    expect(r.checks.find((x) => x.id === 'class.netfilter')!.summary).to.equal('iptable_mangle loaded, xt_dscp loaded, xt_mark loaded, xt_u32 loaded, xt_DSCP loaded');
    // no class sets tc: here, so up loaded none of the tc pieces: loadable, a warning that leaves check ready
    expect(r.checks.find((x) => x.id === 'class.tc')!.summary).to.equal('tc 6.1.0; sch_ingress loadable, cls_flower loadable, act_mpls loadable');
    expect(c.code, c.stderr).to.equal(0);
  });

  it('A\'s policy rule and B\'s pop of label 200 deleted: status exit 1 naming exactly those two', () => {
    expect(run('status-drift').code).to.equal(1);
    const drift = status('status-drift').hosts.flatMap((h) => h.objects.filter((o) => o.state !== 'in effect').map((o) => `${h.host} ${o.kind} ${o.object} ${o.state} (class ${o.class})`));
    expect(drift).to.deep.equal(['A rule fwmark 0xc8 lookup 200 missing (class voice)', 'B label-route 200 missing (class voice)']);
    expect(text).to.contain('A: rule fwmark 0xc8 lookup 200 missing');
    expect(text).to.contain('B: label-route 200 missing');
  });

  it('down exit 0, no namespace left', () => {
    expect(run('down').code, run('down').stderr).to.equal(0);
    expect(netnsLeft).to.equal('');
  });
});
