import { now } from '../core/clock.js';
import { UsageError } from '../core/errors.js';
import { parseIfName, parseLabels } from '../core/names.js';
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

/** A host that could not be checked: listed with its error, never dropped. */
export interface UnreachableHost {
  readonly target: string;
  readonly reachable: false;
  readonly timedOut: boolean;
  readonly error: string;
  readonly durationMs: number;
}

/**
 * A host's outcome: a checked host is its whole check report (`durationMs` counts the connection
 * too); an unreachable (or timed out) one is listed with its error.
 */
export type FleetHost = (CheckReport & { readonly reachable: true }) | UnreachableHost;

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
  /** Every host will carry traffic classes: `check --classes` on each. */
  readonly classes?: boolean;
  readonly ssh?: SshExtras;
  /** How a host is reached; ssh (with `ssh`) by default. Tests and benches pass recorded hosts. */
  readonly connect?: Connector;
  /** Called as each host finishes, in completion order (progress, streamed output, per-host reports). */
  readonly onHost?: (host: FleetHost, done: number, total: number) => void | Promise<void>;
}

/** One host's connection: `open` yields a Host or why none; `close` is called once, after the host is done or timed out. */
export interface Connection {
  open(): Promise<{ readonly host: Host } | { readonly error: string }>;
  close(): Promise<void>;
}

export type Connector = (entry: InventoryEntry, opts: { readonly timeoutMs: number; readonly ssh?: SshExtras }) => Connection;

/** ssh targets over OpenSSH (reachability probed first, the control master closed after); other kinds directly. */
export const defaultConnector: Connector = (entry, opts) => {
  if (entry.target.kind !== 'ssh') {
    const target = entry.target;
    return { open: async () => ({ host: await (await import('../host/targets.js')).hostForTarget(target) }), close: async () => {} };
  }
  const ssh = SshHost.fromTarget(entry.target, { ...opts.ssh, overallTimeoutMs: opts.timeoutMs });
  return {
    open: async () => {
      const r = await ssh.probeReachable();
      return r.reachable ? { host: ssh } : { error: r.error };
    },
    // Ends the control master; commands still in flight after a timeout end with it.
    close: () => ssh.close(),
  };
};

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
      const host = await checkOne(opts.entries[i]!, opts);
      hosts[i] = host;
      done++;
      await opts.onHost?.(host, done, total);
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

async function checkOne(entry: InventoryEntry, opts: FleetOptions): Promise<FleetHost> {
  const started = now();
  const target = formatTarget(entry.target);
  const took = (): number => Math.round(now() - started);
  const unreachable = (error: string, timedOut = false): UnreachableHost => ({ target, reachable: false, timedOut, error, durationMs: took() });
  const connection = (opts.connect ?? defaultConnector)(entry, { timeoutMs: opts.timeoutMs, ...(opts.ssh ? { ssh: opts.ssh } : {}) });
  let timer: NodeJS.Timeout | undefined;
  const work = async (): Promise<FleetHost> => {
    const opened = await connection.open();
    if ('error' in opened) return unreachable(opened.error);
    const iface = entry.iface ?? opts.iface;
    const report = await checkCommand({ host: opened.host, labels: entry.labels ?? opts.labels, ignore: [], failOn: opts.failOn, ...(iface ? { iface } : {}), ...(opts.classes ? { classes: true } : {}) });
    return { ...report, target, reachable: true, durationMs: took() };
  };
  const timeout = new Promise<FleetHost>((resolve) => {
    timer = setTimeout(() => resolve(unreachable(`no complete check within ${opts.timeoutMs / 1000} s (--timeout)`, true)), opts.timeoutMs);
  });
  try {
    return await Promise.race([work().catch((err: unknown) => unreachable((err as Error).message ?? String(err))), timeout]);
  } finally {
    clearTimeout(timer);
    await connection.close();
  }
}
