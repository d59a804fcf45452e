import { readFile, writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { runGuestArgv } from './uml-guest-argv.js';

/** Runs inside user-mode Linux: reads the job, runs it, writes the output file, exits with its status. */
async function main(): Promise<number> {
  const jobPath = process.argv[2];
  if (!jobPath) return 2;
  const job = JSON.parse(await readFile(jobPath, 'utf8')) as
    | { kind: 'module'; module: string; export: string; input: unknown; output: string }
    | { kind: 'argv'; argv: string[]; env?: Record<string, string>; output: string };
  if (job.kind === 'module') {
    try {
      const mod = (await import(pathToFileURL(job.module).href)) as Record<string, (input: unknown) => Promise<unknown>>;
      const fn = mod[job.export];
      if (typeof fn !== 'function') throw new Error(`${job.module} has no export ${job.export}`);
      await writeFile(job.output, JSON.stringify({ ok: true, value: await fn(job.input) }));
      return 0;
    } catch (err) {
      const e = err as Error;
      await writeFile(job.output, JSON.stringify({ ok: false, error: { message: e.message, stack: e.stack } }));
      return 1;
    }
  }
  return runGuestArgv(job);
}

process.exitCode = await main();
