import { expect } from 'chai';
import { checkCommand } from '../../src/commands/check.js';
import { RELEASE_TOKEN, type BatchAnswers, type ReadPlan } from '../../src/host/host.js';
import { commandKey, ReplayHost } from '../../src/host/replay.js';
import { checkReadPlan } from '../../src/probes/plan.js';
import { loadFacts } from '../support/fixtures.js';

/**
 * A replayed host that answers a read plan in one batch, as check --ssh's host does, and counts
 * what reaches it afterwards: every read the plan missed costs an ssh host one more round trip.
 */
class BatchingReplay extends ReplayHost {
  readonly after: string[] = [];
  batched = 0;
  private planned = true;

  async batch(plan: ReadPlan): Promise<BatchAnswers> {
    this.batched++;
    const release = (await super.readFiles(['/proc/sys/kernel/osrelease']))[0]!;
    const r = release.ok ? release.data.toString('utf8').trim() : '';
    const files = await super.readFiles(plan.files.map((p) => p.replace(RELEASE_TOKEN, r)));
    const commands = await Promise.all(plan.commands.map(async (c) => ({ file: c.file, args: c.args, result: await super.exec(c.file, c.args) })));
    this.planned = false;
    return { files, commands, readable: [] };
  }

  override async readFiles(paths: readonly string[]): ReturnType<ReplayHost['readFiles']> {
    if (!this.planned) this.after.push(...paths.map((p) => `read ${p}`));
    return super.readFiles(paths);
  }

  override async exec(file: string, args: readonly string[]): ReturnType<ReplayHost['exec']> {
    if (!this.planned) this.after.push(`exec ${commandKey(file, args)}`);
    return super.exec(file, args);
  }
}

describe('check --ssh read plan: the class reads go in the one batch', () => {
  for (const name of ['uml-classes-fresh', 'uml-classes-loaded', 'host-classes']) {
    it(`${name}: with --classes every class command and module state file is in the batch`, async () => {
      const rec = loadFacts(name);
      const host = new BatchingReplay(rec, name);
      const o = rec.recorded.options;
      await checkCommand({ host, labels: o.labels, ignore: [], failOn: 'fail', classes: true, ...(o.iface ? { iface: o.iface } : {}), ...(o.target ? { target: o.target } : {}) });
      expect(host.batched).to.equal(1);
      expect(host.unrecorded).to.deep.equal([]);
      // module files found in modules.dep are only tested for readability (a batch answers those apart)
      const classReads = host.after.filter((a) => /exec |initstate/.test(a));
      expect(classReads).to.deep.equal([]);
    });
  }

  it('without --classes the plan holds no class read, and with it exactly the class tools, `ip rule` and module state files', () => {
    const plain = checkReadPlan({ labels: [] });
    const cls = checkReadPlan({ labels: [], classes: true });
    const cmd = (p: ReadPlan): string[] => p.commands.map((c) => commandKey(c.file, c.args));
    expect(cmd(plain)).to.deep.equal(['ip -V', 'tcpdump --version']);
    expect(cmd(cls)).to.deep.equal(['ip -V', 'tcpdump --version', 'iptables-legacy --version', 'tc -V', 'ip rule']);
    expect(cls.files.filter((f) => !plain.files.includes(f))).to.deep.equal(
      ['iptable_mangle', 'xt_dscp', 'xt_mark', 'xt_u32', 'xt_DSCP', 'sch_ingress', 'cls_flower', 'act_mpls'].map((m) => `/sys/module/${m}/initstate`));
  });
});
