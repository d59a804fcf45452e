import { loadTopology } from '../core/topology.js';
import { plan, renderPlan, type Plan } from '../core/planner.js';

export interface PlanOptions {
  /** Path of the topology file. */
  readonly file: string;
}

/** `mplsgre plan FILE`: validates the topology and shows the steps; changes nothing. */
export async function planCommand(opts: PlanOptions): Promise<{ plan: Plan; text: string }> {
  const p = plan(await loadTopology(opts.file));
  return { plan: p, text: renderPlan(p) };
}
