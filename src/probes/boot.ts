import { installPaths } from '../core/install-paths.js';
import type { ProbeContext } from './context.js';
import { moduleFacts, type ModuleState } from './modules.js';

/**
 * The files that may persist MPLS settings, read by name: check lists no directories (one
 * batched read per host). These are the names mplsgre's own fixes and the usual packages use.
 */
export const SYSCTL_FILES = ['/etc/sysctl.conf', '/etc/sysctl.d/99-sysctl.conf', '/etc/sysctl.d/90-mpls.conf', '/etc/sysctl.d/mpls.conf', '/etc/sysctl.d/mplsgre.conf'] as const;
export const MODULE_LISTS = ['/etc/modules', '/etc/modules-load.d/modules.conf', '/etc/modules-load.d/mpls.conf', '/etc/modules-load.d/mplsgre.conf'] as const;
/** The modules a tunnel end loads; each must be listed to load at boot when it is loaded now. */
export const BOOT_MODULES = ['mpls_router', 'mpls_iptunnel', 'ip_gre'] as const;
/** At most this many interfaces are looked up in the state records. */
const MAX_IFACES = 256;

export interface FileText {
  readonly path: string;
  /** undefined when absent or unreadable (`error` says which). */
  readonly text: string | undefined;
  readonly error?: string;
}

/** A tunnel in this namespace that `up` recorded, and what `install` wrote for it. */
export interface BootTunnel {
  readonly name: string;
  /** The host name in the topology, from the state record. */
  readonly host: string;
  readonly manifest: FileText;
  readonly unit: FileText;
  readonly modules: FileText;
}

export interface BootFacts {
  readonly target: string;
  readonly platformLabels: FileText;
  readonly loaded: Readonly<Record<string, ModuleState>>;
  readonly sysctlFiles: readonly FileText[];
  readonly moduleLists: readonly FileText[];
  readonly tunnels: readonly BootTunnel[];
}

async function fileText(ctx: ProbeContext, path: string): Promise<FileText> {
  const r = await ctx.read(path);
  return r.ok ? { path, text: r.data.toString('utf8') } : { path, text: undefined, error: r.error };
}

/** Interface names from /proc/net/dev (this namespace), lo left out. */
export function parseNetDev(text: string): string[] {
  return text.split('\n').slice(2).map((l) => l.split(':')[0]!.trim()).filter((n) => n !== '' && n !== 'lo');
}

/**
 * What decides whether this host's MPLS-over-GRE set-up survives a reboot. Reads in three
 * batches: fixed files; the state record of each interface; for the recorded tunnels, what
 * install wrote. The target names the records (`/run/mplsgre/TUNNEL@TARGET.json`).
 */
export function bootFacts(ctx: ProbeContext): Promise<BootFacts> {
  return ctx.once('boot', async () => {
    const target = ctx.options.target ?? ctx.host.name;
    const stateDir = process.env.MPLSGRE_STATE_DIR ?? '/run/mplsgre';
    const [netDev, platformLabels, sysctlFiles, moduleLists, mods] = await Promise.all([
      ctx.text('/proc/net/dev'),
      fileText(ctx, '/proc/sys/net/mpls/platform_labels'),
      Promise.all(SYSCTL_FILES.map((p) => fileText(ctx, p))),
      Promise.all(MODULE_LISTS.map((p) => fileText(ctx, p))),
      Promise.all(BOOT_MODULES.map(async (m) => [m, (await moduleFacts(ctx, m)).state] as const)),
    ]);
    const ifaces = parseNetDev(netDev ?? '').slice(0, MAX_IFACES);
    const safeTarget = target.replace(/[^A-Za-z0-9._-]/g, '_');
    const records = await Promise.all(ifaces.map(async (name) => [name, await ctx.text(`${stateDir}/${name}@${safeTarget}.json`)] as const));
    const recorded = records.flatMap(([name, text]) => {
      try {
        const host = text === undefined ? undefined : (JSON.parse(text) as { host?: unknown }).host;
        return typeof host === 'string' ? [{ name, host }] : [];
      } catch {
        return [];
      }
    });
    const tunnels = await Promise.all(recorded.map(async ({ name, host }) => {
      const p = installPaths(name, host);
      const [manifest, unit, modules] = await Promise.all([fileText(ctx, p.manifest), fileText(ctx, p.unit), fileText(ctx, p.modules)]);
      return { name, host, manifest, unit, modules };
    }));
    return { target, platformLabels, loaded: Object.fromEntries(mods), sysctlFiles, moduleLists, tunnels };
  });
}
