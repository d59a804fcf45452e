/**
 * Does `mplsgre fleet` stay practical at 1,000 hosts? The fleet engine over N = 100, 250, 500 and
 * 1,000 hosts, each replaying facts recorded from a real kernel (test/fixtures/facts; real sshd
 * for 1,000 is too heavy for one machine), each N in its own process (fleet-scale-entry.ts):
 * wall time of the engine and of rendering --json and the table, the heap the report retains,
 * peak heap and peak RSS. Growth is linear when the per-host bytes (differences between sizes
 * divided by the hosts added) stay about the same from one pair of sizes to the next.
 */
import { fileURLToPath } from 'node:url';
import { execLocal } from '../src/host/spawn.js';

const ENTRY = fileURLToPath(new URL('./fleet-scale-entry.js', import.meta.url));
const SIZES = [100, 250, 500, 1000];

interface Sample {
  hosts: number; engineMs: number; renderMs: number; jsonBytes: number; tableBytes: number;
  retainedHeap: number; peakHeapOverBase: number; maxRssBytes: number;
}

const mb = (b: number): string => (b / 1024 / 1024).toFixed(1);
const kb = (b: number): string => (b / 1024).toFixed(1);

export async function run(): Promise<void> {
  const samples: Sample[] = [];
  for (const n of SIZES) {
    const r = await execLocal(process.execPath, ['--expose-gc', ENTRY, String(n)], { timeoutMs: 600_000 });
    if (r.failed) throw new Error(`fleet-scale-entry ${n}: ${r.stderr || r.spawnError || r.exitCode}`);
    samples.push(JSON.parse(r.stdout) as Sample);
  }
  console.log('fleet engine over hosts replaying recorded facts, concurrency 16 (one process per size)');
  console.table(samples.map((s) => ({
    hosts: s.hosts, 'engine ms': s.engineMs, 'ms/host': (s.engineMs / s.hosts).toFixed(1), 'render ms': s.renderMs,
    'json MB': mb(s.jsonBytes), 'retained heap MB': mb(s.retainedHeap), 'peak heap MB (over start)': mb(s.peakHeapOverBase), 'peak RSS MB': mb(s.maxRssBytes),
  })));
  console.log('growth between sizes, per host added (linear: about equal down each column)');
  console.table(samples.slice(1).map((s, i) => {
    const p = samples[i]!;
    const added = s.hosts - p.hosts;
    return {
      sizes: `${p.hosts} -> ${s.hosts}`,
      'retained heap KB/host': kb((s.retainedHeap - p.retainedHeap) / added),
      'peak heap KB/host': kb((s.peakHeapOverBase - p.peakHeapOverBase) / added),
      'peak RSS KB/host': kb((s.maxRssBytes - p.maxRssBytes) / added),
      'json KB/host': kb((s.jsonBytes - p.jsonBytes) / added),
      'engine ms/host': ((s.engineMs - p.engineMs) / added).toFixed(1),
    };
  }));
}
