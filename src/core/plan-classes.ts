import type { CheckAction, JsonValue } from './plan-check.js';
import type { Action, Step } from './plan-types.js';
import type { HostSpec, Topology, TrafficClass } from './topology.js';

const exec = (...argv: string[]): Action => ({ kind: 'exec', argv });
const checkJson = (argv: string[], value: JsonValue): CheckAction => ({ kind: 'exec', argv, inEffectWhen: { kind: 'json-includes', value } });
const saved = (pattern: string): CheckAction => ({ kind: 'exec', argv: ['iptables-legacy-save', '-t', 'mangle'], inEffectWhen: { kind: 'stdout-matches', pattern } });
const hex = (n: number): string => `0x${n.toString(16)}`;
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Modules the class steps need; iptables-legacy and the kernel would load most on demand, the plan says so. */
const CLASS_MODULES: readonly [string, string][] = [
  ['iptable_mangle', 'the mangle table: marks from the DSCP, the outer DSCP'],
  ['xt_dscp', 'match a packet by its DSCP'],
  ['xt_mark', 'set a firewall mark'],
  ['xt_u32', 'match the label inside GRE'],
  ['xt_DSCP', 'set the outer DSCP'],
];

/** The mangle rule's words after the chain, as `-A`, `-C` and `-D` take them. */
function markRule(dscp: number, mark: number): string[] {
  return ['-m', 'dscp', '--dscp', String(dscp), '-j', 'MARK', '--set-mark', String(mark)];
}

/**
 * GRE over IPv4 with a 20-byte outer header: the label stack entry starts at byte 24 (0x18).
 * Written as iptables-save prints it, so the check reads back the same words.
 */
function outerMatch(c: TrafficClass): string {
  return `0x18&0xfffff000=${hex((c.label << 12) >>> 0)}`;
}

function outerRule(h: HostSpec, peer: HostSpec, c: TrafficClass, dscp: number): string[] {
  const match = outerMatch(c);
  return ['-p', 'gre', '-s', `${h.underlay}/32`, '-d', `${peer.underlay}/32`, '-m', 'u32', '--u32', match, '-j', 'DSCP', '--set-dscp', String(dscp)];
}

/**
 * The steps that give each of `h`'s classes its label, and pop `peer`'s class labels: per DSCP
 * a mangle rule marking the packet, a policy rule sending the mark to the class's table, the
 * class's encap route there, the outer DSCP set on the GRE packets carrying the class label,
 * the traffic-class bits when asked; then a label route per class label of the peer.
 * `moduleStep` is the planner's, so the class modules are planned like the others.
 */
export function classSteps(t: Topology, h: HostSpec, peer: HostSpec, moduleStep: (host: string, module: string, why: string) => Step): Step[] {
  const mine = h.classes ?? [];
  const theirs = peer.classes ?? [];
  if (mine.length === 0 && theirs.length === 0) return [];
  const n = h.name;
  const ifname = t.tunnel.name;
  const steps: Step[] = [];
  if (mine.length) for (const [m, why] of CLASS_MODULES) steps.push(moduleStep(n, m, why));
  const withLink = { undo: null, undoNote: `removed with ${ifname} when ${n}.link.add is undone`, undoWith: `${n}.link.add` } as const;
  for (const c of mine) {
    const id = `${n}.class.${c.name}`;
    for (const d of c.dscp) {
      const words = markRule(d, c.mark);
      steps.push({
        id: `${id}.mark.${d}`, host: n, kind: 'firewall',
        description: `mark locally sent packets with DSCP ${d} as ${c.mark} (class ${c.name})`,
        do: exec('iptables-legacy', '-w', '5', '-t', 'mangle', '-A', 'OUTPUT', ...words),
        undo: exec('iptables-legacy', '-w', '5', '-t', 'mangle', '-D', 'OUTPUT', ...words),
        check: saved(`^-A OUTPUT -m dscp --dscp ${hex(d)} -j MARK --set-xmark ${hex(c.mark)}/0xffffffff$`),
      });
    }
    steps.push({
      id: `${id}.rule`, host: n, kind: 'rule',
      description: `send packets marked ${c.mark} to routing table ${c.table} (class ${c.name})`,
      do: exec('ip', 'rule', 'add', 'fwmark', String(c.mark), 'lookup', String(c.table)),
      undo: exec('ip', 'rule', 'delete', 'fwmark', String(c.mark), 'lookup', String(c.table)),
      check: checkJson(['ip', '-j', 'rule', 'show'], { fwmark: hex(c.mark), table: String(c.table) }),
    });
    steps.push({
      id: `${id}.route`, host: n, kind: 'route',
      description: `in table ${c.table}, route ${t.tunnel.overlay} into ${ifname} pushing label ${c.label} (class ${c.name})`,
      do: exec('ip', 'route', 'add', t.tunnel.overlay, 'encap', 'mpls', String(c.label), 'dev', ifname, 'table', String(c.table)),
      ...withLink,
      check: {
        kind: 'exec',
        argv: ['ip', 'route', 'show', t.tunnel.overlay, 'dev', ifname, 'table', String(c.table)],
        inEffectWhen: { kind: 'stdout-matches', pattern: `\\bencap mpls +${c.label}(?![0-9/])` },
      },
    });
    const dscp = c.dscp[0];
    if (dscp !== undefined) {
      const words = outerRule(h, peer, c, dscp);
      steps.push({
        id: `${id}.outer`, host: n, kind: 'firewall',
        description: `give GRE packets to ${peer.underlay} carrying label ${c.label} the outer DSCP ${dscp}, so the underlay sees the class`,
        do: exec('iptables-legacy', '-w', '5', '-t', 'mangle', '-A', 'POSTROUTING', ...words),
        undo: exec('iptables-legacy', '-w', '5', '-t', 'mangle', '-D', 'POSTROUTING', ...words),
        check: saved(`^-A POSTROUTING -s ${escape(h.underlay)}/32 -d ${escape(peer.underlay)}/32 -p gre -m u32 --u32 "${escape(outerMatch(c))}" -j DSCP --set-dscp ${hex(dscp)}$`),
      });
    }
    if (c.tc !== undefined) {
      steps.push({
        id: `${id}.qdisc`, host: n, kind: 'qdisc',
        description: `attach clsact to ${ifname} for the traffic-class bits (class ${c.name})`,
        do: exec('tc', 'qdisc', 'add', 'dev', ifname, 'clsact'),
        ...withLink,
        check: checkJson(['tc', '-j', 'qdisc', 'show', 'dev', ifname], { kind: 'clsact' }),
      });
      steps.push({
        id: `${id}.tc`, host: n, kind: 'qdisc',
        description: `set traffic class ${c.tc} on label ${c.label} leaving ${ifname} (encap mpls writes 0)`,
        do: exec('tc', 'filter', 'add', 'dev', ifname, 'egress', 'protocol', 'mpls_uc', 'prio', '1', 'flower', 'mpls_label', String(c.label), 'action', 'mpls', 'modify', 'tc', String(c.tc)),
        ...withLink,
        check: {
          kind: 'exec',
          argv: ['tc', 'filter', 'show', 'dev', ifname, 'egress'],
          inEffectWhen: { kind: 'stdout-matches', pattern: `mpls_label ${c.label}\\n(?:.*\\n)*?.*modify tc ${c.tc}\\b` },
        },
      });
    }
  }
  for (const c of theirs) {
    steps.push({
      id: `${n}.mpls-route.pop.${c.name}`, host: n, kind: 'mpls-route',
      description: `pop label ${c.label} (pushed by ${peer.name} for class ${c.name}) and deliver the packet locally`,
      do: exec('ip', '-f', 'mpls', 'route', 'add', String(c.label), 'dev', 'lo'),
      undo: exec('ip', '-f', 'mpls', 'route', 'delete', String(c.label), 'dev', 'lo'),
      check: checkJson(['ip', '-j', '-f', 'mpls', 'route', 'show'], { dst: String(c.label), dev: 'lo' }),
    });
  }
  return steps;
}
