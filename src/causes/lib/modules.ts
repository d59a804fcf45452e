import type { Evidence } from '../../core/check.js';
import type { ModuleFacts } from '../../probes/modules.js';
import type { HostFacts } from '../types.js';
import { ev } from './evidence.js';

export const persist = (m: string): string => `modprobe ${m} && echo ${m} >> /etc/modules-load.d/mpls.conf`;

/** The evidence that says most about a module: its file, the config line, or /proc/modules. */
export function moduleEvidence(m: ModuleFacts): Evidence[] {
  if (m.state === 'loadable' && m.file) return [ev(m.file, 'present')];
  if (m.state === 'loaded') return m.evidence.filter((e) => e.source === '/proc/modules' || e.source.endsWith('/initstate'));
  return [...m.evidence];
}

export function moduleFix(m: ModuleFacts): string {
  if (m.state === 'loadable') return persist(m.module);
  if (m.noModuleSupport) return `boot a kernel built with ${m.configOption}=y (this kernel has no module support: no modprobe can fix it)`;
  if (m.reason.includes('module file is absent')) return m.reason.slice(m.reason.lastIndexOf(': ') + 2);
  if (m.state === 'missing') return `boot a kernel built with ${m.configOption}=m or =y`;
  return `${persist(m.module)}   # if modprobe cannot find it, install your distribution's modules package or boot a kernel with ${m.configOption}`;
}

/** How the module stands, in a phrase: "is not loaded (module file present)". */
export function moduleState(m: ModuleFacts): string {
  switch (m.state) {
    case 'loaded':
      return 'is loaded';
    case 'builtin':
      return 'is built in';
    case 'loadable':
      return 'is not loaded (module file present)';
    case 'missing':
      return `is missing: ${m.reason}`;
    case 'unknown':
      return 'is not loaded; nothing tells whether it can be (no kernel config, no module index)';
  }
}

/** A read that failed for another reason than the file's absence (a namespace read that timed out): it tells nothing. */
export const unreadable = (v: { value?: string | undefined; error?: string } | undefined): boolean => v !== undefined && v.value === undefined && v.error !== undefined && v.error !== 'ENOENT';

export const mplsDir = (f: HostFacts): Evidence | undefined =>
  f.platformLabels ? ev('/proc/sys/net/mpls', f.platformLabels.value !== undefined ? 'present' : unreadable(f.platformLabels) ? `unreadable: ${f.platformLabels.error}` : 'absent') : undefined;
/** Whether net.mpls exists (mpls_router active); undefined when not read, or the read failed. */
export const mplsActive = (f: HostFacts): boolean | undefined => (f.platformLabels && !unreadable(f.platformLabels) ? f.platformLabels.value !== undefined : undefined);
