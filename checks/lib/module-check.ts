import { defineCheck, type CheckDefinition } from '../../src/core/check.js';
import { moduleFacts, type ModuleFacts } from '../../src/probes/modules.js';

export interface ModuleCheckSpec {
  readonly module: string;
  readonly title: string;
  /** What the capability is for, in the summary of a missing module. */
  readonly purpose: string;
  /** A missing optional module warns instead of failing. */
  readonly optional?: boolean;
}

const persist = (m: string): string => `modprobe ${m} && echo ${m} >> /etc/modules-load.d/mpls.conf`;

/** One capability = one kernel module: loaded, built in, loadable, missing or unknown. */
export function moduleCheck(spec: ModuleCheckSpec): CheckDefinition<ModuleFacts> {
  const { module } = spec;
  return defineCheck<ModuleFacts>({
    id: `kernel.${module}`,
    title: spec.title,
    severity: spec.optional ? 'warning' : 'critical',
    remediation: `load ${module} (${persist(module)}) or use a kernel that provides it`,
    collect: (ctx) => moduleFacts(ctx, module),
    evaluate(f) {
      const evidence = f.evidence;
      switch (f.state) {
        case 'loaded':
          return { status: 'pass', summary: `loaded`, evidence };
        case 'builtin':
          return { status: 'pass', summary: 'built into the kernel', evidence };
        case 'loadable':
          return {
            status: 'warn',
            summary: `loadable, not loaded (${f.file ?? 'module file present'})`,
            evidence,
            remediation: `${persist(module)}   # loads it now and at every boot`,
          };
        case 'missing':
          return {
            status: spec.optional ? 'warn' : 'fail',
            summary: `missing: ${f.reason}${spec.optional ? ` (${spec.purpose})` : ''}`,
            evidence,
            remediation: f.noModuleSupport
              ? `no modprobe can fix this (CONFIG_MODULES is not set): boot a kernel built with ${f.configOption}=y, or with module support and ${f.configOption}=m`
              : f.reason.includes('module file is absent')
                ? f.reason.slice(f.reason.lastIndexOf(': ') + 2)
                : `boot a kernel built with ${f.configOption}=m or =y`,
          };
        case 'unknown':
          return {
            status: 'warn',
            summary: `unknown: ${f.reason}`,
            evidence,
            remediation: `pass the kernel's config with --kernel-config PATH, or try: modprobe ${module}`,
          };
      }
    },
  });
}
