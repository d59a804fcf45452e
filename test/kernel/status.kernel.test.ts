import { expect } from 'chai';
import type { StatusReport } from '../../src/core/status.js';
import { runGuest } from '../support/guest.js';
import { schemaErrors } from '../support/schema.js';
import type { TextRun } from './guest-status.js';
import type { CliRun } from './guest-tunnel.js';

/** `status` against the real 6.1 kernel (user-mode Linux): the real CLI after up, after drift, after down. */
describe('kernel tier: status in user-mode Linux', function () {
  // A loaded machine slows the guest several times over (2 cores shared by every run on it).
  this.timeout(660_000);
  let runs: CliRun[] = [];
  let texts: Record<string, TextRun> = {};
  let netnsLeft = '';
  const run = (name: string): CliRun => {
    const r = runs.find((x) => x.name === name);
    expect(r, `${name} ran`).to.exist;
    return r!;
  };
  const status = (name: string): StatusReport => (run(name).json as { result: StatusReport }).result;
  const drift = (name: string): [string, string, string, string, string | undefined][] =>
    status(name).hosts.flatMap((h) => h.objects.filter((o) => o.state !== 'in effect').map((o): [string, string, string, string, string | undefined] => [h.host, o.kind, o.object, o.state, o.found]));

  before(async () => {
    ({ runs, texts, netnsLeft } = await runGuest<{ runs: CliRun[]; texts: Record<string, TextRun>; netnsLeft: string }>(new URL('./guest-status.js', import.meta.url), 'statusScenarios', 600_000));
  });

  it('every --json document matches schema/mplsgre.schema.json', () => {
    expect(runs.map((r) => r.name)).to.deep.equal(['up', 'status', 'status-drift', 'status-mended', 'status-tunnel-gone', 'down', 'status-no-record', 'status-no-netns']);
    for (const r of runs) expect(schemaErrors(r.json), `${r.name} (exit ${r.code})`).to.equal(undefined);
  });

  it('after up: exit 0, every object on both hosts in effect', () => {
    expect(run('up').code, run('up').stderr).to.equal(0);
    expect(run('status').code, run('status').stderr).to.equal(0);
    expect(status('status').ok).to.equal(true);
    expect(status('status').hosts.map((h) => [h.host, h.state, h.objects.length])).to.deep.equal([['A', 'in effect', 9], ['B', 'in effect', 9]]);
    expect(texts['in-effect']!.code).to.equal(0);
    expect(texts['in-effect']!.stdout).to.contain('In effect: all 18 objects up made on A and B.');
  });

  it('label route 101 deleted on A, net.mpls.conf.foo4.input=0 on B: exit 1 naming exactly those, with the value found', () => {
    expect(run('status-drift').code).to.equal(1);
    expect(drift('status-drift')).to.deep.equal([
      ['A', 'label-route', '101', 'missing', undefined],
      ['B', 'sysctl', 'net.mpls.conf.foo4.input', 'changed', '0'],
    ]);
    expect(texts.drift!.code).to.equal(1);
    expect(texts.drift!.stdout).to.contain('A: label-route 101 missing (expected dev lo)');
    expect(texts.drift!.stdout).to.contain('B: sysctl net.mpls.conf.foo4.input changed (expected 1, found 0 (the value before up))');
  });

  it('--format prom --out: the drifted objects 0, the other 16 1, in_effect 0 on both hosts', () => {
    const prom = texts.prom!;
    expect(prom.code).to.equal(1);
    expect(prom.stdout).to.contain('mplsgre_status_object{tunnel="foo4",host="A",kind="label-route",object="101"} 0');
    expect(prom.stdout).to.contain('mplsgre_status_object{tunnel="foo4",host="B",kind="sysctl",object="net.mpls.conf.foo4.input"} 0');
    expect(prom.stdout.match(/^mplsgre_status_object\{.*\} 1$/gm)).to.have.length(16);
    expect(prom.stdout).to.contain('mplsgre_status_in_effect{tunnel="foo4",host="A"} 0');
    expect(prom.stdout).to.contain('mplsgre_status_in_effect{tunnel="foo4",host="B"} 0');
  });

  it('mended by hand: exit 0 again', () => {
    expect(run('status-mended').code).to.equal(0);
  });

  it('the tunnel removed on B: named missing with everything it carried; A in effect', () => {
    expect(run('status-tunnel-gone').code).to.equal(1);
    expect(drift('status-tunnel-gone')).to.deep.equal([
      ['B', 'tunnel', 'foo4', 'missing', undefined],
      ['B', 'address', '10.199.0.2/32 on foo4', 'missing', undefined],
      ['B', 'link', 'foo4', 'missing', undefined],
      ['B', 'sysctl', 'net.mpls.conf.foo4.input', 'missing', undefined],
      ['B', 'route', '10.199.0.0/24', 'missing', undefined],
    ]);
  });

  it('after down: no record, exit 1, the hint to run up', () => {
    expect(run('down').code, run('down').stderr).to.equal(0);
    expect(run('status-no-record').code).to.equal(1);
    expect(status('status-no-record').hosts.map((h) => h.state)).to.deep.equal(['not configured', 'not configured']);
    expect(texts['no-record']!.code).to.equal(1);
    expect(texts['no-record']!.stdout).to.match(/Nothing configured: no record of an up for foo4 \(mplsgre up \S+seed\.yaml\)/);
  });

  it('the namespaces gone: exit 3, both hosts unreadable', () => {
    expect(run('status-no-netns').code).to.equal(3);
    expect(status('status-no-netns').hosts.map((h) => h.state)).to.deep.equal(['unreadable', 'unreadable']);
  });

  it('prints what an operator sees (in effect, drift), for the README', () => {
    for (const k of ['in-effect', 'drift']) console.log(`      $ mplsgre status seed.yaml  # exit ${texts[k]!.code}\n${texts[k]!.stdout.replace(/^/gm, '      ')}`);
    expect(texts['in-effect']!.stdout).to.match(/^foo4 \(/);
  });

  it('leaves no namespace behind', () => {
    expect(netnsLeft).to.equal('');
  });
});
