import { classPath, classRule, rulesEvidence, seen, shadowOf } from './lib/classes.js';
import { ev, verdict } from './lib/evidence.js';
import { defineCause } from './types.js';

const ACTIONS = new Set(['blackhole', 'unreachable', 'prohibit']);

export default defineCause({
  id: 'class_rule_shadowed',
  title: 'a policy rule with a smaller preference takes the class\'s packets before its own rule',
  fix: 'ip rule delete pref PREF   # the rule that comes first; or give the class rule a smaller preference',
  reads: ['policy-rules', 'overlay-routes'],
  assess(input) {
    const k = classPath(input);
    if (!k) return verdict('unknown', 'told only by verify, for a traffic class');
    const { c, end, path } = k;
    const f = input.facts;
    const rules = f.policyRules;
    const evidence = rulesEvidence(f);
    if (!rules?.value) return verdict('unknown', `${end.host}'s policy rules could not be listed: ${rules?.error ?? 'not read'}`, evidence);
    const own = classRule(rules.value, c);
    if (!own) return verdict('ruled_out', `${end.host} has no rule for table ${c.table} that another could shadow`, evidence);
    const first = shadowOf(rules.value, own, c);
    if (!first) return verdict('ruled_out', `no rule before ${own.text} takes packets marked ${c.mark}`, evidence);
    const r = first.rule;
    // The overlay's routes in the table the earlier rule looks up: one there decides where the packets go.
    const there = f.overlayRoutes?.value?.filter((x) => x.table === r.table) ?? [];
    const routes = f.overlayRoutes ? [ev(f.overlayRoutes.source, f.overlayRoutes.value ? f.overlayRoutes.value.map((x) => x.text).join('; ') || 'none' : f.overlayRoutes.error ?? '?')] : [];
    const how = r.action && ACTIONS.has(r.action) ? `${r.action}s them` : there.length ? `routes them by table ${r.table} (${there.map((x) => x.text).join('; ')})` : `looks them up in table ${r.table}`;
    const fix = `ip rule delete ${r.text.replace(/^(\d+): from all /, 'pref $1 ').replace(/^(\d+): /, 'pref $1 ')}   # or keep it and give the class rule a smaller preference: ip rule add fwmark ${c.mark} lookup ${c.table} pref ${Math.max(1, r.priority - 1)}`;
    const why = `on ${end.host} the rule "${r.text}" comes before the class's "${own.text}" and ${how}: the packets of class ${c.name} left ${seen(c)}, not under ${c.label}`;
    // Decided when the rule surely matches and surely routes the overlay elsewhere; else it agrees only.
    const decided = !first.narrowed && ((r.action !== undefined && ACTIONS.has(r.action)) || there.some((x) => !x.labels.includes(c.label)));
    return verdict(decided ? 'confirmed' : 'consistent', `${why}${decided ? '' : ` (it ${first.narrowed ? 'may not match them' : `has no route for ${path.overlayPrefix} here`})`}`,
      [...evidence, ...routes], fix);
  },
});
