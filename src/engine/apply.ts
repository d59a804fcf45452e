import type { HostPlan, Plan, Step } from '../core/planner.js';
import { formatTarget } from '../core/target.js';
import type { Host } from '../host/host.js';
import { inEffect, prepareAction, runAction, StepError, stepsInEffectOn, undoAction } from './actions.js';
import type { AppliedStep, HostState, StateStore } from './state.js';

export type Outcome = 'changed' | 'already' | 'skipped' | 'failed' | 'undone' | 'kept';

export interface StepReport {
  readonly id: string;
  readonly host: string;
  readonly description: string;
  readonly outcome: Outcome;
  readonly detail?: string;
  readonly durationMs: number;
}

export interface ApplyResult {
  readonly ok: boolean;
  readonly tunnel: string;
  readonly changed: number;
  readonly already: number;
  readonly steps: readonly StepReport[];
  /** Set when a step failed: everything this run changed was undone, newest first. */
  readonly failure?: { readonly step: string; readonly host: string; readonly message: string; readonly stderr: string; readonly argv: readonly string[] };
  readonly rolledBack: readonly StepReport[];
}

export interface ApplyHooks {
  readonly onStep?: (r: StepReport) => void;
  /** Aborted (Ctrl-C, SIGTERM): no further step starts, and what this run changed is undone. */
  readonly signal?: AbortSignal;
}

interface Done {
  readonly hostPlan: HostPlan;
  readonly host: Host;
  readonly step: Step;
  readonly record: AppliedStep;
}

/**
 * Which steps are in effect before anything changes, by step id: one parallel pass per host
 * (its sysctls in one batched read).
 * `up` leaves those alone; `up --dry-run` reports them. A check that cannot run counts as not in effect.
 */
export async function stepsInEffect(plan: Plan, hosts: ReadonlyMap<string, Host>): Promise<Map<string, boolean>> {
  const effective = new Map<string, boolean>();
  await Promise.all(plan.hosts.map(async (hp) => {
    const host = hosts.get(hp.name)!;
    const flags = await stepsInEffectOn(host, hp.steps);
    hp.steps.forEach((s, i) => effective.set(s.id, flags[i]!));
  }));
  return effective;
}

/**
 * `up`: runs every host's steps in order. A step already in effect is left alone (so a second
 * run changes nothing); a failing step undoes everything this run changed, on every host, in
 * reverse order. The record of what changed is saved after every step.
 */
export async function applyPlan(plan: Plan, hosts: ReadonlyMap<string, Host>, store: StateStore, hooks: ApplyHooks = {}): Promise<ApplyResult> {
  const tunnel = plan.topology.tunnel.name;
  const reports: StepReport[] = [];
  const done: Done[] = [];
  const before = new Map<string, HostState | undefined>();
  const report = (r: StepReport): void => {
    reports.push(r);
    hooks.onStep?.(r);
  };

  const [effective] = await Promise.all([
    stepsInEffect(plan, hosts),
    Promise.all(plan.hosts.map(async (hp) => before.set(hp.name, await store.load(tunnel, formatTarget(hp.target))))),
  ]);

  for (const hp of plan.hosts) {
    const host = hosts.get(hp.name)!;
    const prior = new Map((before.get(hp.name)?.steps ?? []).map((s) => [s.id, s]));
    const records: AppliedStep[] = [];
    for (const step of hp.steps) {
      const started = performance.now();
      const base = { id: step.id, host: hp.name, description: step.description };
      // Modules are kernel-wide: the other end of a same-kernel lab may have loaded one meanwhile.
      const isModule = step.do.kind === 'modprobe';
      if (effective.get(step.id) || (isModule && (await inEffect(host, step).catch(() => false)))) {
        // Still ours if an earlier run changed it: keep that record so `down` restores it.
        records.push(prior.get(step.id)?.outcome === 'changed' ? prior.get(step.id)! : { id: step.id, outcome: 'already' });
        report({ ...base, outcome: 'already', durationMs: performance.now() - started });
        continue;
      }
      let record: AppliedStep | undefined;
      try {
        if (hooks.signal?.aborted) throw new StepError([], reasonOf(hooks.signal), null);
        record = { id: step.id, outcome: 'changed', ...(await prepareAction(host, step.do)) };
        // A step an earlier run changed that no longer holds (reset behind mplsgre's back): this
        // run's rollback restores what it found, but `down` must still restore what was there
        // before mplsgre, which only the earlier record knows.
        const kept = keepOriginal(prior.get(step.id), record);
        // Recorded before it runs: a run killed between the change and its record would leave a
        // change that no `down` knows of. A record of a change that never happened undoes to nothing.
        await store.save(stateOf(tunnel, hp, merge(prior, [...records, kept])));
        await runAction(host, step.do);
        records.push(kept);
        done.push({ hostPlan: hp, host, step, record });
        report({ ...base, outcome: 'changed', durationMs: performance.now() - started });
      } catch (err) {
        const e = err instanceof StepError ? err : new StepError([], (err as Error).message, null);
        // A command that failed or timed out may still have made its change (a timeout stops the
        // client, not the kernel): if the step now holds, and did not before, it is ours to undo.
        const tookEffect = record !== undefined && (await inEffect(host, step).catch(() => false));
        if (record && tookEffect) done.push({ hostPlan: hp, host, step, record });
        if (step.optional) {
          records.push(record && tookEffect ? record : { id: step.id, outcome: 'skipped', detail: e.message });
          report({ ...base, outcome: 'skipped', detail: e.message, durationMs: performance.now() - started });
          continue;
        }
        report({ ...base, outcome: 'failed', detail: e.message, durationMs: performance.now() - started });
        const rolledBack = await rollback(done, hooks);
        await Promise.all(plan.hosts.map(async (h) => {
          const prev = before.get(h.name);
          if (prev) await store.save(prev);
          else await store.remove(tunnel, formatTarget(h.target));
        }));
        return {
          ok: false, tunnel, changed: 0, already: reports.filter((r) => r.outcome === 'already').length, steps: reports, rolledBack,
          failure: { step: step.id, host: hp.name, message: e.message, stderr: e.stderr.trim(), argv: e.argv },
        };
      }
    }
    await store.save(stateOf(tunnel, hp, merge(prior, records)));
  }
  return {
    ok: true, tunnel,
    changed: reports.filter((r) => r.outcome === 'changed').length,
    already: reports.filter((r) => r.outcome === 'already').length,
    steps: reports, rolledBack: [],
  };
}

/** Undoes, newest first, the steps this run changed. Never throws: a failed undo is reported. */
async function rollback(done: readonly Done[], hooks: ApplyHooks): Promise<StepReport[]> {
  const out: StepReport[] = [];
  for (const d of [...done].reverse()) {
    const started = performance.now();
    const base = { id: d.step.id, host: d.hostPlan.name, description: `undo: ${d.step.description}` };
    try {
      const note = await undoAction(d.host, d.step, d.record);
      out.push({ ...base, outcome: 'undone', ...(note ? { detail: note } : {}), durationMs: performance.now() - started });
    } catch (err) {
      out.push({ ...base, outcome: 'failed', detail: (err as Error).message, durationMs: performance.now() - started });
    }
    hooks.onStep?.(out.at(-1)!);
  }
  return out;
}

const reasonOf = (signal: AbortSignal): string => (signal.reason instanceof Error ? signal.reason.message : 'interrupted');

/** This run's record of a step, keeping the value before mplsgre from an earlier run's record of the same change. */
function keepOriginal(earlier: AppliedStep | undefined, now: AppliedStep): AppliedStep {
  if (earlier?.outcome !== 'changed') return now;
  return {
    ...now,
    ...(earlier.previous !== undefined ? { previous: earlier.previous } : {}),
    ...(earlier.wasLoaded !== undefined ? { wasLoaded: earlier.wasLoaded } : {}),
  };
}

function merge(prior: ReadonlyMap<string, AppliedStep>, records: readonly AppliedStep[]): AppliedStep[] {
  const ids = new Set(records.map((r) => r.id));
  return [...records, ...[...prior.values()].filter((p) => !ids.has(p.id) && p.outcome === 'changed')];
}

const stateOf = (tunnel: string, hp: HostPlan, steps: readonly AppliedStep[]): HostState => ({
  tunnel, host: hp.name, target: formatTarget(hp.target), updatedAt: new Date().toISOString(), steps,
});
