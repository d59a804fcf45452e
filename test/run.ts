/**
 * The test command: runs every tier with mocha and closes with `N passed, N failed`.
 *   node dist/test/run.js                  all tiers
 *   node dist/test/run.js --tier unit      no user-mode Linux
 *   node dist/test/run.js --tier kernel    only the user-mode Linux tier
 *   node dist/test/run.js --grep TEXT
 *   node dist/test/run.js --jobs N         N test processes at once (default 1)
 * The unit tier is one job; each kernel-tier file is a job of its own (each boots its own
 * guests), taken from one queue, longest first by the durations of the last run on this
 * machine. A job's output is printed whole when it ends. A tier that cannot run fails: it never
 * passes by skipping, and a job that dies without its counts is a failure.
 */
import Mocha from 'mocha';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import ClosingLineReporter, { type Counts } from './support/reporter.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    tier: { type: 'string' },
    grep: { type: 'string' },
    bail: { type: 'boolean' },
    jobs: { type: 'string' },
    /** Internal: run the named files in this process and write the counts to this file. */
    'counts-to': { type: 'string' },
  },
});

function usage(message: string): never {
  console.error(message);
  process.exit(2);
}

const tier = values.tier ?? 'all';
if (!['all', 'unit', 'kernel'].includes(tier)) usage(`--tier: must be all, unit or kernel (got "${tier}")`);
// One at a time unless asked: a kernel-tier file whose guest shares the two cores with another
// job's guests (the fault campaign already runs two) slows past the bounds its commands keep.
const jobs = values.jobs === undefined ? 1 : Number(values.jobs);
if (!Number.isInteger(jobs) || jobs < 1 || jobs > 8) usage(`--jobs: must be a whole number from 1 to 8 (got "${values.jobs}")`);

function find(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? find(p) : name.endsWith('.test.js') ? [p] : [];
  });
}

const isKernel = (f: string): boolean => relative(here, f).startsWith('kernel/');

async function runHere(files: readonly string[], countsTo: string | undefined): Promise<void> {
  const mocha = new Mocha({
    reporter: ClosingLineReporter,
    reporterOptions: countsTo ? { countsTo } : {},
    timeout: 20_000,
    ...(values.grep ? { grep: values.grep } : {}),
    ...(values.bail ? { bail: true } : {}),
  });
  for (const f of files) mocha.addFile(f);
  await mocha.loadFilesAsync();
  mocha.run((failures) => {
    process.exitCode = failures ? 1 : 0;
  });
}

if (values['counts-to'] !== undefined) {
  await runHere(positionals, values['counts-to']);
} else {
  const files = find(here)
    .filter((f) => tier === 'all' || (tier === 'kernel') === isKernel(f))
    .sort((a, b) => Number(isKernel(a)) - Number(isKernel(b)) || a.localeCompare(b));
  if (jobs === 1) await runHere(files, undefined);
  else await runQueue(files);
}

interface Job {
  readonly name: string;
  readonly files: readonly string[];
}

/** Durations of the last run on this machine, in ms by job name; the longest start first. */
function durationsFile(): string {
  return join(here, '..', '..', 'test-artifacts', 'test-durations.json');
}

function readDurations(): Record<string, number> {
  try {
    const parsed: unknown = JSON.parse(readFileSync(durationsFile(), 'utf8'));
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, number>) : {};
  } catch {
    return {};
  }
}

async function runQueue(files: readonly string[]): Promise<void> {
  const unit = files.filter((f) => !isKernel(f));
  const queue: Job[] = [
    ...(unit.length ? [{ name: 'unit tier', files: unit }] : []),
    ...files.filter(isKernel).map((f) => ({ name: relative(here, f).replace(/\.js$/, '.ts'), files: [f] })),
  ];
  const last = readDurations();
  // Without a record, the unit tier first (it is long), then kernel files in name order.
  queue.sort((a, b) => (last[b.name] ?? -1) - (last[a.name] ?? -1));
  const work = mkdtempSync(join(tmpdir(), 'mplsgre-test-run-'));
  const total: Counts = { passed: 0, failed: 0, skipped: 0 };
  const failures: string[] = [];
  const took: Record<string, number> = { ...last };
  console.log(`${queue.length} jobs, ${jobs} at a time`);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < queue.length) {
      const job = queue[next++] as Job;
      const countsTo = join(work, `${next}.json`);
      console.log(`▶ ${job.name}`);
      const started = Date.now();
      const out = await runJob(job, countsTo);
      const ms = Date.now() - started;
      took[job.name] = ms;
      const counts = readCounts(countsTo);
      const tally = counts ? `${counts.passed} passing, ${counts.failed} failing` : 'no counts';
      process.stdout.write(`\n━━ ${job.name}: ${(ms / 1000).toFixed(1)} s, ${tally} ━━\n${out}`);
      if (!counts) {
        total.failed += 1;
        failures.push(`${job.name}: the test process ended without its counts`);
        continue;
      }
      total.passed += counts.passed;
      total.failed += counts.failed;
      total.skipped += counts.skipped;
      failures.push(...counts.failures.map((t) => `${job.name}: ${t}`));
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, queue.length) }, worker));
  rmSync(work, { recursive: true, force: true });
  try {
    mkdirSync(join(durationsFile(), '..'), { recursive: true });
    writeFileSync(durationsFile(), `${JSON.stringify(took, null, 1)}\n`);
  } catch {
    // a read-only checkout runs in name order next time
  }
  if (failures.length) console.log(`\nFailed:\n${failures.map((f) => `  ${f}`).join('\n')}`);
  process.exitCode = total.failed ? 1 : 0;
  console.log(`\n${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
}

function readCounts(file: string): (Counts & { failures: string[] }) | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Counts & { failures: string[] };
  } catch {
    return undefined;
  }
}

function runJob(job: Job, countsTo: string): Promise<string> {
  const args = [fileURLToPath(import.meta.url), '--counts-to', countsTo];
  if (values.grep) args.push('--grep', values.grep);
  if (values.bail) args.push('--bail');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const child = spawn(process.execPath, [...args, ...job.files], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    // The longest job (the fault campaign) takes ~10 min; an hour is a hung job, not a slow one.
    const timer = setTimeout(() => child.kill('SIGKILL'), 3_600_000);
    child.on('error', (err) => chunks.push(Buffer.from(`cannot start the job: ${err.message}\n`)));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal) chunks.push(Buffer.from(`the job was ended by ${signal}\n`));
      else if (code !== 0 && code !== 1) chunks.push(Buffer.from(`the job exited with ${code}\n`));
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}
