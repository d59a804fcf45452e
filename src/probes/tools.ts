import type { ProbeContext } from './context.js';

export interface ToolFacts {
  readonly tool: string;
  readonly present: boolean;
  readonly version?: string;
  readonly output: string;
  readonly argv: readonly string[];
  /** Evidence source: the command, and for a cached answer which binary gave it and when. */
  readonly source: string;
  readonly error?: string;
}

/** `ip -V` prints "ip utility, iproute2-6.1.0, libbpf 1.1.2" (older: "ip utility, iproute2-ss170501"). */
export function parseIproute2Version(text: string): string | undefined {
  const m = /iproute2-(ss)?([0-9][0-9.]*[0-9])/.exec(text);
  if (!m?.[2]) return undefined;
  return m[1] ? snapshotVersion(m[2]) : m[2];
}

/** Before 4.15 iproute2 printed a snapshot date (ss151103); this maps it to the release it follows. */
const SNAPSHOTS: readonly [string, string][] = [
  ['171113', '4.14.0'], ['170905', '4.13.0'], ['170705', '4.12.0'], ['170501', '4.11.0'], ['170224', '4.10.0'],
  ['161212', '4.9.0'], ['161009', '4.8.0'], ['160808', '4.7.0'], ['160518', '4.6.0'], ['160314', '4.5.0'],
  ['160111', '4.4.0'], ['151103', '4.3.0'], ['150831', '4.2.0'], ['150626', '4.1.0'], ['150413', '4.0.0'],
];

function snapshotVersion(date: string): string {
  return SNAPSHOTS.find(([d]) => date >= d)?.[1] ?? '3.0.0';
}

/** `tcpdump --version` prints "tcpdump version 4.99.3" then libpcap's line. */
export function parseTcpdumpVersion(text: string): string | undefined {
  return /tcpdump version ([0-9][^\s]*)/.exec(text)?.[1];
}

/** Bound of one version query. */
export const TOOL_TIMEOUT_MS = 3_000;

async function tool(ctx: ProbeContext, name: string, args: string[], parse: (s: string) => string | undefined): Promise<ToolFacts> {
  const r = await ctx.exec(name, args, { timeoutMs: TOOL_TIMEOUT_MS, cacheable: true });
  const output = `${r.stdout}${r.stderr}`.trim();
  const source = r.cached ? `${r.argv.join(' ')} (as ${r.cached.path} printed it at ${r.cached.at}; the file is unchanged since)` : r.argv.join(' ');
  if (r.spawnError) return { tool: name, present: false, output, argv: r.argv, source, error: r.spawnError };
  const version = parse(output);
  return {
    tool: name, present: true, output, argv: r.argv, source,
    ...(version ? { version } : {}),
    ...(r.failed ? { error: r.timedOut ? 'timed out' : `exit ${r.exitCode ?? r.signal}` } : {}),
  };
}

/** The version queries `check` runs: each prints what its binary is, nothing about the host's state. */
export const VERSION_QUERIES = { ip: ['-V'], tcpdump: ['--version'] } as const;

/**
 * The version queries of the tools traffic classes use, asked only with `check --classes`:
 * `iptables-legacy --version` prints "iptables v1.8.9 (legacy)", `tc -V` "tc utility, iproute2-6.1.0, ...".
 */
export const CLASS_VERSION_QUERIES = { 'iptables-legacy': ['--version'], tc: ['-V'] } as const;

export const iptablesLegacy = (ctx: ProbeContext): Promise<ToolFacts> =>
  ctx.once('tool.iptables-legacy', () => tool(ctx, 'iptables-legacy', [...CLASS_VERSION_QUERIES['iptables-legacy']], (s) => /\bv([0-9][0-9.]*[0-9])/.exec(s)?.[1]));
export const tc = (ctx: ProbeContext): Promise<ToolFacts> => ctx.once('tool.tc', () => tool(ctx, 'tc', [...CLASS_VERSION_QUERIES.tc], parseIproute2Version));

export const iproute2 = (ctx: ProbeContext): Promise<ToolFacts> => ctx.once('tool.ip', () => tool(ctx, 'ip', [...VERSION_QUERIES.ip], parseIproute2Version));
export const tcpdump = (ctx: ProbeContext): Promise<ToolFacts> => ctx.once('tool.tcpdump', () => tool(ctx, 'tcpdump', [...VERSION_QUERIES.tcpdump], parseTcpdumpVersion));

/** Compares dotted versions, or iproute2's ssYYMMDD snapshots as a single number. */
export function versionAtLeast(version: string, min: string): boolean {
  const a = version.split('.').map(Number);
  const b = min.split('.').map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}

/** Capability bits from /proc/self/status. */
export const CAP_NET_ADMIN = 12;
export const CAP_NET_RAW = 13;

export interface PrivilegeFacts {
  readonly capEff: bigint | undefined;
  readonly uid: number | undefined;
  readonly source: string;
}

/** Where a process' own capabilities and uid are: read on a host, it tells what commands run there may do. */
export const PROCESS_STATUS = '/proc/self/status';

/** The effective capabilities and real uid in a /proc/PID/status text (undefined where absent). */
export function parseProcessStatus(text: string | undefined, source = PROCESS_STATUS): PrivilegeFacts {
  const cap = text ? /^CapEff:\s*([0-9a-f]+)$/m.exec(text)?.[1] : undefined;
  const uid = text ? /^Uid:\s*(\d+)/m.exec(text)?.[1] : undefined;
  return { capEff: cap ? BigInt(`0x${cap}`) : undefined, uid: uid === undefined ? undefined : Number(uid), source };
}

export function privileges(ctx: ProbeContext): Promise<PrivilegeFacts> {
  return ctx.once('privileges', async () => parseProcessStatus(await ctx.text(PROCESS_STATUS)));
}

/** The capabilities `capEff` lacks for changing networking (and, with `raw`, for capturing); none when unknown. */
export function missingCaps(capEff: bigint | undefined, raw: boolean): string[] {
  if (capEff === undefined) return [];
  return [hasCap(capEff, CAP_NET_ADMIN) ? '' : 'CAP_NET_ADMIN', raw && !hasCap(capEff, CAP_NET_RAW) ? 'CAP_NET_RAW' : ''].filter(Boolean);
}

export const hasCap = (capEff: bigint, bit: number): boolean => ((capEff >> BigInt(bit)) & 1n) === 1n;
