import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { checkCommand } from '../../src/commands/check.js';
import { LocalHost } from '../../src/host/local.js';

/** What this machine's own kernel config says, read here independently of the probes. */
function ownConfig(): Map<string, string> | undefined {
  try {
    const text = gunzipSync(readFileSync('/proc/config.gz')).toString();
    return new Map(text.split('\n').flatMap((l) => {
      const set = /^(CONFIG_\w+)=(.*)$/.exec(l);
      if (set) return [[set[1]!, set[2]!] as [string, string]];
      const unset = /^# (CONFIG_\w+) is not set$/.exec(l);
      return unset ? [[unset[1]!, 'n'] as [string, string]] : [];
    }));
  } catch {
    return undefined;
  }
}

describe('check on the machine running the tests', () => {
  const config = ownConfig();

  it('the machine publishes its kernel config (/proc/config.gz)', () => {
    expect(config, '/proc/config.gz is needed to derive the expected verdict').to.be.instanceOf(Map);
  });

  it('gives the verdict that this kernel config implies for each capability', async () => {
    const report = await checkCommand({ host: new LocalHost(), labels: [100, 101], iface: 'foo4', ignore: [], failOn: 'fail' });
    const modules = config!.get('CONFIG_MODULES') ?? 'n';
    const expectFor = (option: string): string[] => {
      const v = config!.get(option) ?? 'n';
      if (v === 'y') return ['pass'];
      if (v === 'm') return ['pass', 'warn', 'fail']; // loaded, loadable, or file absent: all depend on files
      return modules === 'n' ? ['missing-nomod'] : ['missing'];
    };
    for (const [id, option] of [['kernel.mpls_router', 'CONFIG_MPLS_ROUTING'], ['kernel.mpls_iptunnel', 'CONFIG_MPLS_IPTUNNEL'], ['kernel.ip_gre', 'CONFIG_NET_IPGRE']] as const) {
      const c = report.checks.find((x) => x.id === id)!;
      const want = expectFor(option);
      if (want[0] === 'missing-nomod') {
        expect(c.status, id).to.equal('fail');
        expect(c.summary).to.contain(`${option} is not set; kernel has no module support`);
        expect(c.remediation).to.contain('no modprobe can fix this');
      } else if (want[0] === 'missing') {
        expect(c.status, id).to.equal('fail');
      } else {
        expect(want, id).to.include(c.status);
      }
    }
    const mplsOn = ['y', 'm'].includes(config!.get('CONFIG_MPLS_ROUTING') ?? 'n');
    if (!mplsOn) expect(report.ready).to.equal(false);
  });
});
