import { expect } from 'chai';
import { markMatches, mangleRules, markRulesFor, outerRulesFor, parseRules, parseTableRoutes } from '../../src/diagnose/class-readings.js';
import { UnreadableOutput } from '../../src/diagnose/ip-json.js';
import ruleTosUnsupported from '../../src/causes/rule_tos_unsupported.js';
import { parseCommandLine } from '../../src/diagnose/command-line.js';
import { planFor } from '../../src/probes/cause-facts.js';
import { loadClassPath } from '../causes/class-path-cases.js';

/** A's readings in the recorded shadowed class (user-mode Linux 6.1.176, iproute2 6.1.0, iptables 1.8.9 legacy). */
const recorded = (cmd: string): string => loadClassPath('rule-shadowed').facts.A!.commands[cmd]!.stdout;

describe('diagnose: readers of what a traffic class rests on (recorded)', () => {
  it('ip -j -4 rule show: the rules by priority, the mark as a number, the shadowing rule printed as ip rule shows it', () => {
    const rules = parseRules(recorded('ip -j -4 rule show'));
    expect(rules.map((r) => r.priority)).to.deep.equal([0, 100, 32765, 32766, 32767]);
    expect(rules[1]).to.deep.include({ priority: 100, table: 'main', fwmark: 200, selectors: [], text: '100: from all fwmark 0xc8 lookup main' });
    expect(markMatches(rules[1]!, 200)).to.equal(true);
    expect(markMatches(rules[1]!, 201)).to.equal(false);
    expect(markMatches(rules[0]!, 201), 'no mark selector: every packet').to.equal(true);
    expect(markMatches({ ...rules[1]!, fwmask: 0xff }, 0x1c8), 'under its mask').to.equal(true);
  });

  it('ip route show table all PREFIX: the class table\'s route and the main one, with the labels each pushes', () => {
    const routes = parseTableRoutes(recorded('ip route show table all 10.199.0.0/24'));
    expect(routes.map((r) => [r.table, r.labels, r.dev])).to.deep.equal([['200', [200], 'foo4'], ['main', [100], 'foo4']]);
  });

  it('iptables-legacy-save -t mangle: the rule lines; the class\'s mark and outer-DSCP rules found as up wrote them', () => {
    const rules = mangleRules(recorded('iptables-legacy-save -t mangle'));
    expect(rules).to.have.length(2);
    expect(markRulesFor(rules, 46, 200)).to.have.length(1);
    expect(markRulesFor(rules, 46, 201)).to.deep.equal([]);
    expect(markRulesFor(rules, 34, 200)).to.deep.equal([]);
    expect(outerRulesFor(rules, 200)).to.deep.equal([{ line: rules[1], dscp: 46 }]);
    expect(outerRulesFor(rules, 201)).to.deep.equal([]);
  });

  it('output of another shape is unreadable, not a crash', () => {
    expect(() => mangleRules('iptables-legacy-save: command not found')).to.throw(UnreadableOutput);
    expect(() => parseRules('{"priority":0}')).to.throw(UnreadableOutput);
    expect(() => parseRules('[{"table":"main"}]')).to.throw(UnreadableOutput);
  });
});

describe('diagnose: a DSCP in a policy rule (rule_tos_unsupported)', () => {
  const assess = (cmd: string) => ruleTosUnsupported.assess({ subject: { labels: [], givenLabels: [], command: parseCommandLine(cmd)[0]! }, facts: { modules: {}, interfaces: {}, mplsInput: {}, rpFilter: {}, routes: {}, reach: {}, neighbours: {}, counters: {} } });
  it('tos 0xb8 (DSCP 46) is refused: the fix marks DSCP 46 and matches the mark', () => {
    const a = assess('ip rule add tos 0xb8 lookup 200');
    expect(a.verdict).to.equal('confirmed');
    expect(a.fix).to.match(/^iptables-legacy -w 5 -t mangle -A OUTPUT -m dscp --dscp 46 -j MARK --set-mark 200 && ip rule add fwmark 200 lookup 200 /);
  });
  it('a legacy TOS value (0x10, within mask 0x1e) is not this cause', () => {
    expect(assess('ip rule add tos 0x10 lookup 200').verdict).to.equal('ruled_out');
  });
});

describe('cause facts: the class readings are read only when a candidate asks for them', () => {
  const s = { labels: [], givenLabels: [], iface: 'foo4', givenIface: 'foo4' };
  it('mangle alone reads the mangle table and no rule or route; overlay routes need the prefix, and a prefix that is not one is not read', () => {
    expect(planFor(['mangle'], s)).to.deep.include({ mangle: true, policyRules: false });
    expect(planFor(['mangle'], s).overlayRoutes).to.equal(undefined);
    expect(planFor(['policy-rules'], s)).to.deep.include({ mangle: false, policyRules: true });
    expect(planFor(['overlay-routes'], s).overlayRoutes).to.equal(undefined);
    expect(planFor(['overlay-routes'], { ...s, prefix: '10.199.0.0/24' }).overlayRoutes).to.equal('10.199.0.0/24');
    expect(planFor(['overlay-routes'], { ...s, prefix: '10.199.0.0/24; reboot' }).overlayRoutes).to.equal(undefined);
  });
  it('the netfilter modules an iptables command needs: its table, matches and targets; every class module for a bare message', () => {
    const command = parseCommandLine("iptables-legacy -w 5 -t mangle -A POSTROUTING -p gre -m u32 --u32 '0x18&0xfffff000=0xc8000' -j DSCP --set-dscp 46")[0]!;
    expect([...planFor(['netfilter-modules'], { ...s, command }).modules]).to.deep.equal(['iptable_mangle', 'xt_u32', 'xt_DSCP']);
    expect([...planFor(['netfilter-modules'], { ...s, module: 'u32' }).modules]).to.deep.equal(['xt_u32']);
    expect([...planFor(['netfilter-modules'], s).modules]).to.deep.equal(['iptable_mangle', 'xt_dscp', 'xt_mark', 'xt_u32', 'xt_DSCP']);
  });
});
