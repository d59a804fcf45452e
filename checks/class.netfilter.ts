import { defineCheck } from '../src/core/check.js';
import { CLASS_NETFILTER_MODULES, classModules } from '../src/probes/class-needs.js';
import { moduleGroupVerdict, NOT_ASKED } from './lib/class-check.js';

export default defineCheck({
  id: 'class.netfilter',
  title: 'Netfilter modules for traffic classes (mangle, dscp, mark, u32, DSCP)',
  severity: 'critical',
  remediation: `load them (modprobe -a ${CLASS_NETFILTER_MODULES.join(' ')}) or use a kernel that provides them`,
  collect: (ctx) => classModules(ctx, CLASS_NETFILTER_MODULES),
  evaluate: (f) => (f.asked ? moduleGroupVerdict(f.modules, true, 'class marks and the outer DSCP') : NOT_ASKED),
});
