import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { now } from '../core/clock.js';
import type { Background, ExecOptions, ExecResult, StartOptions } from './host.js';
import { DEFAULT_TIMEOUT_MS } from './host.js';

/**
 * node:child_process (with the stream and socket modules it pulls in) loads on the first spawn,
 * not at start-up: a `check` answered from /proc and the tool cache never spawns at all.
 */
function spawn(file: string, args: readonly string[], opts: SpawnOptions): ChildProcess {
  return process.getBuiltinModule('node:child_process').spawn(file, args, opts);
}

/** Output beyond this is cut: a runaway command must not exhaust memory. */
const MAX_OUTPUT = 16 * 1024 * 1024;

/**
 * Runs argv without a shell, with a timeout, and returns failures as data.
 * node:child_process rather than execa: execa's import alone costs ~100 ms, more than
 * the whole budget of `mplsgre check` (see bench/check.bench.ts).
 */
export function execLocal(file: string, args: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const started = now();
  const argv = [file, ...args];
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let settled = false;
    const child = spawn(file, args, {
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      env: opts.env ? { ...process.env, ...opts.env } : process.env,
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const abort = (): void => void child.kill('SIGTERM');
    if (opts.signal?.aborted) abort();
    else opts.signal?.addEventListener('abort', abort, { once: true });
    const finish = (r: Omit<ExecResult, 'argv' | 'durationMs' | 'stdout' | 'stderr' | 'timedOut'>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', abort);
      resolve({ argv, stdout, stderr, timedOut, durationMs: now() - started, ...r });
    };
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      if (stdout.length < MAX_OUTPUT) stdout += d;
    });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < MAX_OUTPUT) stderr += d;
    });
    if (opts.input !== undefined) {
      // A command that exits without reading all its input (EPIPE) is reported by its exit
      // status, not by an exception thrown from the pipe.
      child.stdin!.on('error', () => undefined);
      child.stdin!.end(opts.input);
    }
    child.on('error', (err: NodeJS.ErrnoException) =>
      finish({ exitCode: null, signal: null, failed: true, spawnError: err.code ?? err.message }),
    );
    child.on('close', (code, signal) =>
      finish({ exitCode: code, signal, failed: code !== 0 || timedOut || signal !== null }),
    );
  });
}

/** Starts a background process whose output lines can be awaited. */
export function startLocal(file: string, args: readonly string[], opts: StartOptions): Background {
  const started = now();
  const argv = [file, ...args];
  const child = spawn(file, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: opts.env ? { ...process.env, ...opts.env } : process.env,
  });
  let stdout = '';
  let stderr = '';
  let timedOut = false;
  const listeners = new Set<(line: string) => void>();
  const feed = (chunk: string, into: 'out' | 'err'): void => {
    if (into === 'out' && stdout.length < MAX_OUTPUT) stdout += chunk;
    if (into === 'err' && stderr.length < MAX_OUTPUT) stderr += chunk;
    for (const line of chunk.split('\n')) if (line) for (const l of listeners) l(line);
  };
  child.stdout!.setEncoding('utf8').on('data', (d: string) => feed(d, 'out'));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => feed(d, 'err'));
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, opts.timeoutMs);
  const done = new Promise<ExecResult>((resolve) => {
    const end = (code: number | null, signal: string | null, spawnError?: string): void => {
      clearTimeout(timer);
      resolve({
        argv, stdout, stderr, timedOut, exitCode: code, signal,
        failed: code !== 0 || timedOut || spawnError !== undefined,
        durationMs: now() - started,
        ...(spawnError ? { spawnError } : {}),
      });
    };
    child.on('error', (err: NodeJS.ErrnoException) => end(null, null, err.code ?? err.message));
    child.on('close', (code, signal) => end(code, signal));
  });
  let exited = false;
  void done.then(() => (exited = true));
  return {
    argv,
    pid: child.pid,
    done,
    waitForLine(re, timeoutMs) {
      const seen = (stdout + '\n' + stderr).split('\n').find((l) => re.test(l));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => {
          listeners.delete(on);
          reject(new Error(`${argv.join(' ')}: no line matching ${re} within ${timeoutMs} ms`));
        }, timeoutMs);
        const on = (line: string): void => {
          if (!re.test(line)) return;
          clearTimeout(t);
          listeners.delete(on);
          resolve(line);
        };
        listeners.add(on);
        void done.then((r) => {
          if (!listeners.has(on)) return;
          clearTimeout(t);
          listeners.delete(on);
          reject(new Error(`${argv.join(' ')} exited (${r.exitCode ?? r.signal ?? r.spawnError}) before ${re}: ${r.stderr.trim()}`));
        });
      });
    },
    async stop(signal = 'SIGTERM') {
      if (!exited) child.kill(signal);
      return done;
    },
  };
}
