import type { ProbeContext } from './context.js';

export interface SysctlValue {
  readonly key: string;
  readonly path: string;
  /** The trimmed value, or undefined when the file is absent or unreadable. */
  readonly value: string | undefined;
  readonly error?: string;
}

export const sysctlPath = (key: string): string => `/proc/sys/${key.replace(/\./g, '/')}`;

/** The /proc/sys file of a sysctl given by parts (a slash in an interface name is a dot there). */
export const sysctlFile = (...parts: string[]): string => `/proc/sys/${parts.map((p) => p.replace(/\//g, '.')).join('/')}`;

/** What interfaceFacts reads under /sys/class/net/NAME/. */
export const INTERFACE_FILES = ['ifindex', 'type', 'operstate', 'flags', 'mtu'] as const;

/** Reads a sysctl from /proc/sys (no `sysctl` process). Interface names may contain dots: pass parts. */
export async function readSysctl(ctx: ProbeContext, ...parts: string[]): Promise<SysctlValue> {
  const key = parts.join('.');
  const path = sysctlFile(...parts);
  const r = await ctx.read(path);
  return r.ok ? { key, path, value: r.data.toString('utf8').trim() } : { key, path, value: undefined, error: r.error };
}

export interface InterfaceFacts {
  readonly name: string;
  readonly exists: boolean;
  readonly ifindex?: number;
  /** ARPHRD type: 778 is ipgre, 823 ip6gre. */
  readonly type?: number;
  readonly operstate?: string;
  readonly flags?: number;
  readonly mtu?: number;
  /** Why /sys/class/net/NAME could not be read, when not because it is absent: existence unknown then. */
  readonly error?: string;
}

export function interfaceFacts(ctx: ProbeContext, name: string): Promise<InterfaceFacts> {
  return ctx.once(`iface.${name}`, async () => {
    const base = `/sys/class/net/${name}`;
    const [ifindex, type, operstate, flags, mtu] = await Promise.all(
      INTERFACE_FILES.map((f) => ctx.text(`${base}/${f}`)),
    );
    if (ifindex === undefined) {
      // A read that failed as a whole (a namespace that timed out) says nothing of the interface.
      const r = await ctx.read(`${base}/ifindex`);
      return !r.ok && r.error !== 'ENOENT' ? { name, exists: false, error: r.error } : { name, exists: false };
    }
    const num = (s: string | undefined): number | undefined => (s === undefined || !/^\s*(0x)?[0-9a-f]+\s*$/i.test(s) ? undefined : Number(s.trim()));
    return {
      name, exists: true,
      ...(num(ifindex) !== undefined ? { ifindex: num(ifindex)! } : {}),
      ...(num(type) !== undefined ? { type: num(type)! } : {}),
      ...(operstate ? { operstate: operstate.trim() } : {}),
      ...(num(flags) !== undefined ? { flags: num(flags)! } : {}),
      ...(num(mtu) !== undefined ? { mtu: num(mtu)! } : {}),
    };
  });
}
