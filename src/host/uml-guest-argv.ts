import { spawn } from 'node:child_process';

/** A command-line job as the host wrote it for the guest (src/host/uml.ts). */
export interface GuestArgvJob {
  readonly kind: 'argv';
  readonly argv: readonly string[];
  readonly env?: Record<string, string>;
}

/**
 * Runs a command-line job inside user-mode Linux and resolves to its exit status. Shared by the
 * guest's script (dist/src/host/uml-guest.js) and the single executable's guest mode, which has
 * no script to run.
 */
export function runGuestArgv(job: GuestArgvJob): Promise<number> {
  const [file, ...args] = job.argv;
  if (!file) return Promise.resolve(2);
  return new Promise((resolve) => {
    const child = spawn(file, args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...job.env } });
    child.on('error', () => resolve(127));
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/** The single executable's guest mode (`mplsgre --uml-guest JOB`): command-line jobs only. */
export async function runGuestJobFile(jobPath: string | undefined): Promise<number> {
  if (!jobPath) return 2;
  const { readFile } = process.getBuiltinModule('node:fs/promises');
  const job = JSON.parse(await readFile(jobPath, 'utf8')) as { kind: string } & GuestArgvJob;
  if (job.kind !== 'argv') {
    process.stderr.write(`mplsgre --uml-guest: the single executable runs command-line jobs only, not ${job.kind}\n`);
    return 2;
  }
  return runGuestArgv(job);
}
