import { defineCheck } from '../src/core/check.js';
import { iproute2, versionAtLeast, type ToolFacts } from '../src/probes/tools.js';

/** iproute2 releases that brought what mplsgre uses. */
export const IPROUTE2_FEATURES = [
  { feature: '-f mpls', since: '4.1.0' },
  { feature: 'encap mpls', since: '4.3.0' },
  { feature: '-json', since: '4.13.0' },
] as const;

export default defineCheck<ToolFacts>({
  id: 'tool.iproute2',
  title: 'iproute2 (ip)',
  severity: 'critical',
  remediation: 'install iproute2 4.13 or later (apt-get install iproute2 / dnf install iproute)',
  collect: (ctx) => iproute2(ctx),
  evaluate(f) {
    const evidence = [{ source: f.source, value: f.present ? f.output.split('\n')[0] ?? '' : `not found (${f.error})` }];
    if (!f.present) return { status: 'fail', summary: '`ip` not found', evidence };
    if (!f.version) return { status: 'warn', summary: `ip present, version unknown (${f.output.slice(0, 60)})`, evidence };
    const have = IPROUTE2_FEATURES.filter((x) => versionAtLeast(f.version!, x.since)).map((x) => x.feature);
    const lack = IPROUTE2_FEATURES.filter((x) => !versionAtLeast(f.version!, x.since));
    const summary = `iproute2 ${f.version}: ${have.length ? `supports ${have.join(', ')}` : 'predates MPLS support'}${lack.length ? `; lacks ${lack.map((x) => `${x.feature} (${x.since})`).join(', ')}` : ''}`;
    if (lack.some((x) => x.feature !== '-json')) return { status: 'fail', summary, evidence };
    if (lack.length) return { status: 'warn', summary, evidence, remediation: 'mplsgre verify and diagnose read `ip -json`: install iproute2 4.13 or later' };
    return { status: 'pass', summary, evidence };
  },
});
