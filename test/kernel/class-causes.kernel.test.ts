import { expect } from 'chai';
import { runGuest } from '../support/guest.js';
import type { LiveClassCause } from './guest-class-causes.js';

/** A class's failure made live on the real 6.1 kernel, and the cause verify's collector and ranking name for it. */
describe('kernel tier: the cause of a traffic class\'s failure in user-mode Linux', function () {
  this.timeout(420_000);
  let r: LiveClassCause[];

  before(async () => {
    r = await runGuest<LiveClassCause[]>(new URL('./guest-class-causes.js', import.meta.url), 'liveClassCauses', 400_000);
  });

  it('a rule before the class\'s own one (fwmark 200 lookup main pref 100): the DSCP-46 pings leave under 100, and the rule is named, certain', () => {
    const x = r.find((c) => c.name === 'rule-shadowed')!;
    expect([x.stage, x.labelsSeen, x.id, x.confidence]).to.deep.equal(['class_wrong_label', [100], 'class_rule_shadowed', 'certain']);
    expect(x.fix).to.match(/^ip rule delete pref 100 fwmark 0xc8 lookup main /);
  });

  it('the peer without its pop of 200: the pings leave under 200 and are not answered; the missing label route is named, certain', () => {
    const x = r.find((c) => c.name === 'label-not-routed')!;
    expect([x.stage, x.labelsSeen, x.id, x.confidence, x.fix]).to.deep.equal(['class_not_delivered', [200], 'class_label_not_routed', 'certain', 'ip -f mpls route add 200 dev lo']);
  });
});
