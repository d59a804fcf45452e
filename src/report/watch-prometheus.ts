import type { WatchSnapshot } from '../core/watch-state.js';
import { escapePromHelp, escapePromLabel } from './escape.js';

/**
 * `mplsgre watch`'s /metrics: Prometheus text exposition format 0.0.4, each family once with its
 * HELP and TYPE, label values escaped. Directions and counters are the last round's; a family
 * with no sample yet (before the first round) is still declared.
 */

type Labels = readonly (readonly [string, string])[];

/** Go's ParseFloat reads every finite JavaScript number text; the rest have exposition names. */
function promNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : '-Inf';
  return String(n);
}

const sample = (name: string, labels: Labels, value: number): string =>
  `${name}${labels.length ? `{${labels.map(([k, v]) => `${k}="${escapePromLabel(v)}"`).join(',')}}` : ''} ${promNumber(value)}`;

const family = (name: string, type: 'gauge' | 'counter', help: string, samples: readonly string[]): string[] =>
  [`# HELP ${name} ${escapePromHelp(help)}`, `# TYPE ${name} ${type}`, ...samples];

/** The kernel's per-device MPLS counters, exported as `mplsgre_mpls_<name>_total`. */
const COUNTERS: readonly (readonly [string, string])[] = [
  ['rx_packets', 'Labelled packets the device received.'],
  ['rx_bytes', 'Bytes of labelled packets the device received.'],
  ['rx_errors', 'Labelled packets received that the kernel could not forward (TTL expired, no ICMP sent).'],
  ['rx_dropped', 'Labelled packets dropped on receipt because MPLS input is off on the device (net.mpls.conf.IF.input=0).'],
  ['rx_noroute', 'Labelled packets dropped on receipt because no label route matched.'],
  ['tx_packets', 'Labelled packets the device sent.'],
  ['tx_bytes', 'Bytes of labelled packets the device sent.'],
  ['tx_errors', 'Labelled packets the kernel could not send (too big for the next hop, no ICMP sent).'],
  ['tx_dropped', 'Labelled packets the device could not send.'],
];

/** The metrics of one watch snapshot. */
export function renderWatchPrometheus(s: WatchSnapshot): string {
  const t: readonly [string, string] = ['tunnel', s.tunnel];
  const dir = (d: WatchSnapshot['directions'][number]): Labels => [t, ['from', d.from], ['to', d.to], ['label', String(d.label)]];
  const host = (h: { host: string; target: string }): Labels => [t, ['host', h.host], ['target', h.target]];
  const lines = [
    ...family('mplsgre_direction_up', 'gauge', '1 when the last round proved the direction carried its label through the tunnel, else 0.',
      s.directions.map((d) => sample('mplsgre_direction_up', dir(d), d.up ? 1 : 0))),
    ...family('mplsgre_direction_cause_info', 'gauge', 'The cause of a down direction (cause "unknown" when the evidence names none), and how sure it is; absent while up.',
      s.directions.flatMap((d) => (d.up || !d.cause ? [] : [sample('mplsgre_direction_cause_info', [t, ['from', d.from], ['to', d.to], ['cause', d.cause.id ?? 'unknown'], ['confidence', d.cause.confidence]], 1)]))),
    ...family('mplsgre_direction_loss_ratio', 'gauge', 'Share of the last round\'s pings from "from" to "to" left unanswered (0 to 1; a lost reply counts).',
      s.directions.flatMap((d) => (d.sent ? [sample('mplsgre_direction_loss_ratio', dir(d), (d.sent - d.received) / d.sent)] : []))),
    ...family('mplsgre_direction_rtt_seconds', 'gauge', 'Average round trip of the last round\'s answered pings from "from" to "to"; absent when none was answered.',
      s.directions.flatMap((d) => (d.rttMs === undefined ? [] : [sample('mplsgre_direction_rtt_seconds', dir(d), d.rttMs / 1000)]))),
    ...family('mplsgre_direction_pings_sent', 'gauge', 'Echo requests "from" sent to "to" in the last round.',
      s.directions.map((d) => sample('mplsgre_direction_pings_sent', dir(d), d.sent))),
    ...COUNTERS.flatMap(([c, help]) => family(`mplsgre_mpls_${c}_total`, 'counter', `${help.replace(/\.$/, '')} (the kernel's per-device MPLS counter ${c}, as of the last round).`,
      s.counters.flatMap((h) => h.devices.map((dev) => sample(`mplsgre_mpls_${c}_total`, [t, ['host', h.host], ['device', dev.ifname]], dev.counters[c] ?? 0))))),
    ...family('mplsgre_counters_readable', 'gauge', '1 when the last round read the host\'s MPLS counters, else 0.',
      s.counters.map((h) => sample('mplsgre_counters_readable', host(h), h.ok ? 1 : 0))),
    ...family('mplsgre_ready', 'gauge', '1 when the last mplsgre check of the host passed (no check failed or errored), else 0; absent before the first check ends or when it could not run.',
      s.readiness.flatMap((r) => (r.ready === undefined ? [] : [sample('mplsgre_ready', host(r), r.ready ? 1 : 0)]))),
    ...family('mplsgre_check_timestamp_seconds', 'gauge', 'Unix time the last mplsgre check of the host ended.',
      s.readiness.flatMap((r) => (r.at === undefined ? [] : [sample('mplsgre_check_timestamp_seconds', host(r), r.at)]))),
    ...family('mplsgre_last_round_timestamp_seconds', 'gauge', 'Unix time the last round ended.',
      s.lastRoundAt === undefined ? [] : [sample('mplsgre_last_round_timestamp_seconds', [t], s.lastRoundAt)]),
    ...family('mplsgre_round_duration_seconds', 'gauge', 'How long the last round took (pings, counters, and the causes of down directions).',
      s.lastRoundDurationS === undefined ? [] : [sample('mplsgre_round_duration_seconds', [t], s.lastRoundDurationS)]),
    ...family('mplsgre_rounds_total', 'counter', 'Rounds ended since watch started.', [sample('mplsgre_rounds_total', [t], s.rounds)]),
  ];
  return lines.join('\n') + '\n';
}
