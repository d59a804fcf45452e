/**
 * Milliseconds from an arbitrary origin, for durations. process.hrtime rather than
 * `performance.now()`: the first touch of `performance` loads perf_hooks, ~3 ms of a
 * `check` whose whole budget is ~25 ms.
 */
export const now = (): number => Number(process.hrtime.bigint()) / 1e6;
