import type { Evidence, Verdict } from '../../src/core/check.js';
import type { ModuleFacts } from '../../src/probes/modules.js';

/** Without `--classes` a class check reads nothing and never warns or fails. */
export const NOT_ASKED: Verdict = {
  status: 'skip',
  summary: 'not asked: traffic classes are checked with --classes',
  evidence: [{ source: 'check options', value: 'no --classes' }],
};

const STATE_WORDS: Readonly<Record<ModuleFacts['state'], string>> = {
  loaded: 'loaded', builtin: 'built in', loadable: 'loadable', missing: 'missing', unknown: 'unknown',
};

/**
 * A group of modules, judged like the kernel.* checks: loaded or built in pass, loadable and
 * unknown warn, missing fails where `required` (else warns with `purpose`).
 */
export function moduleGroupVerdict(modules: readonly ModuleFacts[], required: boolean, purpose: string): Verdict {
  const evidence: Evidence[] = modules.flatMap((m) => m.evidence);
  const states = modules.map((m) => `${m.module} ${STATE_WORDS[m.state]}`).join(', ');
  const of = (state: ModuleFacts['state']): ModuleFacts[] => modules.filter((m) => m.state === state);
  const names = (ms: readonly ModuleFacts[]): string => ms.map((m) => m.module).join(' ');
  const missing = of('missing');
  if (missing.length) {
    const noModules = missing.some((m) => m.noModuleSupport);
    const options = missing.map((m) => m.configOption);
    const built = (v: string): string => options.map((o) => `${o}=${v}`).join(' and ');
    const absent = missing.find((m) => m.reason.includes('module file is absent'));
    return {
      status: required ? 'fail' : 'warn',
      summary: `${states}: ${missing.map((m) => m.reason).join('; ')}${required ? '' : ` (${purpose})`}`,
      evidence,
      remediation: noModules
        ? `no modprobe can fix this (CONFIG_MODULES is not set): boot a kernel built with ${built('y')}, or with module support and ${built('m')}`
        : absent
          ? absent.reason.slice(absent.reason.lastIndexOf(': ') + 2)
          : `boot a kernel built with ${built('m')} (or =y)`,
    };
  }
  const unknown = of('unknown');
  if (unknown.length) {
    return { status: 'warn', summary: `${states}: no source could tell whether ${names(unknown)} can load`, evidence, remediation: `pass the kernel's config with --kernel-config PATH, or try: modprobe -a ${names(unknown)}` };
  }
  const loadable = of('loadable');
  if (loadable.length) {
    return {
      status: 'warn', summary: states, evidence,
      remediation: `modprobe -a ${names(loadable)}   # mplsgre up loads them; list them in /etc/modules-load.d/ to load them at boot`,
    };
  }
  return { status: 'pass', summary: states, evidence };
}
