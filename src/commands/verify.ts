import { verifyTopology, type VerifyResult } from '../engine/verify.js';
import { bind, type SshOptions } from './tunnel.js';

/** `mplsgre verify FILE`: pings both ways under capture and judges each direction from the packets. */
export async function verifyCommand(opts: { file: string; count: number; interval: number; mtu: boolean; log?: (line: string) => void; ssh?: SshOptions; signal?: AbortSignal }): Promise<VerifyResult> {
  const b = await bind(opts.file, { command: 'verify', raw: true }, opts.ssh);
  return verifyTopology(b.topology, b.hosts, { upCommand: `mplsgre up ${opts.file}`, count: opts.count, interval: opts.interval, mtu: opts.mtu, ...(opts.log ? { log: opts.log } : {}), ...(opts.signal ? { signal: opts.signal } : {}) });
}
