import type { CheckReport } from '../commands/check.js';
import type { UnreachableHost } from '../commands/fleet.js';
import type { Status } from '../core/check.js';
import { escapePromHelp, escapePromLabel } from './escape.js';

/**
 * Prometheus text exposition (format 0.0.4) for node_exporter's textfile collector
 * (`--format prom --out /var/lib/node_exporter/textfile/mplsgre.prom`, written atomically).
 * - `mplsgre_check_status{host,target,check,severity}`: 0 pass, 1 warn, 2 fail or error.
 *   Skipped checks are omitted: a skip decides nothing, and 0 would read as "passed".
 * - `mplsgre_checks{host,target,status}`: how many checks ended in each status (skip included).
 * - `mplsgre_ready{host,target}`: 1 ready, 0 not (as the run's --fail-on decided).
 * - `mplsgre_check_run_timestamp_seconds{host,target}`: when the run started (Unix seconds).
 * - `mplsgre_check_duration_seconds{host,target}`: how long the run took.
 * - fleet only, `mplsgre_host_reachable{target}`: 1 checked, 0 unreachable or timed out (such a host
 *   has no other sample: nothing is known of it).
 */

/** The value of `mplsgre_check_status`; undefined = not exported. */
export const PROM_STATUS: Readonly<Record<Status, number | undefined>> = { pass: 0, warn: 1, fail: 2, error: 2, skip: undefined };

const STATUSES: readonly Status[] = ['pass', 'warn', 'fail', 'error', 'skip'];

type Labels = readonly (readonly [string, string])[];

const sample = (name: string, labels: Labels, value: number): string =>
  `${name}{${labels.map(([k, v]) => `${k}="${escapePromLabel(v)}"`).join(',')}} ${promNumber(value)}`;

/** Go's ParseFloat reads every finite JavaScript number text; the rest have exposition names. */
function promNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : '-Inf';
  return String(n);
}

const family = (name: string, help: string, samples: readonly string[]): string[] =>
  [`# HELP ${name} ${escapePromHelp(help)}`, `# TYPE ${name} gauge`, ...samples];

const hostLabels = (r: CheckReport): Labels => [['host', r.hostname], ['target', r.target]];

/** Many hosts: each metric family once (the format requires a family's samples together). */
export function renderFleetPrometheus(reports: readonly CheckReport[], unreachable?: readonly UnreachableHost[]): string {
  const lines = [
    ...family('mplsgre_check_status', 'Status of one mplsgre check: 0 pass, 1 warn, 2 fail or error (skipped checks are not exported).',
      reports.flatMap((r) => r.checks.flatMap((c) => {
        const v = PROM_STATUS[c.status];
        return v === undefined ? [] : [sample('mplsgre_check_status', [...hostLabels(r), ['check', c.id], ['severity', c.severity]], v)];
      }))),
    ...family('mplsgre_checks', 'Number of mplsgre checks that ended in each status.',
      reports.flatMap((r) => STATUSES.map((s) => sample('mplsgre_checks', [...hostLabels(r), ['status', s]], r.tally[s])))),
    ...family('mplsgre_ready', '1 when the host can carry MPLS over GRE (no check failed or errored; with --fail-on warn, none warned), else 0.',
      reports.map((r) => sample('mplsgre_ready', hostLabels(r), r.ready ? 1 : 0))),
    ...family('mplsgre_check_run_timestamp_seconds', 'Unix time the mplsgre check run started.',
      reports.map((r) => sample('mplsgre_check_run_timestamp_seconds', hostLabels(r), Date.parse(r.startedAt) / 1000))),
    ...family('mplsgre_check_duration_seconds', 'How long the mplsgre check run took.',
      reports.map((r) => sample('mplsgre_check_duration_seconds', hostLabels(r), r.durationMs / 1000))),
    ...(unreachable === undefined ? [] : family('mplsgre_host_reachable', '1 when mplsgre fleet reached and checked the host, 0 when it was unreachable or timed out.', [
      ...unreachable.map((u) => sample('mplsgre_host_reachable', [['target', u.target]], 0)),
      ...reports.map((r) => sample('mplsgre_host_reachable', [['target', r.target]], 1)),
    ])),
  ];
  return lines.join('\n') + '\n';
}

/** `mplsgre check --format prom`. */
export const renderCheckPrometheus = (r: CheckReport): string => renderFleetPrometheus([r]);
