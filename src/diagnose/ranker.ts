import type { Evidence } from '../core/check.js';
import type { ModuleFacts } from '../probes/modules.js';
import { CAUSES, type CauseId } from './causes.js';
import { labelValue } from './command-line.js';
import { configuredTunnels, tunnelsOf } from './tunnels.js';
import { displayCommand } from './transcript.js';
import type { Confidence, DiagnoseFacts, LinkFacts, RankedCause, RuledOut, Subject } from './types.js';

/** What the live facts say of one candidate. */
export interface Assessment {
  /** confirmed: the facts decide it; consistent: they agree; unknown: they cannot tell; ruled_out. */
  readonly verdict: 'confirmed' | 'consistent' | 'unknown' | 'ruled_out';
  readonly explanation: string;
  readonly evidence: readonly Evidence[];
  readonly fix?: string;
}

export interface RankInput {
  readonly candidates: readonly CauseId[];
  readonly subject: Subject;
  readonly facts: DiagnoseFacts;
  /** The message alone names the cause (a knowledge entry's `decisive`). */
  readonly decisive: boolean;
}

const CONFIDENCE: Record<Assessment['verdict'], Confidence | undefined> = { confirmed: 'certain', consistent: 'likely', unknown: 'possible', ruled_out: undefined };
const ORDER: Confidence[] = ['certain', 'likely', 'possible'];

/**
 * Ranks the candidates over the live facts. Pure: the same facts give the same answer. A
 * decisive message with a single candidate is certain whatever the probes say now; when they
 * disagree, the explanation says the host has changed since.
 */
export function rank(input: RankInput): { causes: RankedCause[]; ruledOut: RuledOut[] } {
  const single = input.decisive && input.candidates.length === 1;
  const causes: RankedCause[] = [];
  const ruledOut: RuledOut[] = [];
  for (const id of input.candidates) {
    const a = ASSESS[id](input.subject, input.facts);
    let confidence = CONFIDENCE[a.verdict];
    let explanation = a.explanation;
    if (single && a.verdict !== 'confirmed') {
      explanation = a.verdict === 'ruled_out' ? `the message says so, but now ${a.explanation}: the host has changed since it was printed` : `the message says so; ${a.explanation}`;
      confidence = 'certain';
    }
    if (confidence === undefined) {
      ruledOut.push({ id, explanation, evidence: a.evidence });
      continue;
    }
    causes.push({ id, title: CAUSES[id].title, confidence, explanation, evidence: a.evidence, fix: a.fix ?? CAUSES[id].fix });
  }
  causes.sort((x, y) => ORDER.indexOf(x.confidence) - ORDER.indexOf(y.confidence));
  return { causes, ruledOut };
}

const ev = (source: string, value: string): Evidence => ({ source, value });
const verdict = (v: Assessment['verdict'], explanation: string, evidence: Evidence[] = [], fix?: string): Assessment => ({
  verdict: v, explanation, evidence, ...(fix ? { fix } : {}),
});

/** Runs fix commands in the namespace the failing command ran in. */
function inNs(s: Subject, cmds: readonly string[]): string {
  const ns = s.netns;
  return cmds.map((c) => (ns ? `ip netns exec ${ns} ${c}` : c)).join(' && ');
}

const persist = (m: string): string => `modprobe ${m} && echo ${m} >> /etc/modules-load.d/mpls.conf`;

/** The evidence that says most about a module: its file, the config line, or /proc/modules. */
function moduleEvidence(m: ModuleFacts): Evidence[] {
  if (m.state === 'loadable' && m.file) return [ev(m.file, 'present')];
  if (m.state === 'loaded') return m.evidence.filter((e) => e.source === '/proc/modules' || e.source.endsWith('/initstate'));
  return [...m.evidence];
}

function moduleFix(m: ModuleFacts): string {
  if (m.state === 'loadable') return persist(m.module);
  if (m.noModuleSupport) return `boot a kernel built with ${m.configOption}=y (this kernel has no module support: no modprobe can fix it)`;
  if (m.reason.includes('module file is absent')) return m.reason.slice(m.reason.lastIndexOf(': ') + 2);
  if (m.state === 'missing') return `boot a kernel built with ${m.configOption}=m or =y`;
  return `${persist(m.module)}   # if modprobe cannot find it, install your distribution's modules package or boot a kernel with ${m.configOption}`;
}

/** How the module stands, in a phrase: "is not loaded (module file present)". */
function moduleState(m: ModuleFacts): string {
  switch (m.state) {
    case 'loaded':
      return 'is loaded';
    case 'builtin':
      return 'is built in';
    case 'loadable':
      return 'is not loaded (module file present)';
    case 'missing':
      return `is missing: ${m.reason}`;
    case 'unknown':
      return 'is not loaded; nothing tells whether it can be (no kernel config, no module index)';
  }
}

const mplsDir = (f: DiagnoseFacts): Evidence | undefined =>
  f.platformLabels ? ev('/proc/sys/net/mpls', f.platformLabels.value === undefined ? 'absent' : 'present') : undefined;
const mplsActive = (f: DiagnoseFacts): boolean | undefined => (f.platformLabels ? f.platformLabels.value !== undefined : undefined);

function assessRouter(_s: Subject, f: DiagnoseFacts): Assessment {
  const m = f.modules.mpls_router;
  const dir = mplsDir(f);
  const active = mplsActive(f);
  if (active === undefined) return verdict('unknown', 'net.mpls was not read');
  if (active) return verdict('ruled_out', `net.mpls exists: MPLS forwarding is active${m ? ` (mpls_router ${moduleState(m)})` : ''}`, [dir!]);
  const evidence = [dir!, ...(m ? moduleEvidence(m) : [])];
  if (!m) return verdict('confirmed', 'the kernel has no MPLS forwarding: /proc/sys/net/mpls is absent', evidence);
  return verdict('confirmed', `the kernel has no MPLS forwarding: mpls_router ${moduleState(m)}`, evidence, moduleFix(m));
}

function assessModule(module: string): (s: Subject, f: DiagnoseFacts) => Assessment {
  return (_s, f) => {
    const m = f.modules[module];
    if (!m) return verdict('unknown', `${module} was not examined`);
    const evidence = moduleEvidence(m);
    if (m.state === 'loaded' || m.state === 'builtin') return verdict('ruled_out', `${module} ${moduleState(m)}`, evidence);
    if (m.state === 'unknown') return verdict('consistent', `${module} ${moduleState(m)}`, evidence, moduleFix(m));
    return verdict('confirmed', `${module} ${moduleState(m)}`, evidence, moduleFix(m));
  };
}

/** The labels the finding is about, as numbers (the route's own label first). */
const labelsOf = (s: Subject): number[] => s.labels.map(labelValue).filter((n): n is number => n !== undefined);
/** The labels this host must route: those named, else the tunnel's (--labels). */
const routedLabels = (s: Subject): number[] => {
  if (s.command?.kind === 'mpls-route') return labelsOf(s).slice(0, 1);
  const named = labelsOf(s);
  return named.length ? named : [...s.givenLabels];
};

function platformFix(s: Subject, labels: readonly number[]): string {
  const top = labels.length ? Math.max(...labels) : 0;
  if (top >= 1_048_575) return 'label 1048575 can never have a route: net.mpls.platform_labels is at most 1048575 (labels 0..1048574); use a label from 16 to 1048574';
  const n = Math.max(65535, top + 1);
  return inNs(s, [`sysctl -w net.mpls.platform_labels=${n}`]) + ` && echo net.mpls.platform_labels=${n} >> /etc/sysctl.d/90-mpls.conf`;
}

function assessPlatformLabels(s: Subject, f: DiagnoseFacts): Assessment {
  const pl = f.platformLabels;
  if (!pl) return verdict('unknown', 'net.mpls.platform_labels was not read');
  const evidence = [ev(pl.path, pl.value ?? pl.error ?? 'absent')];
  if (pl.value === undefined) return verdict('ruled_out', 'net.mpls is absent: the kernel has no MPLS forwarding at all (mpls_router)', evidence);
  const value = Number(pl.value);
  const labels = routedLabels(s);
  const fix = platformFix(s, labels);
  if (value === 0) {
    return verdict('confirmed', `net.mpls.platform_labels is 0${s.netns ? ` in namespace ${s.netns}` : ''} (the default in every new network namespace): no label can have a route`, evidence, fix);
  }
  const over = labels.filter((l) => l >= value);
  if (over.length) {
    const l = Math.max(...over);
    const why = l >= 1_048_575 ? `label ${l} needs platform_labels ${l + 1}, above the most the kernel takes (1048575)` : `label ${l} is not below net.mpls.platform_labels (${value})`;
    return verdict('confirmed', why, evidence, fix);
  }
  if (labels.length) return verdict('ruled_out', `net.mpls.platform_labels is ${value}, above label ${Math.max(...labels)}`, evidence);
  return verdict('unknown', `net.mpls.platform_labels is ${value}; no label given to compare (--labels)`, evidence, fix);
}

function assessReserved(s: Subject): Assessment {
  const labels = labelsOf(s);
  const reserved = labels.filter((l) => l < 16);
  const fix = 'use a label from 16 to 1048574';
  if (reserved.includes(3)) return verdict('confirmed', 'label 3 is implicit null: it means "pop", so it can never be pushed nor have a route', [], fix);
  if (reserved.length) {
    const l = reserved[0]!;
    const name = l === 0 ? ' (IPv4 explicit null)' : l === 2 ? ' (IPv6 explicit null)' : l === 1 ? ' (router alert)' : '';
    return verdict('confirmed', `label ${l}${name} is reserved: labels 0-15 are (RFC 3032)`, [], fix);
  }
  if (labels.length) return verdict('ruled_out', `the labels (${labels.join(', ')}) are 16 or above`);
  return verdict('unknown', 'no label in the command to check');
}

function assessOutOfRange(s: Subject): Assessment {
  const fix = 'use a label from 16 to 1048574';
  for (const text of s.labels) {
    const n = labelValue(text);
    if (n === undefined) return verdict('confirmed', `"${text}" is not a label: labels are whole numbers (decimal or 0x hex)`, [], fix);
    if (n > 1_048_575) return verdict('confirmed', `${text} is above 1048575: MPLS labels are 20 bits`, [], fix);
  }
  if (s.labels.length) return verdict('ruled_out', `the labels (${s.labels.join(', ')}) fit in 20 bits`);
  return verdict('unknown', 'no label in the command to check');
}

/** The failing command with `add` turned into `replace`. */
function replaceFix(s: Subject): string | undefined {
  const c = s.command;
  if (!c || c.verb !== 'add') return undefined;
  const argv = [...c.argv];
  const at = argv.findIndex((w, i) => i > 0 && 'add'.startsWith(w) && w.length > 0 && ['route', 'ro', 'r', 'rou', 'rout'].includes(argv[i - 1] ?? ''));
  if (at === -1) return undefined;
  argv[at] = 'replace';
  return inNs(s, [displayCommand(argv)]) + '   # replaces the existing route';
}

function assessRouteExists(s: Subject, f: DiagnoseFacts): Assessment {
  if (s.command?.kind === 'mpls-route') {
    const label = labelsOf(s)[0];
    const r = f.mplsRoutes;
    if (!r || label === undefined) return verdict('unknown', 'no label to look up');
    if (r.value === undefined) return verdict('unknown', `${r.source} failed: ${r.error ?? '?'}`);
    const evidence = [ev(r.source, r.value.length ? `labels ${r.value.join(', ')}` : 'no MPLS routes')];
    if (r.value.includes(label)) return verdict('confirmed', `label ${label} already has an MPLS route`, evidence, replaceFix(s));
    return verdict('ruled_out', `label ${label} has no MPLS route now`, evidence);
  }
  const prefix = s.prefix;
  const r = prefix ? f.routes[prefix] : undefined;
  if (!prefix || !r) return verdict('unknown', 'no route prefix to look up');
  if (r.value === undefined) return verdict('unknown', `${r.source} failed: ${r.error ?? '?'}`);
  const evidence = [ev(r.source, `${r.value} route${r.value === 1 ? '' : 's'}`)];
  if (r.value > 0) return verdict('confirmed', `a route for ${prefix} already exists`, evidence, replaceFix(s));
  return verdict('ruled_out', `no route for ${prefix} now`, evidence);
}

function assessRouteAbsent(s: Subject, f: DiagnoseFacts): Assessment {
  const prefix = s.prefix;
  const r = prefix ? f.routes[prefix] : undefined;
  if (s.command?.kind === 'mpls-route') {
    const label = labelsOf(s)[0];
    const m = f.mplsRoutes;
    if (label === undefined || m?.value === undefined) return verdict('unknown', 'no MPLS route table to look at');
    const evidence = [ev(m.source, m.value.length ? `labels ${m.value.join(', ')}` : 'no MPLS routes')];
    return m.value.includes(label) ? verdict('ruled_out', `label ${label} has a route now`, evidence) : verdict('confirmed', `label ${label} has no MPLS route`, evidence);
  }
  if (!prefix || !r) return verdict('unknown', 'no route prefix to look up');
  if (r.value === undefined) return verdict('unknown', `${r.source} failed: ${r.error ?? '?'}`);
  const evidence = [ev(r.source, `${r.value} route${r.value === 1 ? '' : 's'}`)];
  return r.value === 0 ? verdict('confirmed', `there is no route for ${prefix} (in the main table)`, evidence) : verdict('ruled_out', `a route for ${prefix} exists now`, evidence);
}

const ifaceEvidence = (f: DiagnoseFacts, name: string): Evidence => {
  const i = f.interfaces[name];
  if (!i) return ev(`/sys/class/net/${name}`, 'not read');
  if (!i.exists) return ev(`/sys/class/net/${name}`, 'absent');
  return ev(`/sys/class/net/${name}`, `flags 0x${(i.flags ?? 0).toString(16)}, ${i.operstate ?? '?'}, mtu ${i.mtu ?? '?'}`);
};

function assessInterfaceExists(s: Subject, f: DiagnoseFacts): Assessment {
  const name = s.iface;
  const i = name ? f.interfaces[name] : undefined;
  if (!name || !i) return verdict('unknown', 'no interface name to look up');
  const evidence = [ifaceEvidence(f, name)];
  if (i.exists) return verdict('confirmed', `an interface named ${name} already exists`, evidence, inNs(s, [`ip link del ${name}`]) + '   # or reuse it; mplsgre up is idempotent');
  return verdict('ruled_out', `no interface named ${name} now`, evidence);
}

const sameTunnel = (a: LinkFacts, local?: string, remote?: string): boolean => a.local === local && a.remote === remote;

function assessTunnelExists(s: Subject, f: DiagnoseFacts): Assessment {
  const name = s.iface;
  const c = s.command;
  if (name && f.interfaces[name]?.exists) {
    return verdict('confirmed', `an interface named ${name} already exists`, [ifaceEvidence(f, name)], inNs(s, [`ip tunnel del ${name}`]) + '   # or reuse it');
  }
  const links = f.links?.value;
  if (!links) return verdict('unknown', 'the tunnels could not be listed');
  const twin = configuredTunnels(links).find((l) => l.name !== name && sameTunnel(l, c?.local, c?.remote));
  const evidence = [ev(f.links!.source, configuredTunnels(links).map((l) => `${l.name} ${l.kind} local ${l.local ?? 'any'} remote ${l.remote}`).join('; ') || 'no GRE tunnels')];
  if (twin) {
    return verdict('confirmed', `tunnel ${twin.name} already joins local ${twin.local ?? 'any'} to remote ${twin.remote}: GRE tells tunnels apart by endpoints (and key) only`, evidence,
      `use ${twin.name}, or delete it (${inNs(s, [`ip tunnel del ${twin.name}`])}), or give both tunnels a key`);
  }
  return verdict('unknown', 'no tunnel with these endpoints now', evidence);
}

function assessDeviceDown(s: Subject, f: DiagnoseFacts): Assessment {
  const names = tunnelsOf(s, f.links);
  if (!names.length) return verdict('unknown', 'no tunnel found to examine (give --iface)');
  const evidence = names.map((n) => ifaceEvidence(f, n));
  const down = names.filter((n) => f.interfaces[n]?.exists && ((f.interfaces[n]!.flags ?? 1) & 1) === 0);
  if (down.length) return verdict('confirmed', `${down.join(', ')} ${down.length === 1 ? 'is' : 'are'} down (administratively: IFF_UP is clear)`, evidence, inNs(s, down.map((d) => `ip link set ${d} up`)));
  const missing = names.filter((n) => f.interfaces[n] && !f.interfaces[n]!.exists);
  if (missing.length === names.length) return verdict('ruled_out', `${missing.join(', ')} does not exist`, evidence);
  return verdict('ruled_out', `${names.filter((n) => !missing.includes(n)).join(', ')} up`, evidence);
}

function assessInterfaceMissing(s: Subject, f: DiagnoseFacts): Assessment {
  const name = s.iface;
  const i = name ? f.interfaces[name] : undefined;
  if (!name || !i) return verdict('unknown', 'no interface name to look up');
  const evidence = [ifaceEvidence(f, name)];
  if (!i.exists) {
    const where = s.netns ? ` in namespace ${s.netns}` : ' in this network namespace';
    return verdict('confirmed', `${name} does not exist${where}`, evidence,
      `create it first (mplsgre up FILE, or ip tunnel add ${name} mode gre local ... remote ...), or run the command in the namespace that holds it`);
  }
  return verdict('ruled_out', `${name} exists now`, evidence);
}

function assessNotMplsCapable(s: Subject, f: DiagnoseFacts): Assessment {
  const name = s.iface;
  if (!name) return verdict('unknown', 'no interface name to look up');
  const active = mplsActive(f);
  const i = f.interfaces[name];
  const conf = f.mplsInput[name];
  if (active === false) return verdict('ruled_out', 'net.mpls is absent: no interface has an MPLS configuration until mpls_router is loaded', [mplsDir(f)!]);
  if (!i?.exists) return verdict('ruled_out', `${name} does not exist`, [ifaceEvidence(f, name)]);
  const evidence = [ifaceEvidence(f, name), ...(conf ? [ev(conf.path, conf.value ?? conf.error ?? 'absent')] : [])];
  if (conf && conf.value === undefined) {
    return verdict('confirmed', `${name} (device type ${i.type ?? '?'}) has no net.mpls.conf entry: this kernel gives MPLS configuration only to some device types`, evidence);
  }
  return verdict('ruled_out', `${name} has an MPLS configuration`, evidence);
}

const RP_MODE = ['off', 'strict', 'loose'];

function assessRpFilter(s: Subject, f: DiagnoseFacts): Assessment {
  const all = f.rpFilter.all;
  if (!all || all.value === undefined) return verdict('unknown', 'net.ipv4.conf.all.rp_filter unreadable');
  const devices = Object.keys(f.rpFilter).filter((k) => k !== 'all');
  const evidence = [all, ...devices.map((d) => f.rpFilter[d]!)].map((v) => ev(v.path, v.value ?? v.error ?? 'absent'));
  const effective = devices.flatMap((d) => {
    const v = f.rpFilter[d]!.value;
    return v === undefined ? [] : [[d, Math.max(Number(all.value), Number(v))] as const];
  });
  const strict = effective.filter(([, e]) => e === 1).map(([d]) => d);
  const shown = effective.map(([d, e]) => `${d} ${e} (${RP_MODE[e] ?? '?'})`).join(', ');
  if (!strict.length) return verdict('ruled_out', `effective rp_filter: ${shown}`, evidence);
  const drops = f.rpFilterDrops;
  if (drops) evidence.push(ev(drops.source, drops.value === undefined ? drops.error ?? '?' : String(drops.value)));
  const fix = inNs(s, ['sysctl -w net.ipv4.conf.all.rp_filter=2', ...strict.map((d) => `sysctl -w net.ipv4.conf.${d}.rp_filter=2`)]);
  const why = `strict reverse-path filtering on ${strict.join(', ')} (effective: ${shown}): packets a label route delivers there come from a source routed via the tunnel, and are dropped`;
  if (drops?.value !== undefined && drops.value > 0) return verdict('confirmed', `${why}; the kernel counted ${drops.value} such drop${drops.value === 1 ? '' : 's'}`, evidence, fix);
  return verdict('consistent', `${why}${drops?.value === 0 ? ' (none counted yet)' : ''}`, evidence, fix);
}

function statsEvidence(f: DiagnoseFacts, name: string): Evidence | undefined {
  const st = f.mplsStats[name];
  if (!st) return undefined;
  return ev(st.source, st.value ? `rx dropped ${st.value.rxDropped}, noroute ${st.value.rxNoroute}` : st.error ?? '?');
}

function assessInputDisabled(s: Subject, f: DiagnoseFacts): Assessment {
  const names = tunnelsOf(s, f.links);
  if (!names.length) return verdict('unknown', 'no tunnel found to examine (give --iface)');
  const evidence: Evidence[] = [];
  const off: string[] = [];
  for (const n of names) {
    const v = f.mplsInput[n];
    if (v) evidence.push(ev(v.path, v.value ?? v.error ?? 'absent'));
    const st = statsEvidence(f, n);
    if (st) evidence.push(st);
    if (v?.value === '0') off.push(n);
  }
  if (off.length) {
    const dropped = off.reduce((sum, n) => sum + (f.mplsStats[n]?.value?.rxDropped ?? 0), 0);
    return verdict('confirmed', `MPLS input is disabled on ${off.join(', ')}${dropped ? `: ${dropped} labelled packet${dropped === 1 ? '' : 's'} dropped on arrival` : ''}`, evidence,
      inNs(s, off.map((n) => `sysctl -w net.mpls.conf.${n}.input=1`)));
  }
  if (names.every((n) => f.mplsInput[n]?.value === '1')) return verdict('ruled_out', `MPLS input enabled on ${names.join(', ')}`, evidence);
  return verdict('unknown', 'MPLS input could not be read', evidence);
}

function assessNotRouted(s: Subject, f: DiagnoseFacts): Assessment {
  const routes = f.mplsRoutes?.value;
  if (routes === undefined) return verdict('unknown', 'the MPLS routes could not be listed');
  const pushed = f.pushedLabels?.value ?? [];
  const evidence = [ev(f.mplsRoutes!.source, routes.length ? `labels ${routes.join(', ')}` : 'no MPLS routes')];
  if (f.pushedLabels?.value) evidence.push(ev(f.pushedLabels.source, pushed.length ? `pushes ${pushed.join(', ')}` : 'pushes no label'));
  const names = tunnelsOf(s, f.links);
  for (const n of names) {
    const st = statsEvidence(f, n);
    if (st) evidence.push(st);
  }
  const noroute = names.reduce((sum, n) => sum + (f.mplsStats[n]?.value?.rxNoroute ?? 0), 0);
  const incoming = s.givenLabels.filter((l) => !pushed.includes(l));
  const missing = incoming.filter((l) => !routes.includes(l));
  const fix = (labels: readonly number[]): string => inNs(s, labels.map((l) => `ip -f mpls route add ${l} dev lo`));
  const counted = noroute ? `; ${noroute} labelled packet${noroute === 1 ? '' : 's'} arrived with no route` : '';
  if (missing.length) {
    return verdict('confirmed', `label${missing.length === 1 ? '' : 's'} ${missing.join(', ')} (pushed by the peer) ${missing.length === 1 ? 'has' : 'have'} no MPLS route here${counted}`, evidence, fix(missing));
  }
  if (incoming.length) return verdict('ruled_out', `every label the peer pushes (${incoming.join(', ')}) has a route`, evidence);
  if (noroute) return verdict('confirmed', `labelled packets arrived for labels without a route${counted}`, evidence, 'ip -f mpls route add LABEL dev lo   # for the label the peer pushes (give --labels to name it)');
  if (!routes.length) return verdict('consistent', 'this host routes no label at all', evidence, 'ip -f mpls route add LABEL dev lo   # for the label the peer pushes');
  return verdict('unknown', 'which label the peer pushes is unknown (give --labels)', evidence);
}

function assessMtu(s: Subject, f: DiagnoseFacts): Assessment {
  const names = tunnelsOf(s, f.links);
  const evidence = names.map((n) => ifaceEvidence(f, n));
  const mtus = names.map((n) => f.interfaces[n]?.mtu).filter((m): m is number => m !== undefined);
  if (s.mtu !== undefined) {
    const fix = `send at most ${s.mtu - 28} bytes of ICMP payload (ping -s ${s.mtu - 28}), or raise the underlay MTU (a GRE tunnel's MTU is the underlay's less 24; each label takes 4 more)`;
    return verdict('confirmed', `the packet is larger than the path MTU, ${s.mtu} bytes${mtus.length ? ` (tunnel MTU ${mtus.join(', ')} less 4 per label)` : ''}`, evidence, fix);
  }
  const ping = s.command?.ping;
  if (!ping) return verdict('unknown', 'packet size unknown', evidence);
  const size = (ping.size ?? 56) + 28;
  const smallest = mtus.length ? Math.min(...mtus) - 4 : undefined;
  if (smallest === undefined) return verdict('unknown', 'tunnel MTU unknown', evidence);
  if (size > smallest && ping.dontFragment) {
    return verdict('confirmed', `${size}-byte packets with don't-fragment exceed the ${smallest} bytes the tunnel carries with one label`, evidence, `ping -M do -s ${smallest - 28} ...`);
  }
  if (size > smallest) return verdict('consistent', `${size}-byte packets exceed the ${smallest} bytes the tunnel carries with one label: they are fragmented`, evidence);
  return verdict('ruled_out', `${size}-byte packets fit the ${smallest} bytes the tunnel carries with one label`, evidence);
}

const GOOD_NEIGH = /REACHABLE|STALE|DELAY|PROBE|PERMANENT|NOARP/;
const BAD_NEIGH = /FAILED|INCOMPLETE/;

function assessEndpoints(s: Subject, f: DiagnoseFacts): Assessment {
  const links = f.links?.value;
  if (!links) return verdict('unknown', 'the tunnels could not be listed');
  const names = tunnelsOf(s, f.links);
  const tunnels = names.map((n) => links.find((l) => l.name === n)).filter((l): l is LinkFacts => l !== undefined);
  if (!tunnels.length) return verdict('unknown', 'no tunnel found to examine (give --iface)');
  const local = new Set(links.flatMap((l) => l.addresses));
  const evidence = tunnels.map((t) => ev(f.links!.source, `${t.name} local ${t.local ?? 'any'} remote ${t.remote ?? '?'}`));
  const foreign = tunnels.filter((t) => t.local !== undefined && t.local !== 'any' && !local.has(t.local));
  if (foreign.length) {
    const t = foreign[0]!;
    evidence.push(ev(f.links!.source, `addresses here: ${[...local].filter((a) => !a.startsWith('fe80:')).join(', ') || 'none'}`));
    return verdict('confirmed', `${t.name}'s local address ${t.local} is not on this host: its packets leave with a source the peer does not expect, and the peer's never match it`, evidence,
      inNs(s, [`ip tunnel change ${t.name} mode ${t.kind ?? 'gre'} local ADDRESS-OF-THIS-HOST remote ${t.remote ?? 'PEER'}`]));
  }
  const neigh = tunnels.map((t) => [t, t.remote ? f.neighbours[t.remote] : undefined] as const);
  for (const [, n] of neigh) if (n) evidence.push(ev(n.source, n.value ?? n.error ?? '?'));
  const silent = neigh.filter(([, n]) => n?.value !== undefined && BAD_NEIGH.test(n.value)).map(([t]) => t);
  if (silent.length) {
    return verdict('consistent', `nobody answers at ${silent.map((t) => `${t.name}'s remote ${t.remote}`).join(', ')}: a wrong remote address, or the peer is down`, evidence);
  }
  if (neigh.every(([, n]) => n?.value !== undefined && GOOD_NEIGH.test(n.value))) {
    return verdict('ruled_out', 'the local address is this host\'s and the remote answers', evidence);
  }
  return verdict('unknown', 'the local address is this host\'s; whether the peer names this host as its remote can only be seen there', evidence);
}

function assessUnderlay(s: Subject, f: DiagnoseFacts): Assessment {
  const targets = s.address ? [s.address] : tunnelsOf(s, f.links).map((n) => f.links?.value?.find((l) => l.name === n)?.remote).filter((a): a is string => a !== undefined);
  if (!targets.length) return verdict('unknown', 'no peer address to try');
  const evidence: Evidence[] = [];
  const unreachable: string[] = [];
  const silent: string[] = [];
  for (const a of targets) {
    const r = f.reach[a];
    if (r) evidence.push(ev(r.source, r.value !== undefined ? `via ${r.value}` : r.error ?? '?'));
    if (r && r.value === undefined) unreachable.push(a);
    const n = f.neighbours[a];
    if (n) evidence.push(ev(n.source, n.value ?? n.error ?? '?'));
    if (n?.value !== undefined && BAD_NEIGH.test(n.value)) silent.push(a);
  }
  const fix = inNs(s, unreachable.map((a) => `ip route get ${a}`)) + '   # must name a device: add a route to the peer, or fix the underlay address';
  if (unreachable.length) return verdict('confirmed', `no route to ${unreachable.join(', ')}: ${f.reach[unreachable[0]!]?.error ?? 'unreachable'}`, evidence, fix);
  if (silent.length) return verdict('consistent', `a route to ${silent.join(', ')} exists, but nothing answers there (neighbour ${f.neighbours[silent[0]!]?.value})`, evidence);
  if (targets.every((a) => f.reach[a]?.value !== undefined)) return verdict('ruled_out', `${targets.join(', ')} routed`, evidence);
  return verdict('unknown', 'reachability not examined', evidence);
}

function assessPrivileges(_s: Subject, f: DiagnoseFacts): Assessment {
  const p = f.privileges;
  if (!p || p.capEff === undefined) return verdict('unknown', 'capabilities unreadable');
  const evidence = [ev(p.source, `CapEff ${p.capEff.toString(16).padStart(16, '0')}, uid ${p.uid ?? '?'}`)];
  const has = ((p.capEff >> 12n) & 1n) === 1n;
  if (!has) return verdict('confirmed', 'this process lacks CAP_NET_ADMIN, as the command did', evidence, 'run it as root (sudo ...)');
  return verdict('consistent', 'the command ran without CAP_NET_ADMIN (this process has it: it was run without sudo, or in a namespace it does not own)', evidence, 'run it as root (sudo ...) in the namespace it configures');
}

function assessSysctlValue(s: Subject): Assessment {
  const { key, value } = s;
  if (!key || value === undefined) return verdict('unknown', 'no key and value to check');
  const n = /^-?\d+$/.test(value) ? Number(value) : undefined;
  if (key === 'net.mpls.platform_labels') {
    if (n === undefined || n < 0 || n > 1_048_575) return verdict('confirmed', `${value} is not in 0..1048575, what net.mpls.platform_labels takes`, [], inNs(s, ['sysctl -w net.mpls.platform_labels=65535']));
    return verdict('ruled_out', `${value} is in range`);
  }
  if (/\.input$/.test(key) && n !== 0 && n !== 1) return verdict('confirmed', `${key} takes 0 or 1 (got ${value})`, [], inNs(s, [`sysctl -w ${key}=1`]));
  if (/\.rp_filter$/.test(key) && (n === undefined || n < 0 || n > 2)) return verdict('confirmed', `${key} takes 0, 1 or 2 (got ${value})`, [], inNs(s, [`sysctl -w ${key}=2`]));
  return verdict('unknown', `the kernel refused ${value} for ${key}`);
}

const ASSESS: Record<CauseId, (s: Subject, f: DiagnoseFacts) => Assessment> = {
  // A verify finding (from captures), never the reading of an error message.
  route_not_labelled: () => verdict('unknown', 'told only by verify, from the packets on the wire'),
  // verify reads them from the host before it sends anything; no error message names them.
  overlay_address_absent: () => verdict('unknown', 'told only by verify, from the host\'s addresses'),
  overlay_route_absent: () => verdict('unknown', 'told only by verify, from the host\'s routes'),
  mpls_router_missing: assessRouter,
  mpls_iptunnel_missing: assessModule('mpls_iptunnel'),
  ip_gre_missing: assessModule('ip_gre'),
  platform_labels_too_small: assessPlatformLabels,
  label_reserved: assessReserved,
  label_out_of_range: assessOutOfRange,
  route_exists: assessRouteExists,
  route_absent: assessRouteAbsent,
  interface_exists: assessInterfaceExists,
  tunnel_exists: assessTunnelExists,
  device_down: assessDeviceDown,
  interface_missing: assessInterfaceMissing,
  interface_not_mpls_capable: assessNotMplsCapable,
  rp_filter_strict: assessRpFilter,
  mpls_input_disabled: assessInputDisabled,
  label_not_routed: assessNotRouted,
  mtu_exceeded: assessMtu,
  tunnel_endpoint_mismatch: assessEndpoints,
  underlay_unreachable: assessUnderlay,
  not_privileged: assessPrivileges,
  sysctl_value_invalid: assessSysctlValue,
};
