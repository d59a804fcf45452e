/**
 * One fleet run for bench/fleet-scale.bench.ts, in its own process so peak RSS is this run's:
 *   node --expose-gc fleet-scale-entry.js N
 * N hosts replaying facts recorded from real kernels (every 10th unreachable) through the
 * fleet engine at concurrency 16, then the --json document and the table rendered as the CLI
 * does. Prints one JSON line: wall times, peak heap and RSS, heap retained by the report.
 */
import { DEFAULT_CONCURRENCY, fleetCommand } from '../src/commands/fleet.js';
import { jsonDocument } from '../src/cli/io.js';
import { renderFleetTable } from '../src/report/fleet-text.js';
import { now } from '../src/core/clock.js';
import { replayFleet } from '../test/support/replay-fleet.js';

const n = Number(process.argv[2]);
const gc = (globalThis as { gc?: () => void }).gc;
if (!Number.isInteger(n) || n < 1 || !gc) {
  process.stderr.write('usage: node --expose-gc fleet-scale-entry.js N\n');
  process.exit(2);
}
const fleet = replayFleet(n, { unreachableEvery: 10 });
gc();
const base = process.memoryUsage().heapUsed;
let peakHeap = base;
const sampler = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 5);
const started = now();
const report = await fleetCommand({ entries: fleet.entries, connect: fleet.connect, concurrency: DEFAULT_CONCURRENCY, timeoutMs: 600_000, labels: [], failOn: 'fail' });
const engineMs = now() - started;
gc();
const retained = process.memoryUsage().heapUsed - base;
const renderStart = now();
const json = jsonDocument('fleet', report, null);
const table = renderFleetTable(report, { color: false });
const renderMs = now() - renderStart;
peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
clearInterval(sampler);
if (report.hosts.length !== n || report.summary.unreachable !== Math.floor(n / 10)) throw new Error(`expected ${n} hosts, ${Math.floor(n / 10)} unreachable`);
process.stdout.write(`${JSON.stringify({
  hosts: n, engineMs: Math.round(engineMs), renderMs: Math.round(renderMs), jsonBytes: json.length, tableBytes: table.length,
  retainedHeap: retained, peakHeapOverBase: peakHeap - base, maxRssBytes: process.resourceUsage().maxRSS * 1024,
})}\n`);
