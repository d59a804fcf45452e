/**
 * Runs the bad-input campaign inside a private network and mount namespace (the test starts it
 * with `unshare --net --mount`), so the host snapshot before and after sees this campaign's
 * changes only, not those of other processes on the machine:
 *   node bad-input-driver.js CASES.json RESULTS.json WORKDIR
 * Every case runs through the CLI's main() in-process (plain, and with --json); every
 * `sampleEvery`-th also as a real process (node bin/mplsgre.js), to show the two agree.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execLocal } from '../../src/host/spawn.js';
import { ROOT } from '../support/fixtures.js';
import { snapshotHost, type Snapshot } from '../support/host-snapshot.js';
import { runCli, type CliRun } from '../support/run-cli.js';

export interface DriverCase { readonly id: number; readonly argv: readonly string[]; readonly field: string }
export interface DriverResult {
  readonly id: number;
  readonly plain: CliRun;
  readonly json?: CliRun;
  readonly real?: CliRun;
}
export interface DriverOutput {
  readonly before: Snapshot;
  readonly after: Snapshot;
  readonly results: DriverResult[];
  readonly inProcessRuns: number;
  readonly realRuns: number;
}

const [casesFile, resultsFile, workdir, sampleEvery] = process.argv.slice(2) as [string, string, string, string];
const cases = JSON.parse(readFileSync(casesFile, 'utf8')) as DriverCase[];
const every = Number(sampleEvery);

// /run as an empty tmpfs in this mount namespace: `ip netns list` then shows only what a case made.
const mounted = await execLocal('mount', ['-t', 'tmpfs', '-o', 'size=16m,mode=755', 'mplsgre-bad-input', '/run'], { timeoutMs: 10_000 });
if (mounted.failed) throw new Error(`mount tmpfs on /run: ${mounted.stderr.trim() || mounted.spawnError}`);
process.chdir(workdir);
// The state store's default directory, inside that tmpfs.
process.env.MPLSGRE_STATE_DIR = '/run/mplsgre';
const dirs = ['/run', join(workdir, 'reports')];

const withTimeout = (p: Promise<CliRun>, ms: number): Promise<CliRun> =>
  Promise.race([p, new Promise<CliRun>((resolve) => setTimeout(() => resolve({ code: -1, stdout: '', stderr: `did not finish within ${ms} ms` }), ms).unref())]);

const before = await snapshotHost(dirs);
const results: DriverResult[] = [];
let inProcessRuns = 0;
let realRuns = 0;
for (const c of cases) {
  const plain = await withTimeout(runCli(c.argv), 20_000);
  inProcessRuns++;
  const jsonable = !c.argv.some((a) => a === '--json' || a.startsWith('--format'));
  const json = jsonable ? await withTimeout(runCli([...c.argv, '--json']), 20_000) : undefined;
  if (json) inProcessRuns++;
  let real: CliRun | undefined;
  // A NUL cannot be in a process argument at all: such cases run in-process only.
  if (c.id % every === 0 && !c.argv.some((a) => a.includes('\u0000'))) {
    const r = await execLocal(process.execPath, [join(ROOT, 'bin', 'mplsgre.js'), ...c.argv], { timeoutMs: 30_000 });
    real = { code: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
    realRuns++;
  }
  results.push({ id: c.id, plain, ...(json ? { json } : {}), ...(real ? { real } : {}) });
}
const after = await snapshotHost(dirs);
writeFileSync(resultsFile, JSON.stringify({ before, after, results, inProcessRuns, realRuns } satisfies DriverOutput));
