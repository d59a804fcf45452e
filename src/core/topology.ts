import { readFile, stat } from 'node:fs/promises';
import { UsageError } from './errors.js';
import { quote, sanitize } from './show.js';
import { isLinkLocal6, lastAddress, notUnicast, parseIp, parsePrefix, prefixContains, type Family, type IpAddress, type IpPrefix } from './address.js';
import { LABEL_MAX, LABEL_MIN, PLATFORM_LABELS_MAX, parseIfName, parseLabel } from './names.js';
import { nearest } from './suggest.js';
import { parseTarget, type Target } from './target.js';
import { MAX_FILE_BYTES, joinPath, readYamlTree, utf8Text, type YNode } from './yaml-tree.js';

export { parseIfName, parseLabel, parseLabels, parseNetnsName } from './names.js';
export { parseTarget, formatTarget, type Target } from './target.js';

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
}

/** A validated topology: exactly two hosts, everything checked before any host is touched. */
export interface Topology {
  readonly tunnel: TunnelSpec;
  readonly rpFilter: RpFilter;
  readonly hosts: readonly [HostSpec, HostSpec];
}

const TOP_KEYS = ['tunnel', 'hosts', 'rpFilter'] as const;
const TUNNEL_KEYS = ['name', 'overlay', 'mode', 'platformLabels', 'ttl'] as const;
const HOST_KEYS = ['target', 'underlay', 'overlay', 'label'] as const;
const HOST_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;

function describe(n: YNode): string {
  if (n.kind === 'map') return 'a map';
  if (n.kind === 'seq') return 'a list';
  if (n.value === null) return 'nothing';
  if (typeof n.value === 'string') return `the string ${quote(n.value)}`;
  return `the ${typeof n.value} ${n.source}`;
}

/** Checks a map's keys: unknown keys and missing required keys are named precisely. */
function mapOf(n: YNode, path: string, allowed: readonly string[], required: readonly string[]): ReadonlyMap<string, YNode> {
  const field = path === '' ? 'FILE' : path;
  if (n.kind !== 'map') throw new UsageError(field, `expected a map (key: value), found ${describe(n)}`);
  for (const key of n.entries.keys()) {
    if (allowed.includes(key)) continue;
    const near = nearest(key, allowed);
    throw new UsageError(joinPath(path, key), `unknown key${near ? ` (did you mean ${near}?)` : ''}; expected ${allowed.join(', ')}`);
  }
  for (const key of required) {
    if (!n.entries.has(key)) throw new UsageError(joinPath(path, key), `is required${n.line ? ` (in the map at line ${n.line})` : ''}`);
  }
  return n.entries;
}

/** A string-valued scalar; numbers and booleans are refused rather than silently converted. */
function str(n: YNode, field: string): string {
  if (n.kind !== 'scalar' || typeof n.value !== 'string') throw new UsageError(field, `expected a string, found ${describe(n)}`);
  return n.value;
}

/** A whole number written as plain decimal digits (not 1e3, 0x64, 0100, 100.0 or "100"). */
function wholeNumber(n: YNode, field: string, what: string): number {
  if (n.kind !== 'scalar' || typeof n.value !== 'number') throw new UsageError(field, `expected ${what}, found ${describe(n)}`);
  if (!/^-?(0|[1-9][0-9]*)$/.test(n.source)) {
    throw new UsageError(field, `${n.source} is not written as a plain decimal whole number; expected ${what}`);
  }
  return n.value;
}

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

function parseHost(name: string, node: YNode, overlay: IpPrefix): ParsedHost {
  if (!HOST_NAME_RE.test(name)) {
    throw new UsageError('hosts', `host name ${quote(name)} must be 1..32 of letters, digits, "_" and "-", starting with a letter or digit`);
  }
  const path = joinPath('hosts', name);
  const m = mapOf(node, path, HOST_KEYS, HOST_KEYS);
  const f = (k: string): string => joinPath(path, k);
  const at = (k: string): YNode => m.get(k) as YNode;
  const target = parseTarget(str(at('target'), f('target')), f('target'));
  const underlay = hostAddress(at('underlay'), f('underlay'));
  if (isLinkLocal6(underlay)) throw new UsageError(f('underlay'), `${underlay.text} is link-local and needs a zone; use a global or unique-local address`);
  const ovl = hostAddress(at('overlay'), f('overlay'));
  const label = parseLabel(wholeNumber(at('label'), f('label'), `a label ${LABEL_MIN}..${LABEL_MAX}`), f('label'));

  if (ovl.family !== overlay.family) throw new UsageError(f('overlay'), `${ovl.text} is IPv${ovl.family} but tunnel.overlay ${overlay.text} is IPv${overlay.family}`);
  if (!prefixContains(overlay, ovl)) throw new UsageError(f('overlay'), `${ovl.text} is outside tunnel.overlay ${overlay.text}`);
  if (ovl.value === overlay.network) throw new UsageError(f('overlay'), `${ovl.text} is the network address of ${overlay.text}; pick a host address`);
  if (overlay.family === 4 && ovl.value === lastAddress(overlay)) {
    throw new UsageError(f('overlay'), `${ovl.text} is the broadcast address of ${overlay.text}; pick a host address`);
  }
  if (prefixContains(overlay, underlay)) {
    throw new UsageError(f('underlay'), `${underlay.text} is inside tunnel.overlay ${overlay.text}; the tunnel would route its own packets into itself`);
  }
  // The peer pops this label, and a host can only pop labels below platform_labels (at most 1048575).
  if (label >= PLATFORM_LABELS_MAX) {
    throw new UsageError(f('label'), `${label} is a valid label but the peer cannot pop it: net.mpls.platform_labels is at most ${PLATFORM_LABELS_MAX}; use ${LABEL_MIN}..${PLATFORM_LABELS_MAX - 1}`);
  }
  return { spec: { name, target, underlay: underlay.text, overlay: ovl.text, label }, underlay, overlay: ovl, path };
}

/** What the two ends must not share; the second host is the one named in the error. */
function checkPair(a: ParsedHost, b: ParsedHost): void {
  const other = a.spec.name;
  if (b.underlay.family !== a.underlay.family) {
    throw new UsageError(`${b.path}.underlay`, `${b.underlay.text} is IPv${b.underlay.family} but ${other}'s underlay ${a.underlay.text} is IPv${a.underlay.family}; both ends use one family`);
  }
  if (b.underlay.value === a.underlay.value) throw new UsageError(`${b.path}.underlay`, `${b.underlay.text} is also ${other}'s underlay; each end needs its own`);
  if (b.overlay.value === a.overlay.value) throw new UsageError(`${b.path}.overlay`, `${b.overlay.text} is also ${other}'s overlay; each end needs its own`);
  if (b.spec.label === a.spec.label) {
    throw new UsageError(`${b.path}.label`, `${b.spec.label} is also ${other}'s label; give each direction its own label so captures and diagnoses can tell them apart`);
  }
}

function tunnelMode(n: YNode | undefined, family: Family): TunnelMode {
  const mode: TunnelMode = family === 4 ? 'gre' : 'ip6gre';
  if (!n) return mode;
  const given = str(n, 'tunnel.mode');
  if (given !== 'gre' && given !== 'ip6gre') throw new UsageError('tunnel.mode', `${quote(given)} is not supported; use gre (IPv4 underlay) or ip6gre (IPv6 underlay)`);
  if (given !== mode) throw new UsageError('tunnel.mode', `${given} does not match the IPv${family} underlay; use ${mode}`);
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
 * Parses and validates a topology document. Throws UsageError naming the exact field
 * (`hosts.B.label`, `tunnel.name`, `FILE` for whole-file problems). `source` names the file
 * in messages.
 */
export function parseTopology(text: string, source = 'topology'): Topology {
  const tree = readYamlTree(text, source);
  if (tree.kind === 'scalar' && tree.value === null) throw new UsageError('FILE', `${sanitize(source)} is empty; expected tunnel: and hosts:`);
  const root = mapOf(tree, '', TOP_KEYS, ['tunnel', 'hosts']);
  const tunnel = mapOf(root.get('tunnel') as YNode, 'tunnel', TUNNEL_KEYS, ['name', 'overlay']);
  const name = parseIfName(str(tunnel.get('name') as YNode, 'tunnel.name'), 'tunnel.name');
  // Every namespace has lo, and the plan pops labels to it: a tunnel of that name cannot be made.
  if (name === 'lo') throw new UsageError('tunnel.name', '"lo" is the loopback device every namespace has (the plan pops labels to it); name the tunnel, e.g. foo4');
  const overlay = overlayPrefix(tunnel.get('overlay') as YNode);

  const hostsNode = root.get('hosts') as YNode;
  const hosts = mapOf(hostsNode, 'hosts', hostsNode.kind === 'map' ? [...hostsNode.entries.keys()] : [], []);
  if (hosts.size !== 2) throw new UsageError('hosts', `has ${hosts.size} host${hosts.size === 1 ? '' : 's'}; a tunnel has exactly two ends`);
  const [a, b] = [...hosts].map(([hostName, node]) => parseHost(hostName, node, overlay)) as [ParsedHost, ParsedHost];
  checkPair(a, b);

  const ttl = ttlOf(tunnel.get('ttl'));
  return {
    tunnel: {
      name,
      mode: tunnelMode(tunnel.get('mode'), a.underlay.family),
      overlay: overlay.text,
      platformLabels: platformLabelsOf(tunnel.get('platformLabels'), Math.max(a.spec.label, b.spec.label)),
      ...(ttl === undefined ? {} : { ttl }),
    },
    rpFilter: rpFilterOf(root.get('rpFilter')),
    hosts: [a.spec, b.spec],
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
