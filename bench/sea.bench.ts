/**
 * The single executable (dist/sea/mplsgre, `npm run package`) against the bundled CLI under this
 * Node (`node bin/mplsgre.js`), in one run: whole-process wall time of `check` and `--version`,
 * and the executable's size. Both with warm caches (the bundle's V8 code cache and the tool
 * versions in one folder of this run's; the executable carries its code cache inside). Builds
 * the executable first when it is missing or older than the bundle. Prints numbers only.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench, type Task } from 'tinybench';
import { buildSea } from '../scripts/package.js';
import { latencyRow } from './latency-row.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'bin', 'mplsgre.js');
const BUNDLE = join(ROOT, 'dist', 'bundle', 'main.cjs');
const SEA = join(ROOT, 'dist', 'sea', 'mplsgre');

const row = (t: Task): Record<string, string> => latencyRow(t, 1);

function processTask(file: string, args: string[], env: NodeJS.ProcessEnv): () => void {
  return () => {
    const r = spawnSync(file, args, { cwd: ROOT, stdio: 'ignore', timeout: 30_000, env });
    if (r.error || r.signal || r.status === null || r.status >= 2) throw new Error(`${file} ${args.join(' ')}: ${r.error?.message ?? r.signal ?? `exit ${r.status}`}`);
  };
}

export async function run(): Promise<void> {
  if (!existsSync(SEA) || statSync(SEA).mtimeMs < statSync(BUNDLE).mtimeMs) await buildSea(ROOT, (l) => console.log(l));
  const cacheDir = mkdtempSync(join(tmpdir(), 'mplsgre-bench-cache-'));
  const env = { ...process.env, MPLSGRE_CACHE_DIR: cacheDir };
  try {
    const bench = new Bench({ name: 'single executable', time: 5_000, iterations: 20, warmupIterations: 3, warmupTime: 500, throws: true });
    bench.add('dist/sea/mplsgre check', processTask(SEA, ['check'], env));
    bench.add('node bin/mplsgre.js check', processTask(process.execPath, [CLI, 'check'], env));
    bench.add('dist/sea/mplsgre --version', processTask(SEA, ['--version'], env));
    bench.add('node bin/mplsgre.js --version', processTask(process.execPath, [CLI, '--version'], env));
    bench.add('node -e 0', processTask(process.execPath, ['-e', '0'], env));
    await bench.run();
    console.log(`\nsingle executable: ${(statSync(SEA).size / 1e6).toFixed(1)} MB (node ${(statSync(process.execPath).size / 1e6).toFixed(1)} MB + blob); whole process, warm caches, Node ${process.version}`);
    console.table(bench.tasks.map(row));
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}
