import { now } from './clock.js';
import type { ProbeContext } from '../probes/context.js';
import type { CheckDefinition, CheckOptions, CheckResult, Status } from './check.js';

/**
 * Runs every check concurrently. A failed check is a finding; a check whose probe throws is
 * marked `error` and the run goes on.
 */
export async function runChecks(
  checks: readonly CheckDefinition<any>[],
  ctx: ProbeContext,
  opts: CheckOptions,
): Promise<CheckResult[]> {
  return Promise.all(
    checks.map(async (check): Promise<CheckResult> => {
      const started = now();
      const base = { id: check.id, title: check.title, severity: check.severity };
      try {
        const facts: unknown = await check.collect(ctx);
        const v = check.evaluate(facts, opts);
        const remediation = v.status === 'pass' || v.status === 'skip' ? v.remediation : (v.remediation ?? check.remediation);
        return { ...base, status: v.status, summary: v.summary, evidence: v.evidence, ...(remediation ? { remediation } : {}), durationMs: now() - started };
      } catch (err) {
        return {
          ...base, status: 'error', summary: `could not run: ${(err as Error).message ?? String(err)}`,
          evidence: [], remediation: check.remediation, durationMs: now() - started,
        };
      }
    }),
  );
}

export interface Tally {
  readonly pass: number;
  readonly warn: number;
  readonly fail: number;
  readonly skip: number;
  readonly error: number;
}

export function tally(results: readonly { status: Status }[]): Tally {
  const t = { pass: 0, warn: 0, fail: 0, skip: 0, error: 0 };
  for (const r of results) t[r.status]++;
  return t;
}

/** ready: nothing failed or errored (and, with failOn 'warn', nothing warned). */
export function isReady(t: Tally, failOn: 'fail' | 'warn'): boolean {
  return t.fail === 0 && t.error === 0 && (failOn === 'fail' || t.warn === 0);
}
