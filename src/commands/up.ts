import { applyPlan, type ApplyResult, type StepReport } from '../engine/apply.js';
import { dryRunPlan, type DryRunResult } from '../engine/dry-run.js';
import { type StateStore, stateStoreFor } from '../engine/state.js';
import { requireClassSupport } from './class-preflight.js';
import { diagnoseCommand, type DiagnoseReport } from './diagnose.js';
import { bind, hostsByTarget, type SshOptions } from './tunnel.js';

/** `up`'s result: a failure carries the diagnosis of the message its command printed. */
export type UpResult = ApplyResult & { readonly diagnosis?: DiagnoseReport };

/** `mplsgre up FILE`: configures both ends; transactional and idempotent. */
export async function upCommand(opts: { file: string; store?: StateStore; onStep?: (r: StepReport) => void; ssh?: SshOptions; signal?: AbortSignal; host?: string }): Promise<UpResult> {
  const b = await bind(opts.file, { command: 'up' }, opts.ssh, opts.host);
  // Like the capabilities: what the classes need and the host cannot give refuses before any change (exit 3).
  await requireClassSupport(b.topology, b.hosts);
  const r = await applyPlan(b.plan, b.hosts, opts.store ?? stateStoreFor(hostsByTarget(b)), { ...(opts.onStep ? { onStep: opts.onStep } : {}), ...(opts.signal ? { signal: opts.signal } : {}) });
  if (r.ok || !r.failure || opts.signal?.aborted) return r;
  // Diagnosed after the rollback, on the host where the step failed, as the user would.
  const host = b.hosts.get(r.failure.host)!;
  const labels = b.topology.hosts.map((h) => h.label);
  const diagnosis = await diagnoseCommand({
    host, input: { kind: 'message', text: (r.failure.stderr || r.failure.message).split('\n')[0]! },
    command: r.failure.argv.join(' '), iface: b.topology.tunnel.name, labels,
  }).catch(() => undefined);
  return diagnosis ? { ...r, diagnosis } : r;
}

/**
 * `mplsgre up FILE --dry-run`: contacts both hosts and says, step by step, what `up` would change
 * and what is already in effect. Read-only: no step runs and no state record is written.
 */
export async function upDryRunCommand(opts: { file: string; ssh?: SshOptions }): Promise<DryRunResult> {
  const b = await bind(opts.file, undefined, opts.ssh);
  return dryRunPlan(b.plan, b.hosts);
}
