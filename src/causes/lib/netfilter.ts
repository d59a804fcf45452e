/** The netfilter modules traffic classes use (src/core/plan-classes.ts): the tables, the mangle table, its matches and targets. */
export const NETFILTER_MODULES = ['ip_tables', 'iptable_mangle', 'xt_dscp', 'xt_mark', 'xt_u32', 'xt_DSCP'] as const;

/** The module behind each `-m MATCH` and `-j TARGET` an iptables command line names. */
const BY_WORD: Readonly<Record<string, string>> = { dscp: 'xt_dscp', mark: 'xt_mark', u32: 'xt_u32', DSCP: 'xt_DSCP', MARK: 'xt_mark' };

/**
 * The modules an iptables command line needs: the mangle table's when it names `-t mangle`, then
 * one per match and target it names; `module` (the table the message names) first. Every class
 * module when the command is unknown.
 */
export function netfilterModulesOf(argv: readonly string[], module?: string): string[] {
  // A message names a module (modprobe), or an extension as iptables calls it (u32, DSCP).
  const named = module === undefined ? undefined : BY_WORD[module] ?? module;
  if (!argv.length) return named ? [named] : NETFILTER_MODULES.filter((m) => m !== 'ip_tables');
  const out = new Set<string>(named ? [named] : []);
  argv.forEach((w, i) => {
    const next = argv[i + 1];
    if (next === undefined) return;
    if (w === '-t' || w === '--table') out.add(`iptable_${next}`);
    if ((w === '-m' || w === '--match' || w === '-j' || w === '--jump') && BY_WORD[next]) out.add(BY_WORD[next]);
  });
  return [...out].filter((m) => (NETFILTER_MODULES as readonly string[]).includes(m));
}
