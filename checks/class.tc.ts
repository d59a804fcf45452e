import { defineCheck } from '../src/core/check.js';
import type { Verdict } from '../src/core/check.js';
import { CLASS_TC_MODULES, classModules } from '../src/probes/class-needs.js';
import { tc } from '../src/probes/tools.js';
import { moduleGroupVerdict, NOT_ASKED } from './lib/class-check.js';

const PURPOSE = 'only classes with `tc:` need it';

/** Only a class with `tc:` uses these: check cannot know the topology, so what lacks warns, never fails. */
export default defineCheck({
  id: 'class.tc',
  title: 'tc, clsact, flower and act_mpls for a class\'s traffic-class bits (tc:)',
  severity: 'warning',
  remediation: `apt-get install iproute2 (tc), and a kernel with CONFIG_NET_SCH_INGRESS, CONFIG_NET_CLS_FLOWER and CONFIG_NET_ACT_MPLS; or give no class \`tc:\``,
  collect: async (ctx) => {
    const [tool, mods] = await Promise.all([ctx.options.classes ? tc(ctx) : undefined, classModules(ctx, CLASS_TC_MODULES)]);
    return mods.asked && tool ? { ...mods, tool } : { asked: false as const };
  },
  evaluate(f): Verdict {
    if (!f.asked) return NOT_ASKED;
    const toolEvidence = { source: f.tool.source, value: f.tool.present ? f.tool.output.split('\n')[0] ?? '' : `not found (${f.tool.error})` };
    const v = moduleGroupVerdict(f.modules, false, PURPOSE);
    if (!f.tool.present) {
      return { status: 'warn', summary: `tc not found (${PURPOSE}); ${v.summary}`, evidence: [toolEvidence, ...v.evidence], remediation: 'apt-get install iproute2 (it ships tc)' };
    }
    return { ...v, summary: `tc ${f.tool.version ?? '(version unknown)'}; ${v.summary}`, evidence: [toolEvidence, ...v.evidence] };
  },
});
