import { expect } from 'chai';
import { checkCommand, type CheckReport } from '../../src/commands/check.js';
import { ReplayHost } from '../../src/host/replay.js';
import { EXPECT } from '../support/expectations.js';
import { factNames, loadFacts } from '../support/fixtures.js';

async function replay(name: string): Promise<{ report: CheckReport; host: ReplayHost }> {
  const rec = loadFacts(name);
  const host = new ReplayHost(rec, name);
  const o = rec.recorded.options;
  const report = await checkCommand({ host, labels: o.labels, ignore: [], failOn: 'fail', ...(o.target ? { target: o.target } : {}), ...(o.iface ? { iface: o.iface } : {}), ...(o.kernelConfig ? { kernelConfig: o.kernelConfig } : {}), ...(o.classes ? { classes: true } : {}) });
  return { report, host };
}

describe('checks on facts recorded from real kernels', () => {
  it('has an expectation table for every recorded fixture', () => {
    expect(Object.keys(EXPECT).sort()).to.deep.equal(factNames());
  });

  for (const [name, table] of Object.entries(EXPECT)) {
    describe(name, () => {
      let report: CheckReport;
      let host: ReplayHost;
      before(async () => ({ report, host } = await replay(name)));

      it('reads nothing that was not recorded', () => expect(host.unrecorded).to.deep.equal([]));

      for (const [id, [status, phrase]] of Object.entries(table)) {
        it(`${id} is ${status} (${phrase.source})`, () => {
          const c = report.checks.find((x) => x.id === id);
          expect(c, id).to.exist;
          expect(c!.status, c!.summary).to.equal(status);
          expect(c!.summary).to.match(phrase);
          if (status !== 'pass' && status !== 'skip') expect(c!.remediation, 'a remediation').to.be.a('string').and.not.empty;
          expect(c!.evidence.length, 'evidence').to.be.greaterThan(0);
        });
      }
    });
  }

  it('a sysctl fix starts with what makes net.mpls exist: modprobe where it can, a kernel where it cannot', async () => {
    const fix = async (name: string, id: string): Promise<string | undefined> => (await replay(name)).report.checks.find((c) => c.id === id)?.remediation;
    expect(await fix('host', 'sysctl.platform_labels')).to.match(/^first fix kernel\.mpls_router/);
    expect(await fix('host', 'sysctl.mpls_input')).to.match(/^first fix kernel\.mpls_router/);
    expect(await fix('uml-fresh', 'sysctl.platform_labels')).to.match(/^modprobe mpls_router, then sysctl -w net\.mpls\.platform_labels=65535/);
    expect(await fix('uml-seed-input-off', 'sysctl.mpls_input')).to.equal('sysctl -w net.mpls.conf.foo4.input=1');
  });

  it('the verdict follows the statuses: the configured hosts (the seed, and the booted guest whose boot.persistence warnings do not block) and the fresh capable host are ready', async () => {
    const ready = await Promise.all(factNames().map(async (n) => [n, (await replay(n)).report.ready] as const));
    expect(ready.filter(([, r]) => r).map(([n]) => n)).to.deep.equal(['boot-installed', 'boot-no-unit', 'boot-sysctl-trap', 'uml-classes-fresh', 'uml-classes-loaded', 'uml-fresh', 'uml-seed']);
  });

  it('a fresh capable host is ready with warnings, and no check fails', async () => {
    const { report } = await replay('uml-fresh');
    expect(report.checks.filter((c) => c.status === 'fail').map((c) => c.id)).to.deep.equal([]);
    expect(report.checks.filter((c) => c.status === 'warn').map((c) => c.id)).to.include.members(['sysctl.platform_labels', 'sysctl.mpls_input', 'kernel.mpls_router']);
  });

  it('a kernel where mpls_router cannot load still fails the sysctls: no MPLS here, nothing up can set', async () => {
    for (const name of ['host', 'uml-hidden-modules']) {
      const { report } = await replay(name);
      expect(report.ready, name).to.equal(false);
      expect(report.checks.find((c) => c.id === 'sysctl.platform_labels')?.status, name).to.equal('fail');
    }
  });

  it('classes: without --classes the class checks read nothing and skip, so --fail-on warn passes where it did; with it, what lacks warns or fails with the fix', async () => {
    const plain = (await replay('uml-fresh')).report;
    const asked = (await replay('uml-classes-fresh')).report;
    const cls = (r: CheckReport): string[] => r.checks.filter((c) => c.id.startsWith('class.')).map((c) => `${c.id} ${c.status}`);
    expect(cls(plain)).to.deep.equal(['class.policy_routing skip', 'class.iptables skip', 'class.netfilter skip', 'class.tc skip']);
    expect(cls(asked)).to.deep.equal(['class.policy_routing pass', 'class.iptables pass', 'class.netfilter warn', 'class.tc warn']);
    expect(asked.options.classes).to.equal(true);
    expect(asked.checks.find((c) => c.id === 'class.netfilter')?.remediation).to.equal('modprobe -a iptable_mangle xt_dscp xt_mark xt_u32 xt_DSCP   # mplsgre up loads them; list them in /etc/modules-load.d/ to load them at boot');
    const hidden = (await replay('uml-classes-hidden-modules')).report;
    expect(hidden.ready).to.equal(false);
    expect(hidden.checks.find((c) => c.id === 'class.netfilter')?.remediation).to.equal('apt-get install linux-image-6.1.176');
    // this host: no module support, flower and act_mpls not built: only classes with tc: need them, so a warning
    const here = (await replay('host-classes')).report.checks.find((c) => c.id === 'class.tc')!;
    expect(here.remediation).to.equal('no modprobe can fix this (CONFIG_MODULES is not set): boot a kernel built with CONFIG_NET_CLS_FLOWER=y and CONFIG_NET_ACT_MPLS=y, or with module support and CONFIG_NET_CLS_FLOWER=m and CONFIG_NET_ACT_MPLS=m');
  });
});
