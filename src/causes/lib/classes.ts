import type { Evidence } from '../../core/check.js';
import { markMatches, type PolicyRule } from '../../diagnose/class-readings.js';
import type { CauseInput, HostFacts, PathClass, PathFacts, PathInput } from '../types.js';
import { ev } from './evidence.js';

export { markMatches, markRulesFor, outerRulesFor } from '../../diagnose/class-readings.js';

/** The class verify tried and the end the stage points at; undefined outside a class's failure. */
export function classPath(input: CauseInput): { c: PathClass; path: PathInput; end: PathFacts } | undefined {
  const path = input.path;
  const c = path?.trafficClass;
  if (!path || !c) return undefined;
  return { c, path, end: path[path.at] };
}

/** What a class's packets left under, as verify saw it. */
export const seen = (c: PathClass): string => (c.labelsSeen.length ? `under label ${c.labelsSeen.join('/')}` : 'unlabelled');

/** The mangle rules as evidence: those of one chain, or the error. */
export function mangleEvidence(f: HostFacts, chain: string): Evidence[] {
  const m = f.mangle;
  if (!m) return [];
  if (m.value === undefined) return [ev(m.source, m.error ?? '?')];
  const lines = m.value.filter((l) => l.startsWith(`-A ${chain} `));
  return [ev(m.source, lines.length ? lines.join('; ') : `no ${chain} rules`)];
}

/** The policy rules as evidence, one line. */
export function rulesEvidence(f: HostFacts): Evidence[] {
  const r = f.policyRules;
  if (!r) return [];
  return [ev(r.source, r.value === undefined ? r.error ?? '?' : r.value.map((x) => x.text).join('; '))];
}

/** The class's own policy rule: the mark selects its table, nothing else narrows it. The first by priority. */
export const classRule = (rules: readonly PolicyRule[], c: PathClass): PolicyRule | undefined =>
  rules.find((r) => r.fwmark !== undefined && markMatches(r, c.mark) && r.table === String(c.table) && !r.action);

/**
 * The first rule before the class's own one that a class packet (locally sent, marked) meets and
 * that sends it elsewhere: a lookup of another table (the local table holds only local addresses:
 * the lookup goes on past it) or an action. `narrowed`: it has other selectors, so it may not match.
 */
export function shadowOf(rules: readonly PolicyRule[], own: PolicyRule, c: PathClass): { rule: PolicyRule; narrowed: boolean } | undefined {
  let narrowed: PolicyRule | undefined;
  for (const r of rules) {
    if (r.priority >= own.priority) break;
    if (!markMatches(r, c.mark) || r.table === 'local' || (r.table === String(c.table) && !r.action)) continue;
    if (r.selectors.every((s) => s === 'iif lo')) return { rule: r, narrowed: false };
    narrowed ??= r;
  }
  return narrowed ? { rule: narrowed, narrowed: true } : undefined;
}
