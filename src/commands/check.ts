import { now } from '../core/clock.js';
import type { CheckResult } from '../core/check.js';
import { UsageError } from '../core/errors.js';
import { isReady, runChecks, tally, type Tally } from '../core/runner.js';
import type { Host } from '../host/host.js';
import { ProbeContext } from '../probes/context.js';
import { kernelRelease } from '../probes/kernel.js';
import { checkReadPlan, HOSTNAME_FILE } from '../probes/plan.js';
import { CHECKS } from '../../checks/index.js';

export interface CheckCommandOptions {
  readonly host: Host;
  readonly iface?: string;
  readonly labels: readonly number[];
  readonly kernelConfig?: string;
  readonly ignore: readonly string[];
  readonly failOn: 'fail' | 'warn';
  /** Traffic classes will be used here: the class.* checks read and judge (else they skip, reading nothing). */
  readonly classes?: boolean;
  /** The target as the state records name it; default: the host's name (`local`, `netns:NAME`). */
  readonly target?: string;
}

/** The result of `mplsgre check`: what `--json` prints as `result`. */
export interface CheckReport {
  readonly target: string;
  readonly hostname: string;
  readonly kernel: string | undefined;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly options: { iface?: string; labels: readonly number[]; kernelConfig?: string; ignore: readonly string[]; failOn: 'fail' | 'warn'; classes?: boolean };
  readonly checks: readonly CheckResult[];
  readonly tally: Tally;
  readonly ready: boolean;
}

export const CHECK_IDS: readonly string[] = CHECKS.map((c) => c.id);

export function validateIgnore(ignore: readonly string[]): void {
  for (const id of ignore) {
    if (!CHECK_IDS.includes(id)) throw new UsageError('--ignore', `unknown check id "${id}" (known: ${CHECK_IDS.join(', ')})`);
  }
}

export async function checkCommand(opts: CheckCommandOptions): Promise<CheckReport> {
  validateIgnore(opts.ignore);
  const startedAt = new Date();
  const started = now();
  const probeOptions = {
    labels: opts.labels,
    target: opts.target ?? opts.host.name,
    ...(opts.classes ? { classes: true } : {}),
    ...(opts.iface ? { iface: opts.iface } : {}),
    ...(opts.kernelConfig ? { kernelConfig: opts.kernelConfig } : {}),
  };
  const ctx = new ProbeContext(opts.host, probeOptions);
  // Where each command is costly (ssh), every read in one round trip.
  const answers = opts.host.batch ? await opts.host.batch(checkReadPlan(probeOptions)) : undefined;
  if (answers) ctx.prime(answers);
  const checks = CHECKS.filter((c) => !opts.ignore.includes(c.id));
  // The examined host's own name: over ssh it is not this machine's.
  const [results, release, name] = await Promise.all([
    runChecks(checks, ctx, { labels: opts.labels, ...(opts.iface ? { iface: opts.iface } : {}) }),
    kernelRelease(ctx),
    ctx.text(HOSTNAME_FILE),
  ]);
  const t = tally(results);
  return {
    target: opts.host.name,
    hostname: name?.trim() || process.getBuiltinModule('node:os').hostname(),
    kernel: release.release,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(now() - started),
    options: {
      labels: opts.labels, ignore: opts.ignore, failOn: opts.failOn,
      ...(opts.classes ? { classes: true } : {}),
      ...(opts.iface ? { iface: opts.iface } : {}),
      ...(opts.kernelConfig ? { kernelConfig: opts.kernelConfig } : {}),
    },
    checks: results,
    tally: t,
    ready: isReady(t, opts.failOn),
  };
}
