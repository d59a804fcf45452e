import { verifyTopology, type VerifyResult } from '../engine/verify.js';

export { DEFAULT_TCP_BYTES } from '../engine/verify.js';
import { bind, type SshOptions } from './tunnel.js';

/** `mplsgre verify FILE`: pings and a bulk TCP transfer both ways under capture, each direction judged from the packets. */
export async function verifyCommand(opts: { file: string; count: number; interval: number; mtu: boolean; tcpBytes?: number; log?: (line: string) => void; ssh?: SshOptions; signal?: AbortSignal }): Promise<VerifyResult> {
  const b = await bind(opts.file, { command: 'verify', raw: true }, opts.ssh);
  return verifyTopology(b.topology, b.hosts, { upCommand: `mplsgre up ${opts.file}`, count: opts.count, interval: opts.interval, mtu: opts.mtu, ...(opts.tcpBytes !== undefined ? { tcpBytes: opts.tcpBytes } : {}), ...(opts.log ? { log: opts.log } : {}), ...(opts.signal ? { signal: opts.signal } : {}) });
}
