import { ev, inNs, verdict } from './lib/evidence.js';
import { defineCause } from './types.js';

/** IPTOS_TOS_MASK: the legacy TOS bits an IPv4 FIB rule may match (net/ipv4/fib_rules.c, fib4_rule_configure). */
const TOS_MASK = 0x1e;

const after = (argv: readonly string[], word: string): string | undefined => {
  const at = argv.findIndex((w, i) => i > 0 && w === word);
  return at === -1 ? undefined : argv[at + 1];
};

export default defineCause({
  id: 'rule_tos_unsupported',
  title: 'IPv4 policy rules match only the legacy TOS bits: a DSCP cannot select a rule',
  fix: 'mark the packets from their DSCP and match the mark: iptables-legacy -w 5 -t mangle -A OUTPUT -m dscp --dscp DSCP -j MARK --set-mark MARK && ip rule add fwmark MARK lookup TABLE (what a class in the topology does)',
  reads: [],
  assess({ subject: s }) {
    const argv = s.command?.argv ?? [];
    const tosWord = after(argv, 'tos') ?? after(argv, 'dsfield');
    const tos = tosWord !== undefined && /^(0x[0-9a-f]{1,2}|\d{1,3})$/i.test(tosWord) ? Number(tosWord) : undefined;
    const table = after(argv, 'lookup') ?? after(argv, 'table');
    if (tos === undefined) return verdict('unknown', 'the command\'s tos value is not known');
    if ((tos & ~TOS_MASK) === 0) return verdict('ruled_out', `tos ${tosWord} uses only the legacy TOS bits (mask 0x1e): the kernel accepts it`);
    const dscp = tos >> 2;
    const mark = table !== undefined && /^\d+$/.test(table) ? table : String(dscp);
    const fix = inNs(s, [`iptables-legacy -w 5 -t mangle -A OUTPUT -m dscp --dscp ${dscp} -j MARK --set-mark ${mark}`, `ip rule add fwmark ${mark} lookup ${table ?? 'TABLE'}`]);
    return verdict('confirmed',
      `tos ${tosWord} is DSCP ${dscp}: its bits outside the legacy TOS field (mask 0x1e) make the kernel refuse the rule (fib4_rule_configure: "Invalid tos"); a rule can match a mark set from the DSCP instead`,
      [ev('command', argv.join(' '))], `${fix}   # or, in a topology: classes: [{ name: NAME, dscp: ${dscp}, label: LABEL }]`);
  },
});
