import { classPath, mangleEvidence, markRulesFor, seen } from './lib/classes.js';
import { ev, verdict } from './lib/evidence.js';
import { defineCause } from './types.js';

export default defineCause({
  id: 'class_mark_missing',
  title: 'no mangle rule marks the class\'s DSCP: its packets never reach the class\'s policy rule',
  fix: 'iptables-legacy -w 5 -t mangle -A OUTPUT -m dscp --dscp DSCP -j MARK --set-mark MARK   # or: mplsgre up FILE',
  reads: ['mangle'],
  assess(input) {
    const k = classPath(input);
    if (!k) return verdict('unknown', 'told only by verify, for a traffic class');
    const { c, end } = k;
    const m = input.facts.mangle;
    const evidence = mangleEvidence(input.facts, 'OUTPUT');
    if (!m?.value) return verdict('unknown', `${end.host}'s mangle table could not be read: ${m?.error ?? 'not read'}`, evidence);
    const found = markRulesFor(m.value, c.dscp, c.mark);
    if (found.length) return verdict('ruled_out', `${end.host} marks DSCP ${c.dscp} with ${c.mark}`, [ev(m.source, found.join('; '))]);
    return verdict('confirmed',
      `${end.host}'s mangle OUTPUT chain has no rule marking DSCP ${c.dscp} with ${c.mark} (class ${c.name}): its packets stay unmarked, miss the rule for table ${c.table}, and left ${seen(c)}`,
      evidence, `iptables-legacy -w 5 -t mangle -A OUTPUT -m dscp --dscp ${c.dscp} -j MARK --set-mark ${c.mark}`);
  },
});
