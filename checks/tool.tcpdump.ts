import { defineCheck } from '../src/core/check.js';
import { tcpdump, type ToolFacts } from '../src/probes/tools.js';

export default defineCheck<ToolFacts>({
  id: 'tool.tcpdump',
  title: 'tcpdump (for verify)',
  severity: 'warning',
  remediation: 'apt-get install tcpdump (needed by mplsgre verify to prove labels on the wire)',
  collect: (ctx) => tcpdump(ctx),
  evaluate(f) {
    const evidence = [{ source: f.source, value: f.present ? f.output.split('\n')[0] ?? '' : `not found (${f.error})` }];
    if (!f.present) return { status: 'warn', summary: 'tcpdump not found: mplsgre verify cannot capture', evidence };
    return { status: 'pass', summary: `tcpdump ${f.version ?? '(version unknown)'}`, evidence };
  },
});
