import { showAction, type Plan } from '../core/planner.js';
import type { Host } from '../host/host.js';
import { readStepsOn, type StepReading } from './actions.js';

/** One step of `up --dry-run`: what up would do with it on this run. */
export interface DryRunStep {
  readonly id: string;
  readonly host: string;
  readonly description: string;
  /** The command up would run (display only). */
  readonly command: string;
  /** unknown: the step's check could not run (a read that timed out): `up` would run the step. */
  readonly outcome: 'would-change' | 'in-effect' | 'unknown';
  /** Why the outcome is unknown. */
  readonly reason?: string;
  readonly optional?: boolean;
}

/** `up --dry-run`: read-only; nothing is changed and no state record is written. */
export interface DryRunResult {
  readonly dryRun: true;
  readonly tunnel: string;
  readonly wouldChange: number;
  readonly inEffect: number;
  /** Steps whose check could not tell: nothing is claimed about them. */
  readonly unknown: number;
  readonly steps: readonly DryRunStep[];
}

/**
 * What `up` would change on these hosts now, step by step, decided by the very checks `up`
 * uses to leave a step alone. Only reads: each step's check, never its `do`.
 */
export async function dryRunPlan(plan: Plan, hosts: ReadonlyMap<string, Host>): Promise<DryRunResult> {
  const readings = new Map<string, StepReading>();
  await Promise.all(plan.hosts.map(async (hp) => {
    const found = await readStepsOn(hosts.get(hp.name)!, hp.steps);
    hp.steps.forEach((s, i) => readings.set(s.id, found[i]!));
  }));
  const steps = plan.hosts.flatMap((hp) => hp.steps.map((s): DryRunStep => {
    const r = readings.get(s.id)!;
    return {
      id: s.id, host: hp.name, description: s.description, command: showAction(s.do),
      ...('unknown' in r ? { outcome: 'unknown' as const, reason: r.unknown } : { outcome: r.inEffect ? 'in-effect' as const : 'would-change' as const }),
      ...(s.optional ? { optional: true } : {}),
    };
  }));
  return {
    dryRun: true, tunnel: plan.topology.tunnel.name, steps,
    wouldChange: steps.filter((s) => s.outcome === 'would-change').length,
    inEffect: steps.filter((s) => s.outcome === 'in-effect').length,
    unknown: steps.filter((s) => s.outcome === 'unknown').length,
  };
}
