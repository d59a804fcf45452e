import { classPath, mangleEvidence, outerRulesFor } from './lib/classes.js';
import { verdict } from './lib/evidence.js';
import { defineCause } from './types.js';

export default defineCause({
  id: 'class_outer_dscp_missing',
  title: 'no mangle POSTROUTING rule gives the class\'s GRE packets its DSCP: the underlay cannot tell the class apart',
  fix: 'iptables-legacy -w 5 -t mangle -A POSTROUTING -p gre -s LOCAL/32 -d REMOTE/32 -m u32 --u32 \'0x18&0xfffff000=LABEL<<12\' -j DSCP --set-dscp DSCP   # or: mplsgre up FILE',
  reads: ['mangle'],
  assess(input) {
    const k = classPath(input);
    if (!k) return verdict('unknown', 'told only by verify, for a traffic class');
    const { c, end, path } = k;
    const m = input.facts.mangle;
    const evidence = mangleEvidence(input.facts, 'POSTROUTING');
    if (!m?.value) return verdict('unknown', `${end.host}'s mangle table could not be read: ${m?.error ?? 'not read'}`, evidence);
    const match = `0x18&0xfffff000=0x${((c.label << 12) >>> 0).toString(16)}`;
    const fix = `iptables-legacy -w 5 -t mangle -A POSTROUTING -p gre -s ${path.senderUnderlay}/32 -d ${path.receiverUnderlay}/32 -m u32 --u32 '${match}' -j DSCP --set-dscp ${c.dscp}`;
    const rules = outerRulesFor(m.value, c.label);
    if (!rules.length) {
      return verdict('confirmed', `${end.host}'s mangle POSTROUTING chain has no rule setting a DSCP on GRE packets carrying label ${c.label} (class ${c.name}): they leave with the outer DSCP of the tunnel`, evidence, fix);
    }
    const right = rules.find((r) => r.dscp === c.dscp);
    if (right) return verdict('ruled_out', `${end.host} sets DSCP ${c.dscp} on GRE packets carrying label ${c.label}`, evidence);
    return verdict('confirmed', `${end.host}'s rule for label ${c.label} sets DSCP ${rules.map((r) => r.dscp ?? '?').join('/')}, not the class's ${c.dscp}`, evidence, fix);
  },
});
