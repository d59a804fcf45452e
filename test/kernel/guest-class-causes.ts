import { rootCause, type Stage } from '../../src/core/root-cause.js';
import { recordClassPathsInGuest } from '../../scripts/record-class-paths.js';
import { replayClassPath } from '../causes/class-path-cases.js';

/** One fault of a class, made live, and the cause named from what was read right after. */
export interface LiveClassCause { readonly name: string; readonly stage: Stage | null; readonly labelsSeen: readonly number[]; readonly id: string | null; readonly confidence: string; readonly fix?: string }

/**
 * Runs inside user-mode Linux, one boot: examples/classes.yaml set up by the real up; then a rule
 * with a smaller preference sending the class's mark to main, then B without its pop of 200, each
 * under DSCP-46 pings and a capture; the root cause is named from the facts read right after.
 */
export async function liveClassCauses(): Promise<LiveClassCause[]> {
  const out: LiveClassCause[] = [];
  const recorded = await recordClassPathsInGuest({ only: ['rule-shadowed', 'label-not-routed'] });
  for (const [name, fx] of Object.entries(recorded)) {
    const { ctx } = await replayClassPath(fx);
    const rc = fx.direction.stage ? rootCause(fx.direction.stage, ctx) : undefined;
    out.push({ name, stage: fx.direction.stage, labelsSeen: fx.trafficClass.labelsSeen, id: rc?.id ?? null, confidence: rc?.confidence ?? 'none', ...(rc?.fix ? { fix: rc.fix } : {}) });
  }
  return out;
}
