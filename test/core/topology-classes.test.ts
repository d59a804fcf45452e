import { expect } from 'chai';
import { UsageError } from '../../src/core/errors.js';
import { plan } from '../../src/core/planner.js';
import { parseTopology } from '../../src/core/topology.js';

const seed = (a: string, b = ''): string => `tunnel: { name: foo4, overlay: 10.199.0.0/24 }
hosts:
  A: { target: netns:A, underlay: 10.128.0.2,   overlay: 10.199.0.1, label: 100${a ? `, classes: ${a}` : ''} }
  B: { target: netns:B, underlay: 10.128.100.2, overlay: 10.199.0.2, label: 101${b ? `, classes: ${b}` : ''} }
`;

/** Every problem the file has, one "field: message" line each. */
function problems(text: string): string[] {
  try {
    parseTopology(text);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    return e.problems?.map((p) => p.message) ?? [e.message];
  }
  throw new Error('expected a UsageError');
}

describe('topology classes', () => {
  it('reads a class per host with its mark and table, a list of DSCPs, a firewall mark and tc', () => {
    const t = parseTopology(seed('[ { name: voice, dscp: 46, label: 200 } ]', '[ { name: voice, dscp: [46, 34], label: 201, tc: 5 }, { name: bulk, fwmark: 7, label: 300 } ]'));
    expect(t.hosts[0].classes).to.deep.equal([{ name: 'voice', dscp: [46], mark: 200, table: 200, label: 200 }]);
    expect(t.hosts[1].classes).to.deep.equal([
      { name: 'voice', dscp: [46, 34], mark: 201, table: 201, label: 201, tc: 5 },
      { name: 'bulk', dscp: [], fwmark: 7, mark: 7, table: 300, label: 300 },
    ]);
    // The peer pops every class label, so platform_labels must exceed the highest of them.
    expect(t.tunnel.platformLabels).to.equal(65535);
    expect(parseTopology(seed('[ { name: v, dscp: 46, label: 70000 } ]')).tunnel.platformLabels).to.equal(70001);
  });

  it('a host without classes has no classes key (the plan and --json stay as before)', () => {
    expect(parseTopology(seed('')).hosts[0]).to.not.have.property('classes');
  });

  it('names every wrong class field in one run', () => {
    expect(problems(seed('[ { name: voice, dscp: 46, label: 200 }, { name: voice, dscp: [46], label: 200 }, { nmae: x, dscp: 0, label: 5 }, { name: y, label: 254 }, { name: z, label: 300, fwmark: 200 } ]'))).to.deep.equal([
      'hosts.A.classes[1].name: "voice" is already the name of an earlier class; names are unique on a host',
      'hosts.A.classes[1].label: 200 is also the label of class "voice"; each class needs its own label',
      'hosts.A.classes[1].dscp: DSCP 46 already selects class "voice"; a DSCP belongs to one class',
      'hosts.A.classes[2].nmae: unknown key (did you mean name?); expected name, dscp, fwmark, label, tc',
      'hosts.A.classes[2].name: is required (in the map at line 3)',
      "hosts.A.classes[2].dscp: 0 is the default class: unmarked traffic travels under the host's label; use 1..63",
      'hosts.A.classes[2].label: 5 is reserved (0-15); use 16..1048575',
      "hosts.A.classes[3].label: 254 would name the class's routing table, and table 254 is the kernel's main table; pick another label",
      'hosts.A.classes[3].dscp: is required unless fwmark is given: a class needs a DSCP or a firewall mark to select its traffic',
      'hosts.A.classes[4].fwmark: mark 200 is also the mark of class "voice"; each class needs its own mark',
    ]);
  });

  it('refuses a class label that is any default label or the other end\'s class label', () => {
    expect(problems(seed('[ { name: voice, dscp: 46, label: 100 } ]'))).to.deep.equal([
      "hosts.A.classes[0].label: 100 is also this host's default label; a class needs a label of its own",
    ]);
    expect(problems(seed('[ { name: voice, dscp: 46, label: 101 } ]'))).to.deep.equal([
      "hosts.A.classes[0].label: 101 is also B's label; give each direction and class its own label so captures and diagnoses can tell them apart",
    ]);
    expect(problems(seed('[ { name: voice, dscp: 46, label: 200 } ]', '[ { name: voice, dscp: 46, label: 200 } ]'))).to.deep.equal([
      'hosts.B.classes[0].label: 200 is also the label of A\'s class "voice"; give each direction and class its own label so captures and diagnoses can tell them apart',
    ]);
  });

  it('refuses classes over an IPv6 underlay or overlay (the mechanism matches IPv4 headers)', () => {
    const v6 = seed('[ { name: voice, dscp: 46, label: 200 } ]').replace('10.128.0.2', '"2001:db8::2"').replace('10.128.100.2', '"2001:db8::3"');
    expect(problems(v6)).to.deep.equal(['hosts.A.classes: classes need an IPv4 underlay (gre): the outer DSCP is set by matching the label right after the 20-byte IPv4 and 4-byte GRE headers']);
    const v6o = seed('', '[ { name: voice, dscp: 46, label: 201 } ]').replace('10.199.0.0/24', '"fd00:199::/64"').replace('10.199.0.1', '"fd00:199::1"').replace('10.199.0.2', '"fd00:199::2"');
    expect(problems(v6o)).to.deep.equal(['hosts.B.classes: classes need an IPv4 overlay: the class is chosen by an iptables mark and an IPv4 policy rule']);
  });

  it('refuses out-of-range DSCPs, marks, tc and the 65th class', () => {
    expect(problems(seed('[ { name: v, dscp: [46, 64, 46], label: 200, fwmark: 4294967296, tc: 8 } ]'))).to.deep.equal([
      'hosts.A.classes[0].dscp[1]: 64 is out of range: DSCP is 6 bits; use 1..63',
      'hosts.A.classes[0].fwmark: 4294967296 is out of range: marks are 32 bits; use 1..4294967295',
      'hosts.A.classes[0].tc: 8 is out of range: the traffic-class field is 3 bits; use 0..7',
    ]);
    expect(problems(seed('[ { name: v, dscp: [46, 46], label: 200 } ]'))).to.deep.equal(['hosts.A.classes[0].dscp[1]: DSCP 46 is listed twice']);
    const many = `[ ${Array.from({ length: 65 }, (_, i) => `{ name: c${i}, fwmark: ${i + 1}, label: ${1000 + i} }`).join(', ')} ]`;
    expect(problems(seed(many))).to.deep.equal(['hosts.A.classes: has 65 classes; at most 64 per host (one policy rule and one routing table each)']);
  });

  it('plan: per class a mark per DSCP, a rule, the table route, the outer DSCP, tc bits when asked; the peer pops each class label', () => {
    const t = parseTopology(seed('[ { name: voice, dscp: [46, 34], label: 200, tc: 5 }, { name: bulk, fwmark: 7, label: 300 } ]'));
    const [a, b] = plan(t).hosts;
    const ids = (steps: readonly { id: string }[]): string[] => steps.map((s) => s.id).filter((id) => id.includes('class') || id.includes('pop') || /mangle|xt_/.test(id));
    expect(ids(a!.steps)).to.deep.equal([
      'A.mpls-route.pop',
      'A.module.iptable_mangle', 'A.module.xt_dscp', 'A.module.xt_mark', 'A.module.xt_u32', 'A.module.xt_DSCP',
      'A.class.voice.mark.46', 'A.class.voice.mark.34', 'A.class.voice.rule', 'A.class.voice.route', 'A.class.voice.outer', 'A.class.voice.qdisc', 'A.class.voice.tc',
      'A.class.bulk.rule', 'A.class.bulk.route',
    ]);
    expect(ids(b!.steps)).to.deep.equal(['B.mpls-route.pop', 'B.mpls-route.pop.voice', 'B.mpls-route.pop.bulk']);
    const step = (id: string) => a!.steps.find((s) => s.id === id)!;
    expect(step('A.class.voice.mark.34').do).to.deep.equal({ kind: 'exec', argv: ['iptables-legacy', '-w', '5', '-t', 'mangle', '-A', 'OUTPUT', '-m', 'dscp', '--dscp', '34', '-j', 'MARK', '--set-mark', '200'] });
    expect(step('A.class.voice.mark.34').undo).to.deep.equal({ kind: 'exec', argv: ['iptables-legacy', '-w', '5', '-t', 'mangle', '-D', 'OUTPUT', '-m', 'dscp', '--dscp', '34', '-j', 'MARK', '--set-mark', '200'] });
    expect(step('A.class.bulk.rule').do).to.deep.equal({ kind: 'exec', argv: ['ip', 'rule', 'add', 'fwmark', '7', 'lookup', '300'] });
    expect(step('A.class.voice.route').do).to.deep.equal({ kind: 'exec', argv: ['ip', 'route', 'add', '10.199.0.0/24', 'encap', 'mpls', '200', 'dev', 'foo4', 'table', '200'] });
    // The outer DSCP is the class's first DSCP, set on GRE packets whose label (byte 24) is the class label.
    expect(step('A.class.voice.outer').do).to.deep.equal({ kind: 'exec', argv: ['iptables-legacy', '-w', '5', '-t', 'mangle', '-A', 'POSTROUTING', '-p', 'gre', '-s', '10.128.0.2/32', '-d', '10.128.100.2/32', '-m', 'u32', '--u32', '0x18&0xfffff000=0xc8000', '-j', 'DSCP', '--set-dscp', '46'] });
    expect(step('A.class.voice.tc').do).to.deep.equal({ kind: 'exec', argv: ['tc', 'filter', 'add', 'dev', 'foo4', 'egress', 'protocol', 'mpls_uc', 'prio', '1', 'flower', 'mpls_label', '200', 'action', 'mpls', 'modify', 'tc', '5'] });
  });

  it('the in-effect checks match what the kernel printed for the recorded classes (scripts/record-classes.ts)', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { ROOT } = await import('../support/fixtures.js');
    const { isInEffect } = await import('../../src/core/planner.js');
    const fx = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'classes', 'classes.json'), 'utf8')) as import('../../scripts/record-classes.js').ClassesFixture;
    const t = parseTopology(seed('[ { name: voice, dscp: 46, label: 200, tc: 5 } ]', '[ { name: voice, dscp: 46, label: 201 } ]'));
    const a = plan(t).hosts[0]!;
    const out = (argv0: string, last: string): string => fx.after.A!.find((x) => x.argv[0] === argv0 && x.argv[x.argv.length - 1] === last)!.stdout;
    const judged = (id: string, stdout: string): boolean => isInEffect(a.steps.find((s) => s.id === id)!.check!, { exitCode: 0, stdout });
    expect(judged('A.class.voice.mark.46', out('iptables-legacy-save', 'mangle'))).to.equal(true);
    expect(judged('A.class.voice.route', out('ip', '200'))).to.equal(true);
    expect(judged('A.class.voice.tc', fx.after.A!.find((x) => x.argv.join(' ') === 'tc filter show dev foo4 egress')!.stdout)).to.equal(true);
    expect(judged('A.class.voice.route', out('ip', '200').replace('200 dev', '201 dev').replace('mpls  200', 'mpls  201'))).to.equal(false);
  });
});
