import { expect } from 'chai';
import { CAUSES } from '../../src/causes/index.js';
import { STAGE_CAUSES } from '../../src/causes/lib/stages.js';
import { rootCause, type Stage } from '../../src/core/root-cause.js';
import { CLASS_PATH_CASES, classPathNames, loadClassPath, replayClassPath } from './class-path-cases.js';

const CLASS_CAUSES = CAUSES.filter((c) => c.id.startsWith('class_'));

describe('causes: a traffic class\'s failure from recorded faults (user-mode Linux 6.1, examples/classes.yaml)', () => {
  it('has a recording for every case, and a case for every recording', () => {
    expect(classPathNames()).to.deep.equal(Object.keys(CLASS_PATH_CASES).sort());
  });

  for (const name of classPathNames()) {
    const fx = loadClassPath(name);
    const want = CLASS_PATH_CASES[name];
    if (!want) continue;
    if (want.cause === null) {
      it(`${name}: the class crossed under label ${fx.trafficClass.label} with its outer DSCP; every class cause is ruled out on both ends`, async () => {
        expect(fx.direction.stage).to.equal(null);
        expect(fx.trafficClass.labelsSeen).to.deep.equal([fx.trafficClass.label]);
        const { ctx, unrecorded } = await replayClassPath(fx);
        expect(unrecorded).to.deep.equal([]);
        for (const stage of ['class_wrong_label', 'class_not_delivered', 'class_outer_dscp'] as const) {
          const at = STAGE_CAUSES[stage].at;
          for (const cause of CLASS_CAUSES.filter((c) => STAGE_CAUSES[stage].causes.includes(c.id))) {
            const a = cause.assess({ subject: { labels: [], givenLabels: [], iface: 'foo4', givenIface: 'foo4' }, facts: ctx[at].facts, path: { ...ctx, stage, at } });
            expect([cause.id, a.verdict], a.explanation).to.deep.equal([cause.id, 'ruled_out']);
          }
        }
      });
      continue;
    }
    describe(`${name}: ${fx.recorded.description}`, () => {
      it(`the class's pings made ${want.stage}; the stage and the facts name ${want.cause}, certain, with the exact fix`, async () => {
        expect(fx.recorded.kernel).to.match(/^6\.1\./);
        expect(fx.direction.stage).to.equal(want.stage);
        const { ctx, unrecorded } = await replayClassPath(fx);
        expect(unrecorded, 'path-facts read what the recording does not hold: re-record').to.deep.equal([]);
        const rc = rootCause(fx.direction.stage as Stage, ctx);
        expect(rc.id, JSON.stringify(rc)).to.equal(want.cause);
        expect(rc.confidence).to.equal('certain');
        expect(rc.fix, 'the facts give the exact command, not the placeholder').to.be.a('string').and.not.equal(CAUSES.find((c) => c.id === want.cause)!.fix);
        if (want.cites) expect(rc.evidence.some((e) => want.cites!.test(e)), rc.evidence.join('\n')).to.equal(true);
      });
    });
  }

  it('the fixes are the commands that undo each fault', async () => {
    const fix = async (n: string): Promise<string | undefined> => {
      const fx = loadClassPath(n);
      return rootCause(fx.direction.stage as Stage, (await replayClassPath(fx)).ctx).fix;
    };
    expect(await fix('mark-missing')).to.equal('iptables-legacy -w 5 -t mangle -A OUTPUT -m dscp --dscp 46 -j MARK --set-mark 200');
    expect(await fix('rule-missing')).to.equal('ip rule add fwmark 200 lookup 200');
    expect(await fix('rule-shadowed')).to.match(/^ip rule delete pref 100 fwmark 0xc8 lookup main {3}# /);
    expect(await fix('route-missing')).to.equal('ip route add 10.199.0.0/24 encap mpls 200 dev foo4 table 200');
    expect(await fix('label-not-routed')).to.equal('ip -f mpls route add 200 dev lo');
    expect(await fix('outer-dscp-missing')).to.equal('iptables-legacy -w 5 -t mangle -A POSTROUTING -p gre -s 10.128.0.2/32 -d 10.128.100.2/32 -m u32 --u32 \'0x18&0xfffff000=0xc8000\' -j DSCP --set-dscp 46');
  });

  it('the peer\'s missing pop is named from the label routes alone when no counter was read, still certain', async () => {
    const { ctx } = await replayClassPath(loadClassPath('label-not-routed'), { counters: false });
    const rc = rootCause('class_not_delivered', ctx);
    expect([rc.id, rc.confidence]).to.deep.equal(['class_label_not_routed', 'certain']);
    expect(rc.evidence.some((e) => /^rx_noroute \+/.test(e))).to.equal(false);
  });

  it('a shadowing rule whose table has no route for the overlay is likely, not certain', async () => {
    const { ctx } = await replayClassPath(loadClassPath('rule-shadowed'));
    const o = ctx.sender.facts.overlayRoutes!;
    const sender = { ...ctx.sender, facts: { ...ctx.sender.facts, overlayRoutes: { ...o, value: o.value!.filter((r) => r.table !== 'main') } } };
    const rc = rootCause('class_wrong_label', { ...ctx, sender });
    expect([rc.id, rc.confidence]).to.deep.equal(['class_rule_shadowed', 'likely']);
  });

  it('a host without iptables-legacy: the mangle reading holds the error, the mark and outer-DSCP causes are unknown, not a crash', async () => {
    const fx = loadClassPath('mark-missing');
    const a = fx.facts.A!;
    const commands = { ...a.commands, 'iptables-legacy-save -t mangle': { exitCode: null, stdout: '', stderr: '', spawnError: 'spawn iptables-legacy-save ENOENT' } };
    const { ctx } = await replayClassPath({ ...fx, facts: { ...fx.facts, A: { ...a, commands } } });
    expect(ctx.sender.facts.mangle?.error).to.match(/ENOENT/);
    const rc = rootCause('class_wrong_label', ctx);
    expect(rc.id).to.not.equal('class_mark_missing');
    expect(rootCause('class_outer_dscp', ctx).id).to.equal(null);
  });

  it('without a traffic class, the class causes say nothing (unknown)', async () => {
    const { ctx } = await replayClassPath(loadClassPath('rule-missing'));
    const { trafficClass: _, ...plain } = ctx;
    expect(rootCause('class_wrong_label', plain)).to.include({ id: null, confidence: 'possible' });
  });
});
