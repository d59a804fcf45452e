import { UsageError } from './errors.js';
import { quote } from './show.js';
import { LABEL_MAX, LABEL_MIN, PLATFORM_LABELS_MAX, parseLabel } from './names.js';
import { Problems, describe, mapOf, str, wholeNumber } from './topology-fields.js';
import { joinPath, type YNode } from './yaml-tree.js';

/**
 * A traffic class: the traffic it matches (a DSCP, a firewall mark, or both) travels under its own
 * label instead of the host's default one; the peer pops it like the default label.
 */
export interface TrafficClass {
  /** Unique on its host; used in step ids ("A.class.voice.rule"). */
  readonly name: string;
  /** DSCP values (1..63) whose packets join the class; may be empty when `fwmark` selects it. */
  readonly dscp: readonly number[];
  /** A firewall mark given in the topology: packets already carrying it join the class. */
  readonly fwmark?: number;
  /** The mark the class's policy rule matches: `fwmark`, else the label. DSCP packets are given it. */
  readonly mark: number;
  /** The routing table holding the class's encap route: the class label. */
  readonly table: number;
  /** The label this host pushes for the class; the peer pops it. */
  readonly label: number;
  /**
   * MPLS traffic-class bits for the class's label. `encap mpls` writes them as 0 (iproute2 has no
   * `tc` there); act_mpls `modify tc` on the tunnel's egress sets them (measured on Linux 6.1).
   */
  readonly tc?: number;
}

/** Tables the kernel keeps for itself (RT_TABLE_DEFAULT, MAIN, LOCAL): a class table cannot be one. */
const KERNEL_TABLES: ReadonlyMap<number, string> = new Map([[253, 'default'], [254, 'main'], [255, 'local']]);
/** One policy rule per class sits below the main table's rule (priority 32766); this keeps them few and readable. */
export const MAX_CLASSES = 64;
const CLASS_KEYS = ['name', 'dscp', 'fwmark', 'label', 'tc'] as const;
const CLASS_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;
const MARK_MAX = 0xffff_ffff;

function dscpValue(n: YNode, field: string): number {
  const v = wholeNumber(n, field, 'a DSCP 1..63');
  if (v === 0) throw new UsageError(field, '0 is the default class: unmarked traffic travels under the host\'s label; use 1..63');
  if (v < 0 || v > 63) throw new UsageError(field, `${v} is out of range: DSCP is 6 bits; use 1..63`);
  return v;
}

function dscpList(n: YNode, field: string): number[] {
  if (n.kind !== 'seq') return [dscpValue(n, field)];
  if (n.items.length === 0) throw new UsageError(field, 'is an empty list; give one DSCP (46) or several ([46, 34])');
  const out: number[] = [];
  n.items.forEach((item, i) => {
    const v = dscpValue(item, joinPath(field, i));
    if (out.includes(v)) throw new UsageError(joinPath(field, i), `DSCP ${v} is listed twice`);
    out.push(v);
  });
  return out;
}

function fwmarkOf(n: YNode, field: string): number {
  const v = wholeNumber(n, field, `a firewall mark 1..${MARK_MAX}`);
  if (v === 0) throw new UsageError(field, '0 means no mark: every unmarked packet would join the class; use 1..4294967295');
  if (v < 0 || v > MARK_MAX) throw new UsageError(field, `${v} is out of range: marks are 32 bits; use 1..${MARK_MAX}`);
  return v;
}

function classLabel(n: YNode, field: string): number {
  const label = parseLabel(wholeNumber(n, field, `a label ${LABEL_MIN}..${LABEL_MAX}`), field);
  if (label >= PLATFORM_LABELS_MAX) {
    throw new UsageError(field, `${label} is a valid label but the peer cannot pop it: net.mpls.platform_labels is at most ${PLATFORM_LABELS_MAX}; use ${LABEL_MIN}..${PLATFORM_LABELS_MAX - 1}`);
  }
  const table = KERNEL_TABLES.get(label);
  if (table) throw new UsageError(field, `${label} would name the class's routing table, and table ${label} is the kernel's ${table} table; pick another label`);
  return label;
}

/** What could be read of one class, for the checks across classes even when another field is wrong. */
interface ClassParts {
  readonly name?: string;
  readonly dscp: readonly number[];
  readonly mark?: number;
  readonly fwmark?: number;
  readonly label?: number;
  /** Every field of the class is valid. */
  readonly whole?: TrafficClass;
}

/** One class; `whole` is unset when any of its fields is wrong (each is added to `p`). */
function parseClass(p: Problems, n: YNode, path: string): ClassParts | undefined {
  const before = p.list.length;
  const m = mapOf(p, n, path, CLASS_KEYS, ['name', 'label']);
  if (!m) return undefined;
  const f = (k: string): string => joinPath(path, k);
  const field = <T>(k: string, parse: (node: YNode, name: string) => T): T | undefined => {
    const node = m.get(k);
    return node === undefined ? undefined : p.try(() => parse(node, f(k)));
  };
  const name = field('name', (node, at) => {
    const s = str(node, at);
    if (!CLASS_NAME_RE.test(s)) throw new UsageError(at, `${quote(s)} must be 1..32 of letters, digits, "_" and "-", starting with a letter or digit`);
    return s;
  });
  const dscp = field('dscp', dscpList);
  const fwmark = field('fwmark', fwmarkOf);
  const label = field('label', classLabel);
  const tc = field('tc', (node, at) => {
    const v = wholeNumber(node, at, 'a traffic class 0..7');
    if (v < 0 || v > 7) throw new UsageError(at, `${v} is out of range: the traffic-class field is 3 bits; use 0..7`);
    return v;
  });
  if (!m.has('dscp') && !m.has('fwmark')) p.add(new UsageError(f('dscp'), 'is required unless fwmark is given: a class needs a DSCP or a firewall mark to select its traffic'));
  const parts = { name, dscp: dscp ?? [], fwmark, mark: fwmark ?? label, label };
  if (p.list.length > before || name === undefined || label === undefined) return parts;
  return { ...parts, whole: { name, dscp: dscp ?? [], ...(fwmark === undefined ? {} : { fwmark }), mark: fwmark ?? label, table: label, label, ...(tc === undefined ? {} : { tc }) } };
}

/**
 * A host's `classes:` list; every wrong field is added to `p` and the valid classes returned.
 */
export function parseClasses(p: Problems, n: YNode, path: string): TrafficClass[] {
  if (n.kind !== 'seq') {
    p.add(new UsageError(path, `expected a list of classes ([{ name: voice, dscp: 46, label: 200 }]), found ${describe(n)}`));
    return [];
  }
  if (n.items.length > MAX_CLASSES) {
    p.add(new UsageError(path, `has ${n.items.length} classes; at most ${MAX_CLASSES} per host (one policy rule and one routing table each)`));
    return [];
  }
  const seen: ClassParts[] = [];
  const out: TrafficClass[] = [];
  n.items.forEach((item, i) => {
    const at = joinPath(path, i);
    const c = parseClass(p, item, at);
    if (!c) return;
    const errors: UsageError[] = [];
    const other = (same: (o: ClassParts) => boolean): string | undefined => seen.find(same)?.name;
    if (c.name !== undefined && seen.some((o) => o.name === c.name)) {
      errors.push(new UsageError(joinPath(at, 'name'), `${quote(c.name)} is already the name of an earlier class; names are unique on a host`));
    }
    const byLabel = c.label === undefined ? undefined : other((o) => o.label === c.label);
    if (byLabel) errors.push(new UsageError(joinPath(at, 'label'), `${c.label} is also the label of class ${quote(byLabel)}; each class needs its own label`));
    const byMark = c.mark === undefined ? undefined : other((o) => o.mark === c.mark);
    if (byMark && !byLabel) errors.push(new UsageError(joinPath(at, c.fwmark === undefined ? 'label' : 'fwmark'), `mark ${c.mark} is also the mark of class ${quote(byMark)}; each class needs its own mark`));
    const shared = c.dscp.find((d) => seen.some((o) => o.dscp.includes(d)));
    const byDscp = shared === undefined ? undefined : other((o) => o.dscp.includes(shared));
    if (byDscp) errors.push(new UsageError(joinPath(at, 'dscp'), `DSCP ${shared} already selects class ${quote(byDscp)}; a DSCP belongs to one class`));
    for (const e of errors) p.add(e);
    seen.push(c);
    if (c.whole && errors.length === 0) out.push(c.whole);
  });
  return out;
}
