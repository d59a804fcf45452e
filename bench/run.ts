/**
 * `npm run bench`: runs the `run()` of every bench/*.bench.ts module, one after another.
 *   node dist/bench/run.js [NAME...]     only the benches whose file name contains a NAME
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface BenchModule {
  run?: () => Promise<void>;
}

const here = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.js'))
  .filter((f) => only.length === 0 || only.some((n) => f.includes(n)))
  .sort();

if (files.length === 0) {
  console.error(`no bench modules${only.length ? ` matching ${only.join(', ')}` : ''} in ${here}`);
  process.exitCode = 2;
}

let failures = 0;
for (const file of files) {
  const started = performance.now();
  try {
    const mod = (await import(pathToFileURL(join(here, file)).href)) as BenchModule;
    if (typeof mod.run !== 'function') throw new Error('exports no run()');
    await mod.run();
    console.log(`-- ${file}: ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  } catch (err) {
    failures++;
    console.error(`-- ${file} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  }
}
if (failures > 0) process.exitCode = 1;
