import { showAction, type Plan } from '../core/planner.js';
import type { Host } from '../host/host.js';
import { stepsInEffect } from './apply.js';

/** One step of `up --dry-run`: what up would do with it on this run. */
export interface DryRunStep {
  readonly id: string;
  readonly host: string;
  readonly description: string;
  /** The command up would run (display only). */
  readonly command: string;
  readonly outcome: 'would-change' | 'in-effect';
  readonly optional?: boolean;
}

/** `up --dry-run`: read-only; nothing is changed and no state record is written. */
export interface DryRunResult {
  readonly dryRun: true;
  readonly tunnel: string;
  readonly wouldChange: number;
  readonly inEffect: number;
  readonly steps: readonly DryRunStep[];
}

/**
 * What `up` would change on these hosts now, step by step, decided by the very checks `up`
 * uses to leave a step alone. Only reads: each step's check, never its `do`.
 */
export async function dryRunPlan(plan: Plan, hosts: ReadonlyMap<string, Host>): Promise<DryRunResult> {
  const effective = await stepsInEffect(plan, hosts);
  const steps = plan.hosts.flatMap((hp) => hp.steps.map((s): DryRunStep => ({
    id: s.id, host: hp.name, description: s.description, command: showAction(s.do),
    outcome: effective.get(s.id) ? 'in-effect' : 'would-change',
    ...(s.optional ? { optional: true } : {}),
  })));
  return {
    dryRun: true, tunnel: plan.topology.tunnel.name, steps,
    wouldChange: steps.filter((s) => s.outcome === 'would-change').length,
    inEffect: steps.filter((s) => s.outcome === 'in-effect').length,
  };
}
