import { randomInt } from 'node:crypto';
import type { TcpEndReport } from '../../core/tcp-verdict.js';
import type { HostSpec } from '../../core/topology.js';
import type { Background, Host } from '../../host/host.js';
import { selfArgv } from '../../host/paths.js';
import type { TcpEndpointOutput, TcpEndpointSpec } from '../../host/tcp-endpoint.js';
import { PY_TCP_ENDPOINT } from './tcp-endpoint-py.js';

/** One direction's transfer as run: the receiver's port, and what each end reported. */
export interface TcpRun {
  readonly port: number;
  readonly skipped?: string;
  readonly error?: string;
  readonly sender?: TcpEndReport;
  readonly receiver?: TcpEndReport;
}

export interface TcpRunOptions {
  readonly bytes: number;
  readonly stallMs: number;
  readonly signal?: AbortSignal;
}

/** How long an endpoint keeps trying to connect: the peer's endpoint starts at the same time, and Node takes ~1.7 s to start in user-mode Linux, many times that on a loaded machine. */
const CONNECT_MS = 30_000;

/**
 * How a host runs the endpoint, argv before the JSON argument: this same program on local and
 * netns hosts; over ssh, the host's own python3 (the script passed on the command line), or a
 * reason why there is none.
 */
async function endpointArgv(host: Host, name: string): Promise<{ argv: string[] } | { none: string }> {
  if (!host.remote) {
    const self = selfArgv();
    return { argv: [...self, '--tcp-endpoint'] };
  }
  const r = await host.exec('python3', ['-c', 'import hashlib, json, socket, threading'], { timeoutMs: 10_000 });
  if (r.failed) return { none: `${name} is reached over ssh and has no python3 to run verify's TCP endpoint (${r.spawnError ?? (r.stderr.trim().split('\n').pop() || `exit ${r.exitCode}`)})` };
  return { argv: ['python3', '-c', PY_TCP_ENDPOINT] };
}

/**
 * Bulk TCP each way where `run[i]` says the direction's pings crossed: one endpoint process per
 * host (this same program, `--tcp-endpoint`, or python3 over ssh), both started at once, each
 * listening on its overlay address for the peer's transfer and sending its own from its overlay
 * address. A host with no way to run one makes its directions say so.
 */
export async function runTcp(pair: readonly [HostSpec, HostSpec], hostOf: (h: HostSpec) => Host, run: readonly [boolean, boolean], opts: TcpRunOptions): Promise<[TcpRun | undefined, TcpRun | undefined]> {
  const [a, b] = pair;
  const needed = run[0] || run[1] ? [a, b] : [];
  const how = new Map(await Promise.all(needed.map(async (h) => [h.name, await endpointArgv(hostOf(h), h.name)] as const)));
  const dirs = ([[a, b], [b, a]] as const).map(([from, to], i): { from: HostSpec; to: HostSpec; port: number; skipped?: string } | undefined => {
    if (!run[i]) return undefined;
    // Distinct ports: each direction's segments are told apart by the receiver's port.
    const port = 20_000 + randomInt(20_000) * 2 + i;
    const none = [from, to].map((h) => how.get(h.name)).find((x) => x && 'none' in x);
    if (none && 'none' in none) return { from, to, port, skipped: none.none };
    return { from, to, port };
  });
  const active = dirs.filter((d): d is NonNullable<typeof d> => d !== undefined && d.skipped === undefined);
  const timeoutMs = CONNECT_MS + opts.stallMs * 4 + Math.ceil(opts.bytes / 1_000);
  const started: { host: HostSpec; bg: Background }[] = [];
  const onAbort = (): void => void Promise.all(started.map((x) => x.bg.stop('SIGKILL').catch(() => undefined)));
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const outputs = new Map<string, { out?: TcpEndpointOutput; error?: string }>();
    for (const h of [a, b]) {
      const listen = active.find((d) => d.to === h);
      const send = active.find((d) => d.from === h);
      if (!listen && !send) continue;
      const spec: TcpEndpointSpec = {
        ...(listen ? { listen: { addr: h.overlay, port: listen.port } } : {}),
        ...(send ? { send: { from: h.overlay, to: send.to.overlay, port: send.port, bytes: opts.bytes } } : {}),
        stallMs: opts.stallMs, connectMs: CONNECT_MS,
      };
      const ep = how.get(h.name);
      if (!ep || !('argv' in ep)) continue;
      started.push({ host: h, bg: hostOf(h).start(ep.argv[0]!, [...ep.argv.slice(1), JSON.stringify(spec)], { timeoutMs }) });
    }
    await Promise.all(started.map(async ({ host, bg }) => {
      const r = await bg.done;
      const line = r.stdout.trim().split('\n').pop() ?? '';
      try {
        outputs.set(host.name, { out: JSON.parse(line) as TcpEndpointOutput });
      } catch {
        outputs.set(host.name, { error: `the TCP endpoint on ${host.name} gave no report (${r.timedOut ? 'timed out' : `exit ${r.exitCode ?? r.signal}`}${r.stderr.trim() ? `: ${r.stderr.trim().split('\n').pop()}` : ''})` });
      }
    }));
    return dirs.map((d): TcpRun | undefined => {
      if (!d) return undefined;
      if (d.skipped !== undefined) return { port: d.port, skipped: d.skipped };
      const s = outputs.get(d.from.name);
      const r = outputs.get(d.to.name);
      const sent = s?.out?.send;
      const got = r?.out?.listen;
      const error = s?.error ?? r?.error;
      return {
        port: d.port,
        ...(error ? { error } : {}),
        ...(sent ? { sender: { bytes: sent.sent, sha256: sent.sha256, ms: sent.ms, stalled: sent.stalled, ...(sent.error ? { error: `${d.from.name} sending: ${sent.error}` } : {}) } } : {}),
        ...(got ? { receiver: { bytes: got.bytes, sha256: got.sha256, ms: got.ms, stalled: got.stalled, ...(got.error ? { error: `${d.to.name} receiving: ${got.error}` } : {}) } } : {}),
      };
    }) as [TcpRun | undefined, TcpRun | undefined];
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    await Promise.all(started.map((x) => x.bg.stop('SIGKILL').catch(() => undefined)));
  }
}

/** Whether mpls_gso is loaded on a host (the kernel's GSO for labelled packets). */
export async function mplsGsoLoaded(host: Host): Promise<boolean | undefined> {
  const [f] = await host.readFiles(['/sys/module/mpls_gso/initstate']).catch(() => [undefined]);
  if (!f) return undefined;
  return f.ok ? f.data.toString().trim() === 'live' : f.error === 'ENOENT' ? false : undefined;
}
