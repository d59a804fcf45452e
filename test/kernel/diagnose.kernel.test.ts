import { expect } from 'chai';
import { runGuest } from '../support/guest.js';
import { schemaErrors } from '../support/schema.js';
import type { DiagnoseReport } from '../../src/commands/diagnose.js';
import type { GuestDiagnoseRun } from './guest-diagnose.js';

/**
 * The kernel tier for diagnose: the article's three failures (and two more) provoked on a real
 * MPLS-capable kernel, user-mode Linux 6.1, and `mplsgre diagnose` (the real CLI) run on what
 * they printed. One boot for all. It never passes by skipping.
 */
describe('kernel tier: diagnose in user-mode Linux', function () {
  this.timeout(300_000);
  let runs: GuestDiagnoseRun[] = [];

  before(async () => {
    runs = await runGuest<GuestDiagnoseRun[]>(new URL('./guest-diagnose.js', import.meta.url), 'diagnoseInGuest');
    console.log(`      diagnose wall time in UML: ${runs.map((x) => `${x.name} ${x.ms} ms`).join(', ')}`);
  });

  const run = (name: string): GuestDiagnoseRun => {
    const r = runs.find((x) => x.name === name);
    expect(r, `${name} ran`).to.exist;
    return r!;
  };
  const report = (name: string): DiagnoseReport => {
    const r = run(name);
    expect(r.code, r.stderr).to.equal(0);
    const doc = JSON.parse(r.stdout) as { result: DiagnoseReport };
    expect(schemaErrors(doc), `${name}: diagnose --json against the schema`).to.equal(undefined);
    return doc.result;
  };
  const top = (name: string): [string | undefined, string | undefined] => {
    const c = report(name).findings[0]?.causes[0];
    return [c?.id, c?.confidence];
  };

  it('ip -f mpls route add before mpls_router is loaded: "Operation not supported" is mpls_router_missing, certain', () => {
    expect(run('mpls-route-add').provoked.stderr).to.equal('RTNETLINK answers: Operation not supported\n');
    expect(top('mpls-route-add')).to.deep.equal(['mpls_router_missing', 'certain']);
    expect(report('mpls-route-add').kernel).to.match(/^6\.1\./);
  });

  it('prints the diagnosis for people: cause, explanation, evidence, fix', () => {
    const text = run('mpls-route-add-text').stdout;
    expect(text).to.match(/^cause: mpls_router_missing \(certain\)\n {2}the kernel has no MPLS forwarding: mpls_router is not loaded \(module file present\)\n/);
    expect(text).to.match(/\n {2}evidence: \/proc\/sys\/net\/mpls absent; \/lib\/modules\/6\.1\.\d+\/kernel\/net\/mpls\/mpls_router\.ko\n/);
    expect(text).to.include('\n  fix: modprobe mpls_router && echo mpls_router >> /etc/modules-load.d/mpls.conf\n');
  });

  it('sysctl -w net.mpls.conf.foo4.input=1 before mpls_router: "cannot stat" is mpls_router_missing, certain', () => {
    expect(run('sysctl-conf').provoked.stderr).to.equal('sysctl: cannot stat /proc/sys/net/mpls/conf/foo4/input: No such file or directory\n');
    expect(top('sysctl-conf')).to.deep.equal(['mpls_router_missing', 'certain']);
  });

  it('the same sysctl with MPLS loaded, in a namespace without foo4: interface_missing, certain', () => {
    expect(top('sysctl-missing-interface')).to.deep.equal(['interface_missing', 'certain']);
    expect(report('sysctl-missing-interface').findings[0]!.ruledOut.map((r) => r.id)).to.include('mpls_router_missing');
  });

  it('a label route in a fresh namespace, pasted on stdin: platform_labels_too_small, certain', () => {
    expect(report('platform-labels').input).to.equal('transcript');
    expect(top('platform-labels')).to.deep.equal(['platform_labels_too_small', 'certain']);
  });

  it('strict rp_filter on the receiver: the tunnel is up, pings are lost, and diagnose there says rp_filter_strict, certain', () => {
    expect(run('rp-filter-strict').provoked.stdout).to.match(/ 0 received, 100% packet loss/);
    expect(top('rp-filter-strict')).to.deep.equal(['rp_filter_strict', 'certain']);
    const c = report('rp-filter-strict').findings[0]!.causes[0]!;
    expect(c.evidence.some((e) => e.source.includes('IPReversePathFilter') && Number(e.value) > 0)).to.equal(true);
    expect(c.fix).to.include('ip netns exec B sysctl -w net.ipv4.conf.all.rp_filter=2');
  });
});
