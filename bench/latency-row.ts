import type { Task } from 'tinybench';

/** One row of a latency table: a task's mean, median, p99 and min in ms, with `digits` decimals. */
export function latencyRow(t: Task, digits: number): Record<string, string> {
  const ms = (n: number | undefined): string => (n === undefined ? '-' : n.toFixed(digits));
  return {
    task: t.name,
    'mean ms': ms(t.result?.latency.mean),
    'median ms': ms(t.result?.latency.p50),
    'p99 ms': ms(t.result?.latency.p99),
    'min ms': ms(t.result?.latency.min),
    samples: String(t.result?.latency.samples.length ?? 0),
  };
}
