import type { HostPlan, Step } from './plan-types.js';
import { classExpectation, type ClassFacts } from './status-classes.js';
import type { HostSpec, Topology } from './topology.js';

/** What `status` compares: the objects `up` makes on a host (modules are kernel-wide and left out). */
export type ObjectKind = 'tunnel' | 'address' | 'link' | 'route' | 'label-route' | 'sysctl' | 'firewall' | 'rule' | 'qdisc' | 'filter';

/** `in effect`: as `up` left it; `missing`: gone; `changed`: there, with another value (`found`). */
export type ObjectState = 'in effect' | 'missing' | 'changed';

export interface StatusObject {
  /** The plan step that made it ("B.sysctl.mpls_input"). */
  readonly step: string;
  readonly kind: ObjectKind;
  /** The exact object: "foo4", "101", "net.mpls.conf.foo4.input", "10.199.0.1/32 on foo4". */
  readonly object: string;
  /** What `up` left: "gre 10.128.0.2 -> 10.128.100.2", "dev lo", "1", ">= 65535". */
  readonly expected: string;
  readonly state: ObjectState;
  /** For `changed`: the value found now. */
  readonly found?: string;
  /** Set when the record says what the value was before `up` (sysctls it changed). */
  readonly before?: string;
  /** The traffic class the object is for (its mark rule, policy rule, table route, outer DSCP, tc, the peer's label route). */
  readonly class?: string;
}

/** One record step as `up` saved it (src/engine/state.ts AppliedStep). */
export interface RecordedStep {
  readonly id: string;
  readonly outcome: 'changed' | 'already' | 'skipped';
  readonly previous?: string;
}

/** What one batched read of a host found (src/probes/tunnel-state.ts). */
export interface TunnelFacts {
  readonly links: readonly LinkFact[];
  /** Label routes, or why `ip -f mpls route show` failed (no mpls_router: nothing can be routed). */
  readonly mplsRoutes: readonly MplsRouteFact[] | { readonly error: string };
  /** `ip route show exact OVERLAY` lines, one per route. */
  readonly overlayRoutes: readonly string[];
  /** By sysctl key; null when the key does not exist. */
  readonly sysctls: Readonly<Record<string, string | null>>;
  /** The objects of the host's own traffic classes; read only where it has classes. */
  readonly classes?: ClassFacts;
}

export interface LinkFact {
  readonly ifname: string;
  /** Administratively up (IFF_UP). */
  readonly up: boolean;
  readonly kind?: string;
  readonly local?: string;
  readonly remote?: string;
  readonly ttl?: number;
  /** "10.199.0.1/32", fe80:: ones included. */
  readonly addresses: readonly string[];
}

export interface MplsRouteFact {
  readonly label: number;
  /** "dev lo", "via inet 10.128.0.2 dev vb". */
  readonly text: string;
  readonly dev?: string;
  readonly via?: string;
}

/** What to read on a host to judge it: the overlay route's family and prefix, and the sysctl keys. */
export interface StatusReadSpec {
  readonly family: '-4' | '-6';
  readonly prefix: string;
  readonly sysctls: readonly string[];
  /** Where the host has classes: their tables, and the tunnel whose qdiscs and filters to read (a class sets `tc:`). */
  readonly classes?: { readonly tables: readonly number[]; readonly tcDev?: string };
}

interface Expectation {
  readonly step: string;
  readonly kind: ObjectKind;
  readonly object: string;
  readonly expected: string;
  readonly class?: string;
  judge(f: TunnelFacts): { state: ObjectState; found?: string };
}

const inEffect = { state: 'in effect' as const };
const missing = { state: 'missing' as const };
const changed = (found: string): { state: ObjectState; found: string } => ({ state: 'changed', found });

const tunnelText = (kind: string | undefined, local: string | undefined, remote: string | undefined, ttl?: number): string =>
  `${kind ?? '?'} ${local ?? '?'} -> ${remote ?? '?'}${ttl === undefined ? '' : ` ttl ${ttl}`}`;

/** The objects a host's plan makes, each with how to judge it from the facts. Module steps have none. */
function expectationOf(t: Topology, h: HostSpec, peer: HostSpec, step: Step): Expectation | undefined {
  const ifname = t.tunnel.name;
  const what = step.id.slice(h.name.length + 1);
  const link = (f: TunnelFacts, name: string): LinkFact | undefined => f.links.find((l) => l.ifname === name);
  const base = { step: step.id };
  if (step.do.kind === 'sysctl-write') {
    const key = step.do.key;
    const atLeast = step.check?.inEffectWhen.kind === 'int-at-least' ? step.check.inEffectWhen.value : undefined;
    const value = step.do.value;
    return {
      ...base, kind: 'sysctl', object: key, expected: atLeast === undefined ? value : `>= ${atLeast}`,
      judge: (f) => {
        const now = f.sysctls[key];
        if (now === undefined || now === null) return missing;
        const ok = atLeast === undefined ? now === value : /^[0-9]+$/.test(now) && Number(now) >= atLeast;
        return ok ? inEffect : changed(now);
      },
    };
  }
  const cls = classExpectation(t, h, peer, step);
  if (cls) return { ...base, kind: cls.kind, object: cls.object, expected: cls.expected, class: cls.class, judge: (f) => cls.judge(f.classes) };
  const popped = /^mpls-route\.pop\.(.+)$/.exec(what)?.[1];
  const theirs = popped === undefined ? undefined : peer.classes?.find((c) => c.name === popped);
  if (theirs) return { ...base, ...labelRoute(theirs.label), class: theirs.name };
  switch (what) {
    case 'link.add': {
      const kind = t.tunnel.mode;
      return {
        ...base, kind: 'tunnel', object: ifname, expected: tunnelText(kind, h.underlay, peer.underlay, t.tunnel.ttl),
        judge: (f) => {
          const l = link(f, ifname);
          if (!l) return missing;
          const same = l.kind === kind && l.local === h.underlay && l.remote === peer.underlay && (t.tunnel.ttl === undefined || l.ttl === t.tunnel.ttl);
          return same ? inEffect : changed(tunnelText(l.kind, l.local, l.remote, t.tunnel.ttl === undefined ? undefined : l.ttl));
        },
      };
    }
    case 'addr.add': {
      const addr = `${h.overlay}/${t.tunnel.overlay.includes(':') ? 128 : 32}`;
      return {
        ...base, kind: 'address', object: `${addr} on ${ifname}`, expected: addr,
        judge: (f) => (link(f, ifname)?.addresses.includes(addr) ? inEffect : missing),
      };
    }
    case 'link.up':
    case 'link.lo_up': {
      const name = what === 'link.up' ? ifname : 'lo';
      return {
        ...base, kind: 'link', object: name, expected: 'up',
        judge: (f) => {
          const l = link(f, name);
          return !l ? missing : l.up ? inEffect : changed('down');
        },
      };
    }
    case 'route.overlay': {
      const expected = `encap mpls ${h.label} dev ${ifname}`;
      return {
        ...base, kind: 'route', object: t.tunnel.overlay, expected,
        judge: (f) => {
          const lines = f.overlayRoutes;
          if (lines.length === 0) return missing;
          const ours = lines.find((l) => pushedLabels(l).join('/') === String(h.label) && devOf(l) === ifname);
          return ours ? inEffect : changed(routeBody(lines[0]!, t.tunnel.overlay));
        },
      };
    }
    case 'mpls-route.pop':
      return { ...base, ...labelRoute(peer.label) };
    default:
      return undefined;
  }
}

/** A label route `up` added to pop `label` and deliver locally. */
function labelRoute(label: number): Omit<Expectation, 'step'> {
  return {
    kind: 'label-route', object: String(label), expected: 'dev lo',
    judge: (f) => {
      if (!Array.isArray(f.mplsRoutes)) return missing;
      const routes = (f.mplsRoutes as readonly MplsRouteFact[]).filter((r) => r.label === label);
      if (routes.length === 0) return missing;
      return routes.some((r) => r.dev === 'lo' && r.via === undefined) ? inEffect : changed(routes[0]!.text);
    },
  };
}

/** Labels pushed by `encap mpls A/B` in one `ip route` line. */
function pushedLabels(line: string): string[] {
  const m = /\bencap mpls\s+([0-9/]+)/.exec(line);
  return m ? m[1]!.split('/').filter(Boolean) : [];
}

const devOf = (line: string): string | undefined => /\bdev\s+(\S+)/.exec(line)?.[1];

/** An `ip route` line without its prefix and with single spaces: what a reader compares. */
const routeBody = (line: string, prefix: string): string => {
  const words = line.trim().split(/\s+/);
  return (words[0] === prefix ? words.slice(1) : words).join(' ');
};

/** What one host's read needs, from its plan. */
export function readSpecOf(t: Topology, hp: HostPlan): StatusReadSpec {
  const classes = t.hosts.find((h) => h.name === hp.name)?.classes ?? [];
  return {
    family: t.tunnel.overlay.includes(':') ? '-6' : '-4',
    prefix: t.tunnel.overlay,
    sysctls: hp.steps.flatMap((s) => (s.do.kind === 'sysctl-write' ? [s.do.key] : [])),
    ...(classes.length ? { classes: { tables: classes.map((c) => c.table), ...(classes.some((c) => c.tc !== undefined) ? { tcDev: t.tunnel.name } : {}) } } : {}),
  };
}

/** How a host compares with what `up` recorded there. */
export interface HostComparison {
  readonly objects: readonly StatusObject[];
  /** Plan steps the record does not hold: that `up` did not complete. */
  readonly unrecorded: readonly string[];
  /** Record steps this topology does not plan: the file changed since `up`. */
  readonly unplanned: readonly string[];
}

/**
 * Compares a host with its record. Pure. Every object of a step the record holds as `changed`
 * (made by `up`) or `already` (in effect when `up` ran, and `up` relied on it) is judged; a
 * `skipped` step (optional, failed) is not expected.
 */
export function compareHost(t: Topology, hp: HostPlan, steps: readonly RecordedStep[], facts: TunnelFacts): HostComparison {
  const [a, b] = t.hosts;
  const h = a.name === hp.name ? a : b;
  const peer = h === a ? b : a;
  const byId = new Map(steps.map((s) => [s.id, s]));
  const planned = new Set(hp.steps.map((s) => s.id));
  const objects: StatusObject[] = [];
  for (const step of hp.steps) {
    const rec = byId.get(step.id);
    if (!rec || rec.outcome === 'skipped') continue;
    const e = expectationOf(t, h, peer, step);
    if (!e) continue;
    const verdict = e.judge(facts);
    objects.push({
      step: e.step, kind: e.kind, object: e.object, expected: e.expected, state: verdict.state,
      ...(e.class === undefined ? {} : { class: e.class }),
      ...(verdict.found === undefined ? {} : { found: verdict.found }),
      ...(rec.outcome === 'changed' && rec.previous !== undefined ? { before: rec.previous } : {}),
    });
  }
  return {
    objects,
    unrecorded: hp.steps.filter((s) => !byId.has(s.id)).map((s) => s.id),
    unplanned: steps.filter((s) => !planned.has(s.id)).map((s) => s.id),
  };
}

/** A host as `status` reports it. */
export type HostStatusState = 'in effect' | 'drift' | 'not configured' | 'unreadable';

export interface HostStatus {
  readonly host: string;
  readonly target: string;
  readonly state: HostStatusState;
  /** When `up` last saved the record. */
  readonly recordedAt?: string;
  readonly objects: readonly StatusObject[];
  readonly unrecorded: readonly string[];
  readonly unplanned: readonly string[];
  /** Why the host could not be read (unreadable) or has nothing to compare (not configured). */
  readonly error?: string;
}

export interface StatusReport {
  readonly tunnel: string;
  readonly file: string;
  /** Everything `up` made is in effect on every host, as it left it. */
  readonly ok: boolean;
  readonly hosts: readonly HostStatus[];
  readonly counts: { readonly inEffect: number; readonly missing: number; readonly changed: number };
  readonly durationMs: number;
}

/** The host's state from its comparison. */
export function hostState(c: HostComparison): HostStatusState {
  return c.objects.every((o) => o.state === 'in effect') && c.unrecorded.length === 0 && c.unplanned.length === 0 ? 'in effect' : 'drift';
}

/** 0 all in effect; 3 a host could not be read; else 1 (drift, or nothing configured). */
export function statusExitCode(r: StatusReport): 0 | 1 | 3 {
  if (r.hosts.some((h) => h.state === 'unreadable')) return 3;
  return r.ok ? 0 : 1;
}
