import { defineCheck } from '../src/core/check.js';
import { moduleFacts, type ModuleFacts } from '../src/probes/modules.js';
import { routerFirst } from './lib/router-first.js';
import { readSysctl, type SysctlValue } from '../src/probes/sysctl.js';

interface Facts {
  readonly sysctl: SysctlValue;
  readonly router: ModuleFacts;
}


export const neededPlatformLabels = (labels: readonly number[]): number => Math.max(65535, ...labels.map((l) => l + 1));

export default defineCheck<Facts>({
  id: 'sysctl.platform_labels',
  title: 'MPLS label table size (net.mpls.platform_labels)',
  severity: 'critical',
  remediation: 'sysctl -w net.mpls.platform_labels=65535 (per network namespace; persist in /etc/sysctl.d/)',
  collect: async (ctx) => ({ sysctl: await readSysctl(ctx, 'net', 'mpls', 'platform_labels'), router: await moduleFacts(ctx, 'mpls_router') }),
  evaluate({ sysctl: f, router }, opts) {
    const evidence = [{ source: f.path, value: f.value ?? f.error ?? 'absent' }];
    const fix = `sysctl -w net.mpls.platform_labels=${neededPlatformLabels(opts.labels)} && echo net.mpls.platform_labels=${neededPlatformLabels(opts.labels)} > /etc/sysctl.d/90-mpls.conf`;
    if (f.value === undefined && router.state === 'loadable') {
      // /proc/sys/net/mpls appears when mpls_router loads: absent is this kernel's fresh state, not a fault.
      return {
        status: 'warn',
        summary: `net.mpls.platform_labels does not exist until mpls_router loads (loadable here): mplsgre up loads the module and sets it to ${neededPlatformLabels(opts.labels)}`,
        evidence,
        remediation: `${routerFirst(router)}${fix}`,
      };
    }
    if (f.value === undefined) {
      return {
        status: 'fail',
        summary: `net.mpls.platform_labels absent (${f.error ?? 'unreadable'}): MPLS forwarding is not active here (see kernel.mpls_router)`,
        evidence,
        remediation: `${routerFirst(router)}${fix}`,
      };
    }
    if (!/^\d+$/.test(f.value)) return { status: 'fail', summary: `net.mpls.platform_labels unreadable value "${f.value.slice(0, 40)}"`, evidence, remediation: fix };
    const value = Number(f.value);
    const highest = opts.labels.length ? Math.max(...opts.labels) : undefined;
    if (value === 0) {
      return { status: 'fail', summary: 'net.mpls.platform_labels is 0 (the default): the kernel accepts no label routes', evidence, remediation: fix };
    }
    if (highest !== undefined && value <= highest) {
      return { status: 'fail', summary: `net.mpls.platform_labels is ${value}: label ${highest} needs at least ${highest + 1}`, evidence, remediation: fix };
    }
    return {
      status: 'pass',
      summary: highest === undefined ? `${value} labels (no --labels given to compare)` : `${value} labels, enough for label ${highest}`,
      evidence,
    };
  },
});
