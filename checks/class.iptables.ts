import { defineCheck } from '../src/core/check.js';
import type { Asked } from '../src/probes/class-needs.js';
import { iptablesLegacy, type ToolFacts } from '../src/probes/tools.js';
import { NOT_ASKED } from './lib/class-check.js';

export default defineCheck<Asked<{ readonly tool: ToolFacts }>>({
  id: 'class.iptables',
  title: 'iptables-legacy for traffic classes',
  severity: 'critical',
  remediation: 'apt-get install iptables (it ships iptables-legacy, which sets the class marks and the outer DSCP)',
  collect: async (ctx) => (ctx.options.classes ? { asked: true, tool: await iptablesLegacy(ctx) } : { asked: false }),
  evaluate(f) {
    if (!f.asked) return NOT_ASKED;
    const t = f.tool;
    const evidence = [{ source: t.source, value: t.present ? t.output.split('\n')[0] ?? '' : `not found (${t.error})` }];
    if (!t.present) return { status: 'fail', summary: 'iptables-legacy not found: up marks class packets and sets their outer DSCP with it', evidence };
    if (t.error) return { status: 'fail', summary: `iptables-legacy --version failed (${t.error}): ${t.output.split('\n')[0] ?? ''}`, evidence };
    return { status: 'pass', summary: `iptables-legacy ${t.version ?? '(version unknown)'}`, evidence };
  },
});
