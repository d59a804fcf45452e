import { parsePing, type PingSummary } from '../../core/ping.js';
import type { HostSpec } from '../../core/topology.js';
import type { Host } from '../../host/host.js';

export interface PingRun {
  readonly summary: PingSummary | undefined;
  readonly stderr: string;
}

/** How a traffic class's pings are marked: the DS field (`ping -Q`), and a firewall mark (`ping -m`) for a class selected by its mark. */
export interface PingMarking {
  readonly tos: number;
  readonly mark?: number;
}

/** The echo requests of one direction, from the sender's overlay address to the receiver's; marked for a traffic class when `marking` is given. */
export async function ping(host: Host, from: HostSpec, to: HostSpec, count: number, interval: number, signal: AbortSignal | undefined, marking?: PingMarking): Promise<PingRun> {
  const marks = marking ? ['-Q', String(marking.tos), ...(marking.mark !== undefined ? ['-m', String(marking.mark)] : [])] : [];
  // No -w deadline: it cut runs short where timers are coarse (user-mode Linux sent 3,408 of
  // 10,000 at -i 0.002 within count x interval + 2 s). ping sends every request and then waits
  // -W for the last replies; -i 0 paces at 10 ms when no reply comes. The timeout is a backstop.
  const backstopS = Math.ceil(count * Math.max(interval, 0.01) * 4 + 10);
  const r = await host.exec('ping', ['-n', '-q', '-c', String(count), '-i', String(interval), '-W', '1', ...marks, '-I', from.overlay, to.overlay], { timeoutMs: backstopS * 1000, ...(signal ? { signal } : {}) });
  return { summary: parsePing(r.stdout), stderr: r.stderr.trim() };
}
