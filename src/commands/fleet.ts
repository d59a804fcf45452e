import { now } from '../core/clock.js';
import type { CheckResult } from '../core/check.js';
import { UsageError } from '../core/errors.js';
import { parseIfName, parseLabels } from '../core/names.js';
import type { Tally } from '../core/runner.js';
import { formatTarget, parseTarget, type Target } from '../core/target.js';
import { joinPath, readYamlTree, type YNode } from '../core/yaml-tree.js';
import type { Host } from '../host/host.js';
import { SshHost } from '../host/ssh.js';
import type { SshExtras } from '../host/targets.js';
import { checkCommand, type CheckReport } from './check.js';

/** One inventory line or entry, validated. `where` names it in messages (`hosts[3]`, `line 7`). */
export interface InventoryEntry {
  readonly target: Target;
  readonly iface?: string;
  readonly labels?: readonly number[];
  readonly where: string;
}

/** A host's outcome. Unreachable (or timed out) hosts are listed, never dropped. */
export type FleetHost =
  | {
      readonly target: string;
      readonly reachable: true;
      readonly ready: boolean;
      readonly kernel: string | undefined;
      readonly tally: Tally;
      readonly durationMs: number;
      readonly checks: readonly CheckResult[];
    }
  | { readonly target: string; readonly reachable: false; readonly timedOut: boolean; readonly error: string; readonly durationMs: number };

/** What `mplsgre fleet --json` prints as `result`. `hosts` keeps the inventory order. */
export interface FleetReport {
  readonly startedAt: string;
  readonly durationMs: number;
  readonly concurrency: number;
  readonly timeoutS: number;
  readonly summary: { readonly hosts: number; readonly ready: number; readonly notReady: number; readonly unreachable: number };
  readonly hosts: readonly FleetHost[];
}

export interface FleetOptions {
  readonly entries: readonly InventoryEntry[];
  /** Hosts checked at once (default 16). */
  readonly concurrency: number;
  /** Bound for one host, connection included; a host past it is reported unreachable with timedOut. */
  readonly timeoutMs: number;
  readonly iface?: string;
  readonly labels: readonly number[];
  readonly failOn: 'fail' | 'warn';
  readonly ssh?: SshExtras;
  /** Called as each host finishes, in completion order (progress, per-host reports). */
  readonly onHost?: (host: FleetHost, done: number, total: number, report: CheckReport | undefined) => void | Promise<void>;
}

export const DEFAULT_CONCURRENCY = 16;
export const DEFAULT_HOST_TIMEOUT_S = 60;

/**
 * Exit code of a fleet run: 3 when any host could not be checked (unreachable or timed out),
 * else 1 when any host is not ready, else 0. 3 wins over 1: the answer for the fleet is
 * incomplete, and an automation that retries on 3 would otherwise miss the unchecked hosts;
 * failing hosts are in the report either way.
 */
export function fleetExitCode(r: FleetReport): 0 | 1 | 3 {
  if (r.summary.unreachable > 0) return 3;
  return r.summary.notReady > 0 ? 1 : 0;
}

// ---- inventory ----

/** YAML (`hosts: [{target, iface?, labels?}]`) when the file says `hosts:`, else one target per line. */
export function parseInventory(text: string, source: string): InventoryEntry[] {
  const entries = /^hosts\s*:/m.test(text) ? parseYamlInventory(text, source) : parsePlainInventory(text);
  if (entries.length === 0) throw new UsageError('INVENTORY', `${source} lists no hosts`);
  const seen = new Map<string, string>();
  for (const e of entries) {
    const key = formatTarget(e.target);
    const first = seen.get(key);
    if (first) throw new UsageError(`${e.where}${e.where.startsWith('line') ? '' : '.target'}`, `${key} is listed twice (first at ${first})`);
    seen.set(key, e.where);
  }
  return entries;
}

function parsePlainInventory(text: string): InventoryEntry[] {
  const out: InventoryEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (line === '') return;
    const where = `line ${i + 1}`;
    if (/\s/.test(line)) throw new UsageError(where, 'one target per line: ssh:[user@]host[:port] or [user@]host[:port]');
    const target = parseTarget(line.startsWith('ssh:') ? line : `ssh:${line}`, where);
    out.push({ target, where });
  });
  return out;
}

const ENTRY_KEYS = ['target', 'iface', 'labels'];

function parseYamlInventory(text: string, source: string): InventoryEntry[] {
  const root = readYamlTree(text, source);
  if (root.kind !== 'map') throw new UsageError('FILE', `${source}: expected a mapping with hosts:`);
  for (const k of root.entries.keys()) if (k !== 'hosts') throw new UsageError(k, 'unknown key (an inventory has only hosts:)');
  const hosts = root.entries.get('hosts');
  if (!hosts || hosts.kind !== 'seq') throw new UsageError('hosts', 'expected a list of {target, iface?, labels?}');
  return hosts.items.map((item, i) => {
    const where = joinPath('hosts', i);
    if (item.kind !== 'map') throw new UsageError(where, 'expected {target: ssh:[user@]host[:port], iface?, labels?}');
    for (const k of item.entries.keys()) if (!ENTRY_KEYS.includes(k)) throw new UsageError(joinPath(where, k), `unknown key (known: ${ENTRY_KEYS.join(', ')})`);
    const target = parseTarget(scalar(item.entries.get('target')), joinPath(where, 'target'));
    const iface = item.entries.get('iface');
    const labels = item.entries.get('labels');
    return {
      target, where,
      ...(iface ? { iface: parseIfName(scalar(iface), joinPath(where, 'iface')) } : {}),
      ...(labels ? { labels: parseLabels(labelText(labels), joinPath(where, 'labels')) } : {}),
    };
  });
}

const scalar = (n: YNode | undefined): unknown => (n?.kind === 'scalar' ? n.value : n === undefined ? undefined : n.kind);

/** labels: `100,101`, `100` or `[100, 101]`, all read as the --labels text. */
function labelText(n: YNode): unknown {
  if (n.kind === 'seq') return n.items.map((x) => (x.kind === 'scalar' ? x.source : '?')).join(',');
  return n.kind === 'scalar' ? n.source : n.kind;
}

// ---- run ----

/** Checks every host with bounded concurrency; memory is one outcome per host. */
export async function fleetCommand(opts: FleetOptions): Promise<FleetReport> {
  const startedAt = new Date();
  const started = now();
  const total = opts.entries.length;
  const hosts: FleetHost[] = new Array<FleetHost>(total);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < total) {
      const i = next++;
      const { host, report } = await checkOne(opts.entries[i]!, opts);
      hosts[i] = host;
      done++;
      await opts.onHost?.(host, done, total, report);
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency, total) }, worker));
  const unreachable = hosts.filter((h) => !h.reachable).length;
  const ready = hosts.filter((h) => h.reachable && h.ready).length;
  return {
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(now() - started),
    concurrency: opts.concurrency,
    timeoutS: opts.timeoutMs / 1000,
    summary: { hosts: total, ready, notReady: total - ready - unreachable, unreachable },
    hosts,
  };
}

async function checkOne(entry: InventoryEntry, opts: FleetOptions): Promise<{ host: FleetHost; report?: CheckReport }> {
  const started = now();
  const target = formatTarget(entry.target);
  const took = (): number => Math.round(now() - started);
  const ssh = entry.target.kind === 'ssh' ? SshHost.fromTarget(entry.target, { ...opts.ssh, overallTimeoutMs: opts.timeoutMs }) : undefined;
  let timer: NodeJS.Timeout | undefined;
  const work = async (): Promise<{ host: FleetHost; report?: CheckReport }> => {
    if (ssh) {
      const r = await ssh.probeReachable();
      if (!r.reachable) return { host: { target, reachable: false, timedOut: false, error: r.error, durationMs: took() } };
    }
    const { hostForTarget } = await import('../host/targets.js');
    const host: Host = ssh ?? (await hostForTarget(entry.target));
    const iface = entry.iface ?? opts.iface;
    const report = await checkCommand({ host, labels: entry.labels ?? opts.labels, ignore: [], failOn: opts.failOn, ...(iface ? { iface } : {}) });
    return {
      host: { target, reachable: true, ready: report.ready, kernel: report.kernel, tally: report.tally, durationMs: took(), checks: report.checks },
      report,
    };
  };
  const timeout = new Promise<{ host: FleetHost }>((resolve) => {
    timer = setTimeout(() => resolve({
      host: { target, reachable: false, timedOut: true, error: `no complete check within ${opts.timeoutMs / 1000} s (--timeout)`, durationMs: took() },
    }), opts.timeoutMs);
  });
  try {
    return await Promise.race([
      work().catch((err: unknown) => ({ host: { target, reachable: false as const, timedOut: false, error: (err as Error).message ?? String(err), durationMs: took() } })),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
    // Ends the control master; commands still in flight after a timeout end with it.
    await ssh?.close();
  }
}
