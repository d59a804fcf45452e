import type { Plan } from '../core/planner.js';
import { formatTarget } from '../core/target.js';
import type { Host } from '../host/host.js';
import { undoAction } from './actions.js';
import type { StepReport } from './apply.js';
import type { StateStore } from './state.js';

export interface RemoveResult {
  readonly ok: boolean;
  readonly tunnel: string;
  readonly undone: number;
  readonly steps: readonly StepReport[];
  /** Hosts with no record of an `up`: nothing is removed there (mplsgre only undoes what it did). */
  readonly unrecorded: readonly string[];
}

/**
 * `down`: undoes, newest first and last host first, exactly the steps `up` recorded as changed,
 * restoring recorded sysctl values. A host whose undo fails keeps its record for another try.
 */
export async function removePlan(plan: Plan, hosts: ReadonlyMap<string, Host>, store: StateStore, onStep?: (r: StepReport) => void): Promise<RemoveResult> {
  const tunnel = plan.topology.tunnel.name;
  const steps: StepReport[] = [];
  const unrecorded: string[] = [];
  let ok = true;
  for (const hp of [...plan.hosts].reverse()) {
    const host = hosts.get(hp.name)!;
    const target = formatTarget(hp.target);
    const state = await store.load(tunnel, target);
    if (!state) {
      unrecorded.push(hp.name);
      continue;
    }
    const byId = new Map(hp.steps.map((s) => [s.id, s]));
    const failed: typeof state.steps[number][] = [];
    for (const record of [...state.steps].reverse()) {
      if (record.outcome !== 'changed') continue;
      const step = byId.get(record.id);
      const started = performance.now();
      const base = { id: record.id, host: hp.name, description: `undo: ${step?.description ?? record.id}` };
      if (!step) {
        steps.push({ ...base, outcome: 'failed', detail: 'step not in this topology\'s plan (was the file changed since up?)', durationMs: 0 });
        failed.push(record);
        continue;
      }
      try {
        const note = await undoAction(host, step, record);
        steps.push({ ...base, outcome: 'undone', ...(note ? { detail: note } : {}), durationMs: performance.now() - started });
      } catch (err) {
        steps.push({ ...base, outcome: 'failed', detail: (err as Error).message, durationMs: performance.now() - started });
        failed.push(record);
      }
      onStep?.(steps.at(-1)!);
    }
    if (failed.length) {
      ok = false;
      await store.save({ ...state, updatedAt: new Date().toISOString(), steps: failed.reverse() });
    } else {
      await store.remove(tunnel, target);
    }
  }
  return { ok, tunnel, undone: steps.filter((s) => s.outcome === 'undone').length, steps, unrecorded };
}
