import { gunzipSync } from 'node:zlib';
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

export interface KernelConfig {
  /** The file the options came from, or undefined when no source could be read. */
  readonly source: string | undefined;
  readonly options: ReadonlyMap<string, ConfigValue>;
  /** Every place looked at, with why it was not used. */
  readonly tried: readonly { path: string; outcome: string }[];
}

const MAX_CONFIG_BYTES = 8 * 1024 * 1024;

/** Parses a kernel .config (plain or gzip). Garbage lines are ignored; the result may be empty. */
export function parseKernelConfig(data: Buffer): Map<string, ConfigValue> {
  const text = (data[0] === 0x1f && data[1] === 0x8b ? gunzipSync(data, { maxOutputLength: MAX_CONFIG_BYTES }) : data).toString('utf8');
  const options = new Map<string, ConfigValue>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('# CONFIG_') && line.endsWith(' is not set')) {
      options.set(line.slice(2, -' is not set'.length), 'n');
    } else if (line.startsWith('CONFIG_')) {
      const eq = line.indexOf('=');
      if (eq > 7) options.set(line.slice(0, eq), line.slice(eq + 1).replace(/^"(.*)"$/, '$1'));
    }
  }
  return options;
}

/** Reads the kernel config from the override, /proc/config.gz, /boot or /lib/modules, in that order. */
export function kernelConfig(ctx: ProbeContext): Promise<KernelConfig> {
  return ctx.once('kernel.config', async () => {
    const { release } = await kernelRelease(ctx);
    const candidates = ctx.options.kernelConfig
      ? [ctx.options.kernelConfig]
      : ['/proc/config.gz', ...(release ? [`/boot/config-${release}`, `/lib/modules/${release}/config`] : [])];
    const reads = await Promise.all(candidates.map((p) => ctx.read(p)));
    const tried: { path: string; outcome: string }[] = [];
    for (const r of reads) {
      if (!r.ok) {
        tried.push({ path: r.path, outcome: r.error });
        continue;
      }
      try {
        const options = parseKernelConfig(r.data);
        if (options.size === 0) {
          tried.push({ path: r.path, outcome: 'no CONFIG_ lines' });
          continue;
        }
        return { source: r.path, options, tried };
      } catch (err) {
        tried.push({ path: r.path, outcome: `unreadable: ${(err as Error).message}` });
      }
    }
    return { source: undefined, options: new Map(), tried };
  });
}
