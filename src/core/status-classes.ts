import { isInEffect } from './plan-check.js';
import type { Step } from './plan-types.js';
import type { HostSpec, Topology, TrafficClass } from './topology.js';

/** One part of the class read: its output and exit code. */
export interface ReadPart {
  readonly rc: number;
  readonly out: string;
}

/**
 * What the read found of the objects `up` made for a host's own classes: the mangle table as
 * `iptables-legacy-save -t mangle` prints it, `ip -j rule show`, each class table's routes and,
 * where a class sets `tc:`, the tunnel's qdiscs and egress filters.
 */
export interface ClassFacts {
  readonly mangle: ReadPart;
  readonly rules: ReadPart;
  /** By table number. */
  readonly tables: Readonly<Record<string, ReadPart>>;
  readonly qdisc?: ReadPart;
  readonly filter?: ReadPart;
}

export type ClassObjectKind = 'firewall' | 'rule' | 'route' | 'qdisc' | 'filter';

/** A class object and how to judge it; `found` is set only when the object is there with another value. */
export interface ClassExpectation {
  readonly kind: ClassObjectKind;
  readonly object: string;
  readonly expected: string;
  readonly class: string;
  judge(f: ClassFacts | undefined): { readonly state: 'in effect' | 'missing' | 'changed'; readonly found?: string };
}

const hex = (n: number): string => `0x${n.toString(16)}`;
const lines = (text: string): string[] => text.split('\n').map((l) => l.trim()).filter(Boolean);
const inEffect = { state: 'in effect' as const };
const missing = { state: 'missing' as const };

/** The step's own check (what `up` asks before it acts), applied to the part the read holds. */
const holds = (step: Step, part: ReadPart | undefined): boolean => !!part && !!step.check && isInEffect(step.check, { exitCode: part.rc, stdout: part.out });

function firewall(step: Step, c: TrafficClass, object: string, expected: string, sameMatch: (line: string) => boolean): ClassExpectation {
  return {
    kind: 'firewall', object, expected, class: c.name,
    judge: (f) => {
      if (!f) return missing;
      if (holds(step, f.mangle)) return inEffect;
      const other = lines(f.mangle.out).find(sameMatch);
      return other ? { state: 'changed', found: other.replace(/^-A \S+ /, '') } : missing;
    },
  };
}

interface Rule { readonly fwmark?: string; readonly table?: string; readonly priority?: number }

function rulesOf(part: ReadPart): Rule[] {
  try {
    const v = JSON.parse(part.out.trim() || '[]') as unknown;
    return Array.isArray(v) ? (v as Rule[]) : [];
  } catch {
    return [];
  }
}

/**
 * The objects a host's class step made, by step id (`A.class.voice.rule`), or undefined for a
 * step that is not one (its modules, the peer's label routes: status.ts judges those).
 */
export function classExpectation(t: Topology, h: HostSpec, peer: HostSpec, step: Step): ClassExpectation | undefined {
  const m = /^class\.([^.]+)\.(mark\.(\d+)|rule|route|outer|qdisc|tc)$/.exec(step.id.slice(h.name.length + 1));
  const c = m ? h.classes?.find((x) => x.name === m[1]) : undefined;
  if (!m || !c) return undefined;
  const ifname = t.tunnel.name;
  const what = m[2]!;
  if (m[3] !== undefined) {
    const dscp = Number(m[3]);
    return firewall(step, c, `mangle OUTPUT dscp ${dscp} -> mark ${hex(c.mark)}`, `MARK --set-xmark ${hex(c.mark)}/0xffffffff`,
      (l) => l.startsWith('-A OUTPUT ') && l.includes(`--dscp ${hex(dscp)} `));
  }
  switch (what) {
    case 'rule':
      return {
        kind: 'rule', object: `fwmark ${hex(c.mark)} lookup ${c.table}`, expected: 'present', class: c.name,
        judge: (f) => {
          if (!f) return missing;
          if (holds(step, f.rules)) return inEffect;
          const other = rulesOf(f.rules).find((r) => r.fwmark === hex(c.mark));
          return other ? { state: 'changed', found: `fwmark ${other.fwmark} lookup ${other.table ?? '?'}` } : missing;
        },
      };
    case 'route': {
      const expected = `encap mpls ${c.label} dev ${ifname}`;
      return {
        kind: 'route', object: `${t.tunnel.overlay} table ${c.table}`, expected, class: c.name,
        judge: (f) => {
          const part = f?.tables[String(c.table)];
          const ours = part ? lines(part.out).filter((l) => l.split(/\s+/)[0] === t.tunnel.overlay) : [];
          if (ours.length === 0) return missing;
          const pushes = (l: string): boolean => new RegExp(`\\bencap mpls +${c.label}(?![0-9/])`).test(l) && /\bdev\s+(\S+)/.exec(l)?.[1] === ifname;
          return ours.some(pushes) ? inEffect : { state: 'changed', found: ours[0]!.split(/\s+/).slice(1).join(' ') };
        },
      };
    }
    case 'outer': {
      const dscp = c.dscp[0] ?? 0;
      const match = `"0x18&0xfffff000=${hex((c.label << 12) >>> 0)}"`;
      return firewall(step, c, `mangle POSTROUTING gre ${h.underlay} -> ${peer.underlay} label ${c.label}`, `DSCP --set-dscp ${hex(dscp)}`,
        (l) => l.startsWith('-A POSTROUTING ') && l.includes(match));
    }
    case 'qdisc':
      return {
        kind: 'qdisc', object: `clsact on ${ifname}`, expected: 'clsact', class: c.name,
        judge: (f) => (holds(step, f?.qdisc) ? inEffect : missing),
      };
    case 'tc': {
      const expected = `mpls modify tc ${c.tc ?? '?'}`;
      return {
        kind: 'filter', object: `egress flower mpls_label ${c.label} on ${ifname}`, expected, class: c.name,
        judge: (f) => {
          if (holds(step, f?.filter)) return inEffect;
          const text = f?.filter?.rc === 0 ? f.filter.out : '';
          const at = text.search(new RegExp(`mpls_label ${c.label}\\b`));
          if (at === -1) return missing;
          return { state: 'changed', found: /modify tc \d+/.exec(text.slice(at))?.[0] ?? 'no modify tc' };
        },
      };
    }
    default:
      return undefined;
  }
}
