import type { StepReport } from '../engine/apply.js';
import { removePlan, type RemoveResult } from '../engine/remove.js';
import { type StateStore, stateStoreFor } from '../engine/state.js';
import { bind, hostsByTarget, type SshOptions } from './tunnel.js';

/** `mplsgre down FILE`: removes what `up` created and restores the recorded sysctl values. */
export async function downCommand(opts: { file: string; store?: StateStore; onStep?: (r: StepReport) => void; ssh?: SshOptions; host?: string }): Promise<RemoveResult> {
  const b = await bind(opts.file, { command: 'down' }, opts.ssh, opts.host);
  return removePlan(b.plan, b.hosts, opts.store ?? stateStoreFor(hostsByTarget(b)), opts.onStep);
}
