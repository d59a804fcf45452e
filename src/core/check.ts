import type { ProbeContext } from '../probes/context.js';

export type Status = 'pass' | 'warn' | 'fail' | 'skip' | 'error';
export type Severity = 'critical' | 'warning' | 'info';

/** One fact a verdict rests on: which file or command said what. */
export interface Evidence {
  readonly source: string;
  readonly value: string;
}

export interface Verdict {
  readonly status: Status;
  readonly summary: string;
  readonly evidence: readonly Evidence[];
  /** A command or text that fixes it; required unless the status is pass or skip. */
  readonly remediation?: string;
}

/** Options every verdict may depend on (pure input, no I/O). */
export interface CheckOptions {
  readonly iface?: string;
  readonly labels: readonly number[];
}

/**
 * A check: data plus a pure verdict. `collect` must do all I/O through the probe context;
 * `evaluate` must be pure, so it can be tested with recorded facts alone.
 */
export interface CheckDefinition<F = unknown> {
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  /** What to do in general when this check does not pass. */
  readonly remediation: string;
  collect(ctx: ProbeContext): Promise<F>;
  evaluate(facts: F, opts: CheckOptions): Verdict;
}

export function defineCheck<F>(def: CheckDefinition<F>): CheckDefinition<F> {
  return def;
}

export interface CheckResult {
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  readonly status: Status;
  readonly summary: string;
  readonly evidence: readonly Evidence[];
  readonly remediation?: string;
  readonly durationMs: number;
}
