/**
 * Readers of what a traffic class rests on: policy rules (`ip -j rule show`), the overlay's
 * routes in every table (`ip route show table all PREFIX`) and the mangle table as
 * `iptables-legacy-save -t mangle` prints it. Output of other programs: any shape may come.
 */
import type { PolicyRule, TableRoute } from '../causes/types.js';
import { fields, jsonArray, stringOf, UnreadableOutput } from './ip-json.js';

export type { PolicyRule, TableRoute };


/** Keys of `ip -j rule show` that do not narrow which packets a rule matches. */
const NEUTRAL = new Set(['priority', 'src', 'table', 'fwmark', 'fwmask', 'action', 'protocol', 'flags']);
const ACTIONS = new Set(['blackhole', 'unreachable', 'prohibit', 'goto', 'nop']);

const hexOrNumber = (v: unknown): number | undefined => {
  const s = typeof v === 'number' ? String(v) : stringOf(v);
  if (s === undefined || !/^(0x[0-9a-f]{1,8}|\d{1,10})$/i.test(s)) return undefined;
  return Number(s);
};

/** `ip -j rule show`: the rules by priority, or UnreadableOutput. */
export function parseRules(json: string): PolicyRule[] {
  return jsonArray(json).map((item) => {
    const r = fields(item);
    const priority = typeof r.priority === 'number' ? r.priority : undefined;
    if (priority === undefined) throw new UnreadableOutput('a rule without a priority');
    const table = stringOf(r.table);
    const action = stringOf(r.action) ?? Object.keys(r).find((k) => ACTIONS.has(k));
    const fwmark = hexOrNumber(r.fwmark);
    const fwmask = hexOrNumber(r.fwmask);
    const src = stringOf(r.src);
    const selectors = Object.entries(r)
      .filter(([k]) => !NEUTRAL.has(k) && !ACTIONS.has(k) && !k.endsWith('len'))
      .map(([k, v]) => (v === null || v === undefined ? k : `${k} ${typeof v === 'object' ? JSON.stringify(v) : String(v as string | number)}`));
    if (src !== undefined && src !== 'all') selectors.unshift(`from ${src}${typeof r.srclen === 'number' ? `/${r.srclen}` : ''}`);
    const words = [`${priority}:`, `from ${src ?? 'all'}`, ...selectors.filter((s) => !s.startsWith('from ')),
      ...(fwmark !== undefined ? [`fwmark 0x${fwmark.toString(16)}${fwmask !== undefined && fwmask !== 0xffffffff ? `/0x${fwmask.toString(16)}` : ''}`] : []),
      ...(table !== undefined ? [`lookup ${table}`] : []), ...(action && action !== 'lookup' && action !== 'to_tbl' ? [action] : [])];
    return {
      priority, ...(table !== undefined ? { table } : {}), ...(action && action !== 'to_tbl' && action !== 'lookup' ? { action } : {}),
      ...(fwmark !== undefined ? { fwmark } : {}), ...(fwmask !== undefined ? { fwmask } : {}), selectors, text: words.join(' '),
    };
  }).sort((a, b) => a.priority - b.priority);
}

/** Whether a packet carrying `mark` satisfies the rule's mark selector (no mark selector: any packet). */
export function markMatches(r: PolicyRule, mark: number): boolean {
  if (r.fwmark === undefined) return true;
  const mask = r.fwmask ?? 0xffffffff;
  return ((mark & mask) >>> 0) === ((r.fwmark & mask) >>> 0);
}


/** `ip route show table all PREFIX` text: routes of the main table print no `table` word. */
export function parseTableRoutes(text: string): TableRoute[] {
  return text.split('\n').map((l) => l.trim().replace(/\s+/g, ' ')).filter(Boolean).map((line) => {
    const labels = /\bencap mpls ([0-9/]+)/.exec(line)?.[1]?.split('/').filter(Boolean).map(Number) ?? [];
    const dev = /\bdev (\S+)/.exec(line)?.[1];
    return { table: /\btable (\S+)/.exec(line)?.[1] ?? 'main', labels, ...(dev ? { dev } : {}), text: line };
  });
}

/** The rules of `iptables-save -t mangle` output (`-A CHAIN ...` lines), or UnreadableOutput when it holds no mangle table. */
export function mangleRules(text: string): string[] {
  if (!/^\*mangle$/m.test(text)) throw new UnreadableOutput('no *mangle table in the output');
  return text.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('-A '));
}

const hex = (n: number): string => `0x${n.toString(16)}`;

/** The OUTPUT rules that mark packets of `dscp` with `mark`, as iptables-save prints them. */
export function markRulesFor(rules: readonly string[], dscp: number, mark: number): string[] {
  return rules.filter((l) => l.startsWith('-A OUTPUT ') && new RegExp(`-m dscp --dscp ${hex(dscp)}(\\s|$)`).test(l)
    && new RegExp(`-j MARK --set-x?mark ${hex(mark)}(/0xffffffff)?(\\s|$)`).test(l));
}

/** The POSTROUTING rules that match the GRE packets carrying `label` (the u32 match mplsgre writes) and set a DSCP. */
export function outerRulesFor(rules: readonly string[], label: number): { line: string; dscp?: number }[] {
  const match = `=${hex((label << 12) >>> 0)}`;
  return rules.filter((l) => l.startsWith('-A POSTROUTING ') && / -m u32 --u32 /.test(l) && l.includes(`0x18&0xfffff000${match}`) && / -j DSCP /.test(l))
    .map((line) => {
      const d = / --set-dscp (0x[0-9a-f]+)/.exec(line)?.[1];
      return { line, ...(d ? { dscp: Number(d) } : {}) };
    });
}
