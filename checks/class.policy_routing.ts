import { defineCheck } from '../src/core/check.js';
import { POLICY_ROUTING_OPTION, policyRouting, type Asked, type PolicyRoutingFacts } from '../src/probes/class-needs.js';
import { NOT_ASKED } from './lib/class-check.js';

export default defineCheck<Asked<PolicyRoutingFacts>>({
  id: 'class.policy_routing',
  title: 'Policy routing for traffic classes (ip rule)',
  severity: 'critical',
  remediation: `boot a kernel built with ${POLICY_ROUTING_OPTION}=y: a class's firewall mark selects its routing table with \`ip rule\``,
  collect: (ctx) => policyRouting(ctx),
  evaluate(f) {
    if (!f.asked) return NOT_ASKED;
    const evidence = [
      ...(f.configSource ? [{ source: f.configSource, value: f.option === 'n' ? `# ${POLICY_ROUTING_OPTION} is not set` : `${POLICY_ROUTING_OPTION}=${f.option}` }] : []),
      ...(f.rules ? [{ source: f.rulesSource, value: f.rules.ok ? `${f.rules.count} rules` : f.rules.error }] : []),
    ];
    if (f.option === 'y') return { status: 'pass', summary: `${POLICY_ROUTING_OPTION}=y: a class's mark can select its table`, evidence };
    if (f.option === 'n') return { status: 'fail', summary: `${POLICY_ROUTING_OPTION} is not set: no policy routing, so no class can have its own table`, evidence };
    if (!f.rules) return { status: 'warn', summary: `no kernel config and no \`ip rule\` answer: cannot tell whether ${POLICY_ROUTING_OPTION} is set`, evidence: [{ source: 'kernel config', value: 'not found' }] };
    if (f.rules.ok) return { status: 'pass', summary: `fib rules readable (${f.rules.count} rules; no kernel config to read)`, evidence };
    return { status: 'fail', summary: `\`ip rule\` failed (${f.rules.error}) and no kernel config says whether ${POLICY_ROUTING_OPTION} is set`, evidence };
  },
});
