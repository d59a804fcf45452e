import type { ProbeContext } from './context.js';
import { kernelConfig } from './kernel.js';
import { moduleFacts, type ModuleFacts } from './modules.js';

/** The netfilter modules `up` loads for every class: marks from the DSCP, the outer DSCP. */
export const CLASS_NETFILTER_MODULES: readonly string[] = ['iptable_mangle', 'xt_dscp', 'xt_mark', 'xt_u32', 'xt_DSCP'];
/** What a class with `tc:` adds: a clsact qdisc (sch_ingress), a flower filter, act_mpls `modify tc`. */
export const CLASS_TC_MODULES: readonly string[] = ['sch_ingress', 'cls_flower', 'act_mpls'];

/** `ip rule` (one argument, so check --ssh can batch it): lists the fib rules, or fails without policy routing. */
export const RULES_QUERY = { file: 'ip', args: ['rule'] as [string] } as const;
/** The kernel option behind `ip rule` and routing tables other than main and local. */
export const POLICY_ROUTING_OPTION = 'CONFIG_IP_MULTIPLE_TABLES';

/** A class probe's answer: nothing is read unless classes were asked for (`check --classes`). */
export type Asked<F> = { readonly asked: false } | ({ readonly asked: true } & F);

export interface PolicyRoutingFacts {
  /** CONFIG_IP_MULTIPLE_TABLES as the config says (`y`, `n`), undefined without a config. */
  readonly option: string | undefined;
  readonly configSource: string | undefined;
  /** `ip rule`'s outcome where no kernel config could be read: its rule count, or why it failed. */
  readonly rules?: { readonly ok: true; readonly count: number } | { readonly ok: false; readonly error: string };
  readonly rulesSource: string;
}

export function policyRouting(ctx: ProbeContext): Promise<Asked<PolicyRoutingFacts>> {
  if (!ctx.options.classes) return Promise.resolve({ asked: false });
  return ctx.once('class.policy_routing', async () => {
    // The config decides where it can be read; `ip rule` (a process) only where it cannot.
    const config = await kernelConfig(ctx);
    const r = config.source ? undefined : await ctx.exec(RULES_QUERY.file, RULES_QUERY.args, { timeoutMs: 3_000 });
    const rules = !r
      ? undefined
      : r.failed
        ? { ok: false as const, error: (r.stderr.trim() || r.spawnError || (r.timedOut ? 'timed out' : `exit ${r.exitCode ?? r.signal}`)).split('\n')[0]! }
        : { ok: true as const, count: r.stdout.split('\n').filter((l) => /^\d+:/.test(l)).length };
    return {
      asked: true as const,
      option: config.source ? (config.options.get(POLICY_ROUTING_OPTION) ?? 'n') : undefined,
      configSource: config.source,
      ...(rules ? { rules } : {}), rulesSource: [RULES_QUERY.file, ...RULES_QUERY.args].join(' '),
    };
  });
}

/** Each module's state, in the order given; nothing read unless classes were asked for. */
export async function classModules(ctx: ProbeContext, modules: readonly string[]): Promise<Asked<{ readonly modules: readonly ModuleFacts[] }>> {
  if (!ctx.options.classes) return { asked: false };
  return { asked: true, modules: await Promise.all(modules.map((m) => moduleFacts(ctx, m))) };
}
