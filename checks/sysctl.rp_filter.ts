import { defineCheck } from '../src/core/check.js';
import { readSysctl, type SysctlValue } from '../src/probes/sysctl.js';

interface Facts {
  readonly all: SysctlValue;
  readonly devices: readonly SysctlValue[];
}

const MODE = ['off', 'strict', 'loose'];

/** The kernel applies max(conf.all.rp_filter, conf.DEV.rp_filter). */
export const effectiveRpFilter = (all: number, dev: number): number => Math.max(all, dev);

export default defineCheck<Facts>({
  id: 'sysctl.rp_filter',
  title: 'Reverse-path filtering (net.ipv4.conf.*.rp_filter)',
  severity: 'critical',
  remediation: 'sysctl -w net.ipv4.conf.all.rp_filter=2 (loose) and set lo and the tunnel to 0 or 2',
  async collect(ctx) {
    const names = ['lo', ...(ctx.options.iface ? [ctx.options.iface] : [])];
    const [all, ...devices] = await Promise.all([
      readSysctl(ctx, 'net', 'ipv4', 'conf', 'all', 'rp_filter'),
      ...names.map((n) => readSysctl(ctx, 'net', 'ipv4', 'conf', n, 'rp_filter')),
    ]);
    return { all: all!, devices };
  },
  evaluate(f) {
    const evidence = [f.all, ...f.devices].map((v) => ({ source: v.path, value: v.value ?? v.error ?? 'absent' }));
    const all = Number(f.all.value);
    if (f.all.value === undefined || !Number.isInteger(all)) {
      return { status: 'error', summary: 'net.ipv4.conf.all.rp_filter unreadable', evidence };
    }
    const strict: string[] = [];
    const parts: string[] = [];
    for (const d of f.devices) {
      const dev = d.key.split('.')[3] ?? '?';
      if (d.value === undefined) {
        parts.push(`${dev} absent`);
        continue;
      }
      const eff = effectiveRpFilter(all, Number(d.value));
      parts.push(`${dev} ${eff} (${MODE[eff] ?? '?'})`);
      if (eff === 1) strict.push(dev);
    }
    if (strict.length) {
      return {
        status: 'fail',
        summary: `strict reverse-path filtering on ${strict.join(', ')}: decapsulated packets are dropped silently (effective: ${parts.join(', ')})`,
        evidence,
        remediation: ['sysctl -w net.ipv4.conf.all.rp_filter=2', ...strict.map((d) => `sysctl -w net.ipv4.conf.${d}.rp_filter=2`)].join(' && '),
      };
    }
    return { status: 'pass', summary: `effective rp_filter: ${parts.join(', ')}`, evidence };
  },
});
