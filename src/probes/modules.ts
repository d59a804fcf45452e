import type { ProbeContext } from './context.js';
import { kernelConfig, kernelRelease } from './kernel.js';

/** How a kernel capability is available. `unknown` means no source could tell: never "missing". */
export type ModuleState = 'loaded' | 'builtin' | 'loadable' | 'missing' | 'unknown';

export interface ModuleFacts {
  readonly module: string;
  readonly configOption: string;
  readonly state: ModuleState;
  /** Why: one sentence a person can act on. */
  readonly reason: string;
  readonly evidence: readonly { source: string; value: string }[];
  /** For `loadable`: the module file found. */
  readonly file?: string;
  /** CONFIG_MODULES=n: nothing can be loaded, whatever files exist. */
  readonly noModuleSupport: boolean;
}

/** The kernel modules an MPLS-over-GRE host needs and the config options that build them. */
export const MODULE_OPTIONS: Readonly<Record<string, string>> = {
  mpls_router: 'CONFIG_MPLS_ROUTING',
  mpls_iptunnel: 'CONFIG_MPLS_IPTUNNEL',
  mpls_gso: 'CONFIG_NET_MPLS_GSO',
  ip_gre: 'CONFIG_NET_IPGRE',
};

/**
 * The modules traffic classes use (what `up` loads for them, src/core/plan-classes.ts, and the tc
 * pieces of a class with `tc:`) and their config options; checked only when asked (`check --classes`).
 */
export const CLASS_MODULE_OPTIONS: Readonly<Record<string, string>> = {
  iptable_mangle: 'CONFIG_IP_NF_MANGLE',
  xt_dscp: 'CONFIG_NETFILTER_XT_MATCH_DSCP',
  xt_mark: 'CONFIG_NETFILTER_XT_MARK',
  xt_u32: 'CONFIG_NETFILTER_XT_MATCH_U32',
  xt_DSCP: 'CONFIG_NETFILTER_XT_TARGET_DSCP',
  sch_ingress: 'CONFIG_NET_SCH_INGRESS',
  cls_flower: 'CONFIG_NET_CLS_FLOWER',
  act_mpls: 'CONFIG_NET_ACT_MPLS',
};

const norm = (name: string): string => name.replace(/-/g, '_');

/** Parses /proc/modules into module name -> state ("Live", "Loading", "Unloading"). */
export function parseProcModules(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const f = line.split(' ');
    if (f[0]) out.set(norm(f[0]), f[4] ?? '');
  }
  return out;
}

/** modules.builtin and modules.dep name modules by path; this maps module name -> path. */
export function parseModulePaths(text: string, withDeps: boolean): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const path = withDeps ? line.slice(0, Math.max(0, line.indexOf(':'))) : line.trim();
    if (!path) continue;
    const base = path.slice(path.lastIndexOf('/') + 1).replace(/\.ko(\.(xz|gz|zst))?$/, '');
    out.set(norm(base), path);
  }
  return out;
}

/** A module index of a kernel release: which modules are built in, which files the loadable ones are. */
export const moduleIndex = (release: string, file: 'modules.builtin' | 'modules.dep'): string => `/lib/modules/${release}/${file}`;

/** A module's state as the kernel shows it: `live` once loaded. */
export const initstateFile = (module: string): string => `/sys/module/${module}/initstate`;

interface ModuleSources {
  release: string | undefined;
  loaded: Map<string, string> | undefined;
  builtin: Map<string, string> | undefined;
  dep: Map<string, string> | undefined;
}

function sources(ctx: ProbeContext): Promise<ModuleSources> {
  return ctx.once('modules.sources', async () => {
    const { release } = await kernelRelease(ctx);
    const [procModules, builtin, dep] = await Promise.all([
      ctx.text('/proc/modules'),
      release ? ctx.text(moduleIndex(release, 'modules.builtin')) : undefined,
      release ? ctx.text(moduleIndex(release, 'modules.dep')) : undefined,
    ]);
    return {
      release,
      loaded: procModules === undefined ? undefined : parseProcModules(procModules),
      builtin: builtin === undefined ? undefined : parseModulePaths(builtin, false),
      dep: dep === undefined ? undefined : parseModulePaths(dep, true),
    };
  });
}

/** Where the distribution ships modules that a kernel config builds as `m`. */
export function packageHint(release: string | undefined, osRelease: string | undefined): string {
  const id = /^ID=("?)([a-z]+)\1$/m.exec(osRelease ?? '')?.[2];
  const r = release ?? '$(uname -r)';
  if (id === 'ubuntu') return `apt-get install linux-modules-extra-${r}`;
  if (id === 'debian') return `apt-get install linux-image-${r}`;
  if (id === 'fedora' || id === 'rhel' || id === 'centos' || id === 'rocky' || id === 'almalinux') return `dnf install kernel-modules-extra-${r}`;
  return `install the modules package of kernel ${r} from your distribution`;
}

export function moduleFacts(ctx: ProbeContext, module: string): Promise<ModuleFacts> {
  return ctx.once(`module.${module}`, async () => {
    const configOption = MODULE_OPTIONS[module] ?? CLASS_MODULE_OPTIONS[module] ?? `CONFIG_${module.toUpperCase()}`;
    const [src, config, initstate, osRelease] = await Promise.all([
      sources(ctx),
      kernelConfig(ctx),
      ctx.text(initstateFile(module)),
      ctx.text('/etc/os-release'),
    ]);
    const evidence: { source: string; value: string }[] = [];
    const option = config.source ? (config.options.get(configOption) ?? 'n') : undefined;
    const modulesOpt = config.source ? (config.options.get('CONFIG_MODULES') ?? 'n') : undefined;
    const noModuleSupport = modulesOpt === 'n';
    const facts = (state: ModuleState, reason: string, file?: string): ModuleFacts => ({
      module, configOption, state, reason, evidence, noModuleSupport, ...(file ? { file } : {}),
    });

    if (config.source) {
      evidence.push({ source: config.source, value: option === 'n' ? `# ${configOption} is not set` : `${configOption}=${option}` });
      if (noModuleSupport) evidence.push({ source: config.source, value: '# CONFIG_MODULES is not set' });
    } else {
      evidence.push({ source: 'kernel config', value: `not found (${config.tried.map((t) => `${t.path}: ${t.outcome}`).join('; ')})` });
    }

    const live = src.loaded?.get(module);
    if (live !== undefined) {
      evidence.push({ source: '/proc/modules', value: `${module} ${live}` });
      return facts('loaded', `${module} is loaded`);
    }
    if (initstate?.trim() === 'live') {
      evidence.push({ source: `/sys/module/${module}/initstate`, value: 'live' });
      return facts('loaded', `${module} is loaded`);
    }
    if (src.loaded) evidence.push({ source: '/proc/modules', value: `no ${module}` });

    const builtinPath = src.builtin?.get(module);
    if (builtinPath || option === 'y') {
      if (builtinPath) evidence.push({ source: `/lib/modules/${src.release}/modules.builtin`, value: builtinPath });
      return facts('builtin', `${module} is built into the kernel`);
    }
    if (option === 'n' || (noModuleSupport && option !== undefined)) {
      const why = noModuleSupport
        ? `${configOption} is not set; kernel has no module support`
        : `${configOption} is not set: this kernel was built without ${module}`;
      return facts('missing', why);
    }

    const depPath = src.dep?.get(module);
    if (depPath) {
      const file = depPath.startsWith('/') ? depPath : `/lib/modules/${src.release}/${depPath}`;
      const f = await ctx.readable(file);
      if (f.ok) {
        evidence.push({ source: `/lib/modules/${src.release}/modules.dep`, value: depPath });
        return facts('loadable', `${module} is not loaded; its module file is present`, file);
      }
      evidence.push({ source: file, value: f.error });
    } else if (src.dep) {
      evidence.push({ source: `/lib/modules/${src.release}/modules.dep`, value: `no ${module}` });
    } else {
      evidence.push({ source: `/lib/modules/${src.release ?? '?'}/modules.dep`, value: 'absent' });
    }
    if (option === 'm') {
      return facts('missing', `${configOption}=m but the module file is absent for ${src.release ?? 'this kernel'}: ${packageHint(src.release, osRelease)}`);
    }
    if (src.dep && !depPath && (config.source || src.builtin)) {
      return facts('missing', `${module} is neither loaded, built in, nor in modules.dep`);
    }
    return facts('unknown', `no source could tell whether ${module} is available (no kernel config, no module index)`);
  });
}
