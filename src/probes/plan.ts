import { RELEASE_TOKEN, type ReadPlan } from '../host/host.js';
import type { ProbeOptions } from './context.js';
import { MODULE_LISTS, SYSCTL_FILES } from './boot.js';
import { configCandidates } from './kernel.js';
import { CLASS_MODULE_OPTIONS, initstateFile, MODULE_OPTIONS, moduleIndex } from './modules.js';
import { RULES_QUERY } from './class-needs.js';
import { INTERFACE_FILES, sysctlFile } from './sysctl.js';
import { CLASS_VERSION_QUERIES, TOOL_TIMEOUT_MS, VERSION_QUERIES } from './tools.js';

/** Where `check` reads the examined host's name. */
export const HOSTNAME_FILE = '/proc/sys/kernel/hostname';

/**
 * Everything `check` reads and runs on a host, known before it starts, so a host where each
 * command is costly (ssh) answers it in one round trip; only boot.persistence's reads that depend
 * on what this one finds (the interfaces' state records) come after it. Must list every read of the probes the
 * checks use: what it misses is still read, one more round trip each (a test runs every check
 * on a primed context and counts what reaches the host).
 */
export function checkReadPlan(options: ProbeOptions): ReadPlan {
  // The class checks read only when asked (--classes): their modules, tools and `ip rule`.
  const modules = [...Object.keys(MODULE_OPTIONS), ...(options.classes ? Object.keys(CLASS_MODULE_OPTIONS) : [])];
  const queries = { ...VERSION_QUERIES, ...(options.classes ? CLASS_VERSION_QUERIES : {}) };
  const iface = options.iface;
  return {
    files: [
      '/proc/sys/kernel/osrelease', HOSTNAME_FILE, '/proc/self/status', '/proc/modules', '/etc/os-release',
      ...configCandidates(options.kernelConfig, RELEASE_TOKEN),
      moduleIndex(RELEASE_TOKEN, 'modules.builtin'), moduleIndex(RELEASE_TOKEN, 'modules.dep'),
      ...modules.map(initstateFile),
      sysctlFile('net', 'mpls', 'platform_labels'),
      ...['all', 'lo', ...(iface ? [iface] : [])].map((n) => sysctlFile('net', 'ipv4', 'conf', n, 'rp_filter')),
      ...(iface ? [sysctlFile('net', 'mpls', 'conf', iface, 'input'), ...INTERFACE_FILES.map((f) => `/sys/class/net/${iface}/${f}`)] : []),
      // boot.persistence's fixed files; the state records of the interfaces it finds depend on
      // /proc/net/dev, so they are one more read (and what install wrote, one more where a tunnel is recorded)
      '/proc/net/dev', ...SYSCTL_FILES, ...MODULE_LISTS,
    ],
    commands: [
      ...Object.entries(queries).map(([file, args]) => ({ file, args: [args[0]] as [string], timeoutMs: TOOL_TIMEOUT_MS })),
      ...(options.classes ? [{ file: RULES_QUERY.file, args: RULES_QUERY.args, timeoutMs: TOOL_TIMEOUT_MS }] : []),
    ],
    modules,
  };
}
