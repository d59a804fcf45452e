/**
 * Worker: reads one file in a tight loop until told to stop, and counts every read that is not
 * exactly one of the texts the writer writes (a partial or mixed file). Started by prom-out.test.ts.
 */
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

const { path, texts, stop } = workerData as { path: string; texts: string[]; stop: SharedArrayBuffer };
const flag = new Int32Array(stop);
const known = new Set(texts);
const seen = new Set<number>();
let reads = 0;
let partial = 0;
let firstPartial: string | undefined;
while (Atomics.load(flag, 0) === 0) {
  const text = readFileSync(path, 'utf8');
  reads++;
  if (known.has(text)) seen.add(texts.indexOf(text));
  else {
    partial++;
    firstPartial ??= `${text.length} bytes, ends ${JSON.stringify(text.slice(-40))}`;
  }
}
parentPort!.postMessage({ reads, partial, firstPartial, distinct: seen.size });
