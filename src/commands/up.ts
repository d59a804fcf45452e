import { applyPlan, type ApplyResult, type StepReport } from '../engine/apply.js';
import { StateStore } from '../engine/state.js';
import { bind, requireCaps } from './tunnel.js';

/** `mplsgre up FILE`: configures both ends; transactional and idempotent. */
export async function upCommand(opts: { file: string; store?: StateStore; onStep?: (r: StepReport) => void }): Promise<ApplyResult> {
  const b = await bind(opts.file);
  await requireCaps('up');
  return applyPlan(b.plan, b.hosts, opts.store ?? new StateStore(), opts.onStep ? { onStep: opts.onStep } : {});
}
