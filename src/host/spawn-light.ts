import { now } from '../core/clock.js';
import type { ExecResult } from './host.js';

/** A version query prints a line or two; anything past this is not one. */
const MAX_OUTPUT = 64 * 1024;

/**
 * Runs a version query (`ip -V`, `tcpdump --version`) with node:child_process alone, for the
 * one path that spawns before the CLI has loaded: `check` with a cold tool cache (src/bin.ts).
 * execa would cost that run ~62 million instructions more, about a tenth of the whole run
 * (callgrind, README "Start-up cost"); every other command goes through execLocal. No input,
 * no abort, no children: a timeout kills the process itself.
 */
export function execVersionQuery(file: string, args: readonly string[], timeoutMs: number): Promise<ExecResult> {
  const started = now();
  const argv = [file, ...args];
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let settled = false;
    const child = process.getBuiltinModule('node:child_process').spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    const finish = (r: Pick<ExecResult, 'exitCode' | 'signal' | 'failed' | 'spawnError'>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ argv, stdout, stderr, timedOut, durationMs: now() - started, ...r });
    };
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      if (stdout.length < MAX_OUTPUT) stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < MAX_OUTPUT) stderr += d;
    });
    child.on('error', (err: NodeJS.ErrnoException) => finish({ exitCode: null, signal: null, failed: true, spawnError: err.code ?? err.message }));
    child.on('close', (code, signal) => finish({ exitCode: code, signal, failed: code !== 0 || timedOut || signal !== null }));
  });
}
