import type { StepReport } from '../engine/apply.js';
import { removePlan, type RemoveResult } from '../engine/remove.js';
import { StateStore } from '../engine/state.js';
import { bind } from './tunnel.js';

/** `mplsgre down FILE`: removes what `up` created and restores the recorded sysctl values. */
export async function downCommand(opts: { file: string; store?: StateStore; onStep?: (r: StepReport) => void }): Promise<RemoveResult> {
  const b = await bind(opts.file, { command: 'down' });
  return removePlan(b.plan, b.hosts, opts.store ?? new StateStore(), opts.onStep);
}
