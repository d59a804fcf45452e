import { readFile, stat } from 'node:fs/promises';
import { UsageError } from './errors.js';
import { quote, sanitize } from './show.js';
import { isLinkLocal6, lastAddress, notUnicast, parseIp, parsePrefix, prefixContains, type Family, type IpAddress, type IpPrefix } from './address.js';
import { LABEL_MAX, LABEL_MIN, PLATFORM_LABELS_MAX, parseIfName, parseLabel } from './names.js';
import { parseTarget, type Target } from './target.js';
import { parseClasses, type TrafficClass } from './topology-classes.js';
import { Problems, mapOf, str, wholeNumber } from './topology-fields.js';
import { MAX_FILE_BYTES, joinPath, readYamlTree, utf8Text, type YNode } from './yaml-tree.js';

export { parseIfName, parseLabel, parseLabels, parseNetnsName } from './names.js';
export { parseTarget, formatTarget, type Target } from './target.js';
export type { TrafficClass } from './topology-classes.js';

/** gre carries over an IPv4 underlay, ip6gre over IPv6. */
export type TunnelMode = 'gre' | 'ip6gre';
/** 0 = off, 2 = loose. Strict (1) drops popped packets: they arrive on lo, not on the tunnel. */
export type RpFilter = 0 | 2;

/** The tunnel both hosts share. Addresses are in canonical text form. */
export interface TunnelSpec {
  /** Interface name on both hosts, 1..15 bytes. */
  readonly name: string;
  readonly mode: TunnelMode;
  /** Overlay prefix routed through the tunnel, e.g. "10.199.0.0/24". */
  readonly overlay: string;
  /** net.mpls.platform_labels to ensure on both hosts; above every label the hosts pop. */
  readonly platformLabels: number;
  /** Outer TTL of the GRE packets; absent = kernel default (inherit). */
  readonly ttl?: number;
}

/** One end of the tunnel. */
export interface HostSpec {
  /** The key under `hosts`; used in step ids ("A.link.add"). */
  readonly name: string;
  readonly target: Target;
  /** This host's tunnel endpoint (GRE local address). */
  readonly underlay: string;
  /** This host's address inside the overlay prefix, on the tunnel device. */
  readonly overlay: string;
  /** The label this host pushes toward its peer; the peer pops it. */
  readonly label: number;
  /** Traffic pushed under labels of its own instead of `label`; absent when the host has none. */
  readonly classes?: readonly TrafficClass[];
}

/** A validated topology: exactly two hosts, everything checked before any host is touched. */
export interface Topology {
  readonly tunnel: TunnelSpec;
  readonly rpFilter: RpFilter;
  readonly hosts: readonly [HostSpec, HostSpec];
}

const TOP_KEYS = ['tunnel', 'hosts', 'rpFilter'] as const;
const TUNNEL_KEYS = ['name', 'overlay', 'mode', 'platformLabels', 'ttl'] as const;
const HOST_KEYS = ['target', 'underlay', 'overlay', 'label', 'classes'] as const;
const HOST_REQUIRED = ['target', 'underlay', 'overlay', 'label'] as const;
const HOST_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;

function hostAddress(n: YNode, field: string): IpAddress {
  const a = parseIp(str(n, field), field);
  const bad = notUnicast(a);
  if (bad) throw new UsageError(field, `${a.text} ${bad}`);
  return a;
}

function overlayPrefix(n: YNode): IpPrefix {
  const field = 'tunnel.overlay';
  const overlay = parsePrefix(str(n, field), field);
  if (overlay.length === 0) throw new UsageError(field, `${overlay.text} covers every address; routing it into the tunnel would capture the underlay`);
  const start = { family: overlay.family, value: overlay.network, text: overlay.text.split('/')[0] ?? '' };
  const bad = notUnicast(start);
  if (bad) throw new UsageError(field, `${overlay.text} is not a unicast prefix (${start.text} ${bad})`);
  const maxLen = overlay.family === 4 ? 30 : 126;
  if (overlay.length > maxLen) {
    throw new UsageError(field, `${overlay.text} is too small: it needs room for two host addresses besides the network${overlay.family === 4 ? ' and broadcast' : ''} address (at most /${maxLen})`);
  }
  return overlay;
}

/** One host, with its parsed addresses kept for the checks that involve both hosts. */
interface ParsedHost {
  readonly spec: HostSpec;
  readonly underlay: IpAddress;
  readonly overlay: IpAddress;
  readonly path: string;
}

/** One host; undefined when any of its fields is wrong (each wrong field is added to `p`). */
function parseHost(p: Problems, name: string, node: YNode, overlay: IpPrefix | undefined): ParsedHost | undefined {
  if (!HOST_NAME_RE.test(name)) {
    p.add(new UsageError('hosts', `host name ${quote(name)} must be 1..32 of letters, digits, "_" and "-", starting with a letter or digit`));
    return undefined;
  }
  const before = p.list.length;
  const path = joinPath('hosts', name);
  const m = mapOf(p, node, path, HOST_KEYS, HOST_REQUIRED);
  if (!m) return undefined;
  const f = (k: string): string => joinPath(path, k);
  const field = <T>(k: string, parse: (n: YNode) => T): T | undefined => {
    const n = m.get(k);
    return n === undefined ? undefined : p.try(() => parse(n));
  };
  const target = field('target', (n) => parseTarget(str(n, f('target')), f('target')));
  const underlay = field('underlay', (n) => {
    const u = hostAddress(n, f('underlay'));
    if (isLinkLocal6(u)) throw new UsageError(f('underlay'), `${u.text} is link-local and needs a zone; use a global or unique-local address`);
    return u;
  });
  const ovl = field('overlay', (n) => hostAddress(n, f('overlay')));
  const label = field('label', (n) => parseLabel(wholeNumber(n, f('label'), `a label ${LABEL_MIN}..${LABEL_MAX}`), f('label')));

  if (ovl && overlay) {
    p.try(() => {
      if (ovl.family !== overlay.family) throw new UsageError(f('overlay'), `${ovl.text} is IPv${ovl.family} but tunnel.overlay ${overlay.text} is IPv${overlay.family}`);
      if (!prefixContains(overlay, ovl)) throw new UsageError(f('overlay'), `${ovl.text} is outside tunnel.overlay ${overlay.text}`);
      if (ovl.value === overlay.network) throw new UsageError(f('overlay'), `${ovl.text} is the network address of ${overlay.text}; pick a host address`);
      if (overlay.family === 4 && ovl.value === lastAddress(overlay)) {
        throw new UsageError(f('overlay'), `${ovl.text} is the broadcast address of ${overlay.text}; pick a host address`);
      }
    });
  }
  if (underlay && overlay && prefixContains(overlay, underlay)) {
    p.add(new UsageError(f('underlay'), `${underlay.text} is inside tunnel.overlay ${overlay.text}; the tunnel would route its own packets into itself`));
  }
  // The peer pops this label, and a host can only pop labels below platform_labels (at most 1048575).
  if (label !== undefined && label >= PLATFORM_LABELS_MAX) {
    p.add(new UsageError(f('label'), `${label} is a valid label but the peer cannot pop it: net.mpls.platform_labels is at most ${PLATFORM_LABELS_MAX}; use ${LABEL_MIN}..${PLATFORM_LABELS_MAX - 1}`));
  }
  const classesNode = m.get('classes');
  const classes = classesNode === undefined ? [] : parseClasses(p, classesNode, f('classes'));
  classes.forEach((c, i) => {
    if (label === c.label) p.add(new UsageError(`${f('classes')}[${i}].label`, `${c.label} is also this host's default label; a class needs a label of its own`));
  });
  if (p.list.length > before || !target || !underlay || !ovl || label === undefined) return undefined;
  const spec = { name, target, underlay: underlay.text, overlay: ovl.text, label, ...(classes.length ? { classes } : {}) };
  return { spec, underlay, overlay: ovl, path };
}

/** What the two ends must not share; the second host is the one named in the error. */
function checkPair(p: Problems, a: ParsedHost, b: ParsedHost): void {
  const other = a.spec.name;
  if (b.underlay.family !== a.underlay.family) {
    p.add(new UsageError(`${b.path}.underlay`, `${b.underlay.text} is IPv${b.underlay.family} but ${other}'s underlay ${a.underlay.text} is IPv${a.underlay.family}; both ends use one family`));
  } else if (b.underlay.value === a.underlay.value) {
    p.add(new UsageError(`${b.path}.underlay`, `${b.underlay.text} is also ${other}'s underlay; each end needs its own`));
  }
  if (b.overlay.value === a.overlay.value) p.add(new UsageError(`${b.path}.overlay`, `${b.overlay.text} is also ${other}'s overlay; each end needs its own`));
  if (b.spec.label === a.spec.label) {
    p.add(new UsageError(`${b.path}.label`, `${b.spec.label} is also ${other}'s label; give each direction its own label so captures and diagnoses can tell them apart`));
  }
  // Every label names one direction and class on the wire: a class label may not repeat any label of the other end.
  const theirs = new Map<number, string>([[a.spec.label, `${other}'s label`], ...(a.spec.classes ?? []).map((c) => [c.label, `the label of ${other}'s class ${quote(c.name)}`] as const)]);
  (b.spec.classes ?? []).forEach((c, i) => {
    const seen = theirs.get(c.label);
    if (seen) p.add(new UsageError(`${b.path}.classes[${i}].label`, `${c.label} is also ${seen}; give each direction and class its own label so captures and diagnoses can tell them apart`));
  });
  (a.spec.classes ?? []).forEach((c, i) => {
    if (c.label === b.spec.label) p.add(new UsageError(`${a.path}.classes[${i}].label`, `${c.label} is also ${b.spec.name}'s label; give each direction and class its own label so captures and diagnoses can tell them apart`));
  });
}

/** `family` is undefined when the underlay could not be read: the mode is then checked alone. */
function tunnelMode(n: YNode | undefined, family: Family | undefined): TunnelMode {
  const mode: TunnelMode = family === 6 ? 'ip6gre' : 'gre';
  if (!n) return mode;
  const given = str(n, 'tunnel.mode');
  if (given !== 'gre' && given !== 'ip6gre') throw new UsageError('tunnel.mode', `${quote(given)} is not supported; use gre (IPv4 underlay) or ip6gre (IPv6 underlay)`);
  if (family !== undefined && given !== mode) throw new UsageError('tunnel.mode', `${given} does not match the IPv${family} underlay; use ${mode}`);
  return given;
}

function platformLabelsOf(n: YNode | undefined, highest: number): number {
  if (!n) return Math.max(65535, highest + 1);
  const v = wholeNumber(n, 'tunnel.platformLabels', `a number ${highest + 1}..${PLATFORM_LABELS_MAX}`);
  if (v <= highest || v > PLATFORM_LABELS_MAX) {
    throw new UsageError('tunnel.platformLabels', `${v} is out of range: it must exceed the highest label (${highest}) and be at most ${PLATFORM_LABELS_MAX}`);
  }
  return v;
}

function ttlOf(n: YNode | undefined): number | undefined {
  if (!n) return undefined;
  const v = wholeNumber(n, 'tunnel.ttl', 'a TTL 1..255');
  if (v < 1 || v > 255) throw new UsageError('tunnel.ttl', `${v} is out of range; use 1..255`);
  return v;
}

function rpFilterOf(n: YNode | undefined): RpFilter {
  if (!n) return 2;
  const v = wholeNumber(n, 'rpFilter', '0 (off) or 2 (loose)');
  if (v === 1) throw new UsageError('rpFilter', "1 (strict) drops the tunnel's traffic: popped packets arrive on lo, not on the route back; use 2 (loose) or 0 (off)");
  if (v !== 0 && v !== 2) throw new UsageError('rpFilter', `${v} is not an rp_filter mode; use 2 (loose) or 0 (off)`);
  return v;
}

/**
 * Parses and validates a topology document. Throws one UsageError naming every wrong field
 * (`hosts.B.label`, `tunnel.name`, `FILE` for whole-file problems), the first as its `field`
 * (see UsageError.all). `source` names the file in messages.
 */
export function parseTopology(text: string, source = 'topology'): Topology {
  const tree = readYamlTree(text, source);
  if (tree.kind === 'scalar' && tree.value === null) throw new UsageError('FILE', `${sanitize(source)} is empty; expected tunnel: and hosts:`);
  const p = new Problems();
  const root = mapOf(p, tree, '', TOP_KEYS, ['tunnel', 'hosts']);
  if (!root) throw UsageError.all(p.list);
  const tunnelNode = root.get('tunnel');
  const tunnel = tunnelNode === undefined ? undefined : mapOf(p, tunnelNode, 'tunnel', TUNNEL_KEYS, ['name', 'overlay']);
  const nameNode = tunnel?.get('name');
  const name = nameNode === undefined ? undefined : p.try(() => {
    const n = parseIfName(str(nameNode, 'tunnel.name'), 'tunnel.name');
    // Every namespace has lo, and the plan pops labels to it: a tunnel of that name cannot be made.
    if (n === 'lo') throw new UsageError('tunnel.name', '"lo" is the loopback device every namespace has (the plan pops labels to it); name the tunnel, e.g. foo4');
    return n;
  });
  const overlayNode = tunnel?.get('overlay');
  const overlay = overlayNode === undefined ? undefined : p.try(() => overlayPrefix(overlayNode));

  const hostsNode = root.get('hosts');
  const hosts = hostsNode === undefined ? undefined : mapOf(p, hostsNode, 'hosts', hostsNode.kind === 'map' ? [...hostsNode.entries.keys()] : [], []);
  if (hosts && hosts.size !== 2) p.add(new UsageError('hosts', `has ${hosts.size} host${hosts.size === 1 ? '' : 's'}; a tunnel has exactly two ends`));
  const parsed = [...(hosts ?? [])].map(([hostName, node]) => parseHost(p, hostName, node, overlay));
  const [a, b] = parsed;
  const pair = parsed.length === 2 && a && b ? ([a, b] as const) : undefined;
  if (pair) checkPair(p, ...pair);

  const ttl = p.try(() => ttlOf(tunnel?.get('ttl')));
  const mode = p.try(() => tunnelMode(tunnel?.get('mode'), a?.underlay.family));
  const known = parsed.flatMap((h) => (h ? [h.spec.label, ...(h.spec.classes ?? []).map((c) => c.label)] : []));
  const platformLabels = p.try(() => platformLabelsOf(tunnel?.get('platformLabels'), Math.max(LABEL_MIN - 1, ...known)));
  const rpFilter = p.try(() => rpFilterOf(root.get('rpFilter')));
  // The class mechanism is IPv4's: iptables marks, ip rule, and the label at byte 24 of GRE over IPv4.
  for (const h of parsed) {
    if (!h?.spec.classes) continue;
    if (a?.underlay.family === 6) p.add(new UsageError(`${h.path}.classes`, 'classes need an IPv4 underlay (gre): the outer DSCP is set by matching the label right after the 20-byte IPv4 and 4-byte GRE headers'));
    else if (overlay?.family === 6) p.add(new UsageError(`${h.path}.classes`, 'classes need an IPv4 overlay: the class is chosen by an iptables mark and an IPv4 policy rule'));
  }
  p.throwIfAny();
  return {
    tunnel: {
      name: name!,
      mode: mode!,
      overlay: overlay!.text,
      platformLabels: platformLabels!,
      ...(ttl === undefined ? {} : { ttl }),
    },
    rpFilter: rpFilter!,
    hosts: [pair![0].spec, pair![1].spec],
  };
}

/** Reads and parses a topology file. A file that cannot be read is a UsageError on `FILE`. */
export async function loadTopology(path: string): Promise<Topology> {
  let data: Buffer;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new UsageError('FILE', `${sanitize(path)} is not a regular file`);
    if (st.size > MAX_FILE_BYTES) throw new UsageError('FILE', `${sanitize(path)} is ${st.size} bytes; topology files are at most ${MAX_FILE_BYTES} bytes (1 MiB)`);
    data = await readFile(path);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new UsageError('FILE', `cannot read ${sanitize(path)} (${code})`, e);
  }
  return parseTopology(utf8Text(data, path), path);
}
