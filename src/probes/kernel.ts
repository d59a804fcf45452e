import type { ProbeContext } from './context.js';

export interface KernelRelease {
  readonly release: string | undefined;
  /** [major, minor, patch] parsed from the release, when it parses. */
  readonly version: readonly [number, number, number] | undefined;
  readonly source: string;
}

export function parseRelease(release: string): [number, number, number] | undefined {
  const m = /^(\d{1,4})\.(\d{1,4})(?:\.(\d{1,6}))?/.exec(release);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

export function kernelRelease(ctx: ProbeContext): Promise<KernelRelease> {
  return ctx.once('kernel.release', async () => {
    const source = '/proc/sys/kernel/osrelease';
    const text = (await ctx.text(source))?.trim();
    return { release: text || undefined, version: text ? parseRelease(text) : undefined, source };
  });
}

/** A kernel config value: 'y', 'm', 'n' (for `# CONFIG_X is not set`) or the literal value. */
export type ConfigValue = string;

/** Options looked up in the config text on demand: a probe asks for a handful of ~7,000. */
export interface ConfigOptions {
  get(option: string): ConfigValue | undefined;
}

export interface KernelConfig {
  /** The file the options came from, or undefined when no source could be read. */
  readonly source: string | undefined;
  readonly options: ConfigOptions;
  /** Every place looked at, with why it was not used. */
  readonly tried: readonly { path: string; outcome: string }[];
}

export const MAX_CONFIG_BYTES = 8 * 1024 * 1024;
const NONE: ConfigOptions = { get: () => undefined };

/** A kernel config that cannot be read: a corrupt gzip, or one that unpacks to too much. */
export class KernelConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KernelConfigError';
  }
}

/**
 * Reads a kernel .config (plain or gzip); throws KernelConfigError on a corrupt gzip. Returns undefined when the
 * text has no CONFIG_ line at all. Garbage lines are ignored.
 */
export function parseKernelConfig(data: Buffer): ConfigOptions | undefined {
  let plain = data;
  if (data[0] === 0x1f && data[1] === 0x8b) {
    try {
      plain = process.getBuiltinModule('node:zlib').gunzipSync(data, { maxOutputLength: MAX_CONFIG_BYTES });
    } catch (err) {
      throw new KernelConfigError(`corrupt gzip or over ${MAX_CONFIG_BYTES} bytes unpacked (${(err as Error).message})`);
    }
  }
  const text = '\n' + plain.toString('utf8');
  if (!text.includes('CONFIG_')) return undefined;
  const cache = new Map<string, ConfigValue | undefined>();
  const lookup = (option: string): ConfigValue | undefined => {
    if (text.includes(`\n# ${option} is not set`)) return 'n';
    const at = text.indexOf(`\n${option}=`);
    if (at === -1) return undefined;
    const start = at + option.length + 2;
    const eol = text.indexOf('\n', start);
    return text.slice(start, eol === -1 ? undefined : eol).trim().replace(/^"(.*)"$/, '$1');
  };
  return {
    get(option) {
      if (!cache.has(option)) cache.set(option, lookup(option));
      return cache.get(option);
    },
  };
}

/** Where a kernel config is looked for, in order: the override alone, else what the kernel and the distribution publish. */
export function configCandidates(override: string | undefined, release: string | undefined): string[] {
  if (override) return [override];
  return ['/proc/config.gz', ...(release ? [`/boot/config-${release}`, `/lib/modules/${release}/config`] : [])];
}

/** Reads the kernel config from the override, /proc/config.gz, /boot or /lib/modules, in that order. */
export function kernelConfig(ctx: ProbeContext): Promise<KernelConfig> {
  return ctx.once('kernel.config', async () => {
    const { release } = await kernelRelease(ctx);
    const candidates = configCandidates(ctx.options.kernelConfig, release);
    const reads = await Promise.all(candidates.map((p) => ctx.read(p)));
    const tried: { path: string; outcome: string }[] = [];
    for (const r of reads) {
      if (!r.ok) {
        tried.push({ path: r.path, outcome: r.error });
        continue;
      }
      try {
        const options = parseKernelConfig(r.data);
        if (!options) {
          tried.push({ path: r.path, outcome: 'no CONFIG_ lines' });
          continue;
        }
        return { source: r.path, options, tried };
      } catch (err) {
        tried.push({ path: r.path, outcome: `unreadable: ${(err as Error).message}` });
      }
    }
    return { source: undefined, options: NONE, tried };
  });
}
