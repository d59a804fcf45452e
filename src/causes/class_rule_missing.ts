import { classPath, classRule, rulesEvidence, seen } from './lib/classes.js';
import { verdict } from './lib/evidence.js';
import { defineCause } from './types.js';

export default defineCause({
  id: 'class_rule_missing',
  title: 'no policy rule sends the class\'s mark to its routing table',
  fix: 'ip rule add fwmark MARK lookup TABLE   # or: mplsgre up FILE',
  reads: ['policy-rules'],
  assess(input) {
    const k = classPath(input);
    if (!k) return verdict('unknown', 'told only by verify, for a traffic class');
    const { c, end } = k;
    const rules = input.facts.policyRules;
    const evidence = rulesEvidence(input.facts);
    if (!rules?.value) return verdict('unknown', `${end.host}'s policy rules could not be listed: ${rules?.error ?? 'not read'}`, evidence);
    const own = classRule(rules.value, c);
    if (own) return verdict('ruled_out', `${end.host} has the class's rule: ${own.text}`, evidence);
    return verdict('confirmed',
      `${end.host} has no policy rule fwmark ${c.mark} lookup ${c.table} (class ${c.name}): its marked packets are routed by the main table and left ${seen(c)}`,
      evidence, `ip rule add fwmark ${c.mark} lookup ${c.table}`);
  },
});
