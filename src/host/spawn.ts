import type { Result, ResultPromise } from 'execa';
import { now } from '../core/clock.js';
import type { Background, ExecOptions, ExecResult, StartOptions } from './host.js';
import { DEFAULT_TIMEOUT_MS } from './host.js';

/** Output beyond this stops the command: a runaway command must not exhaust memory. */
export const MAX_OUTPUT = 16 * 1024 * 1024;

type Execa = typeof import('execa').execa;
let loading: Promise<Execa> | undefined;

/**
 * execa (with node:child_process and the stream modules it pulls in) loads on the first spawn,
 * not at start-up: a `check` answered from /proc and the tool cache never spawns at all. In the
 * bundle this import is an initialiser esbuild runs on first use (scripts/bundle.ts).
 */
function loadExeca(): Promise<Execa> {
  loading ??= import('execa').then((m) => m.execa);
  return loading;
}

/**
 * Every command runs as the leader of a process group of its own, so that a timeout or a stop
 * ends what it started too (a shell's children, a daemon's workers). execa signals the leader
 * alone; its `kill` is replaced by one that signals the group, and since a group outlives no
 * exit of this process by itself, the groups still running are killed when this process exits.
 */
const running = new Set<number>();
let exitHook = false;

function killGroup(pid: number | undefined, signal: NodeJS.Signals | number): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * A terminal's Ctrl-C (or a SIGTERM, SIGHUP to this process) no longer reaches the groups by
 * itself: it is passed on to each, as the terminal would have. Then, if nobody else handles the
 * signal, this process dies by it, as it would have without the handler.
 */
const FORWARDED: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
let forwarding = false;

function forward(signal: NodeJS.Signals): void {
  for (const p of running) killGroup(p, signal);
  for (const s of FORWARDED) process.off(s, forward);
  forwarding = false;
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function ownGroup(sub: ResultPromise, fallbackSignal: NodeJS.Signals): void {
  const pid = sub.pid;
  if (pid === undefined) return;
  const leaderKill = sub.kill.bind(sub) as (s?: NodeJS.Signals | number) => boolean;
  const groupKill = (signal?: NodeJS.Signals | number | Error): boolean => {
    const s = typeof signal === 'string' || typeof signal === 'number' ? signal : fallbackSignal;
    return killGroup(pid, s) || leaderKill(s);
  };
  sub.kill = groupKill as ResultPromise['kill'];
  running.add(pid);
  if (!forwarding) {
    forwarding = true;
    for (const s of FORWARDED) process.on(s, forward);
  }
  if (!exitHook) {
    exitHook = true;
    process.once('exit', () => {
      for (const p of running) killGroup(p, 'SIGKILL');
    });
  }
  // The leader's exit ends the group's claim on the exit hook; what it left behind is the
  // command's own business only if it was not stopped (a stop or timeout signalled the group).
  sub.once('exit', () => running.delete(pid));
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Why the command could not run at all (ENOENT, EACCES); undefined when it ran. */
function spawnErrorOf(r: Result): string | undefined {
  if (!r.failed || r.exitCode !== undefined || r.signal !== undefined || r.timedOut || r.isMaxBuffer || r.isCanceled) return undefined;
  const cause = r.cause as NodeJS.ErrnoException | undefined;
  return r.code ?? cause?.code ?? cause?.message ?? r.shortMessage;
}

function toResult(argv: readonly string[], r: Result, started: number): ExecResult {
  const spawnError = spawnErrorOf(r);
  return {
    argv,
    stdout: text(r.stdout),
    stderr: text(r.stderr),
    exitCode: r.exitCode ?? null,
    signal: r.signal ?? null,
    timedOut: r.timedOut,
    failed: r.failed,
    durationMs: now() - started,
    ...(spawnError !== undefined ? { spawnError } : {}),
  };
}

/** The execa options every command shares: no shell, output as text, failures as data. */
const base = {
  reject: false,
  shell: false,
  detached: true,
  stripFinalNewline: false,
  maxBuffer: MAX_OUTPUT,
  killSignal: 'SIGKILL',
  forceKillAfterDelay: false,
} as const;

/**
 * Runs argv without a shell, with a timeout, and returns failures as data: a timeout kills the
 * command's whole process group (SIGKILL), an abort ends it with SIGTERM, output past
 * MAX_OUTPUT stops it; a command that exits without reading its input is judged by its exit
 * status (execa ignores the EPIPE).
 */
export async function execLocal(file: string, args: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const started = now();
  const argv = [file, ...args];
  const execa = await loadExeca();
  const sub = execa(file, args, {
    ...base,
    timeout: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    ...(opts.input === undefined ? { stdin: 'ignore' as const } : { input: opts.input }),
    ...(opts.env ? { env: opts.env } : {}),
  });
  ownGroup(sub, 'SIGKILL');
  const abort = (): void => void sub.kill('SIGTERM');
  if (opts.signal?.aborted) abort();
  else opts.signal?.addEventListener('abort', abort, { once: true });
  try {
    return toResult(argv, await sub, started);
  } finally {
    opts.signal?.removeEventListener('abort', abort);
  }
}

/** Starts a background process whose output lines can be awaited. */
export function startLocal(file: string, args: readonly string[], opts: StartOptions): Background {
  const started = now();
  const argv = [file, ...args];
  let stdout = '';
  let stderr = '';
  const listeners = new Set<(line: string) => void>();
  const feed = (chunk: string, into: 'out' | 'err'): void => {
    if (into === 'out' && stdout.length < MAX_OUTPUT) stdout += chunk;
    if (into === 'err' && stderr.length < MAX_OUTPUT) stderr += chunk;
    for (const line of chunk.split('\n')) if (line) for (const l of listeners) l(line);
  };
  let pid: number | undefined;
  let exited = false;
  let live: ResultPromise | undefined;
  const sub = loadExeca().then((execa) => {
    const s = execa(file, args, {
      ...base,
      timeout: opts.timeoutMs,
      stdin: 'ignore',
      ...(opts.env ? { env: opts.env } : {}),
    });
    ownGroup(s, 'SIGKILL');
    pid = s.pid;
    live = s;
    const out = new TextDecoder();
    const err = new TextDecoder();
    s.stdout?.on('data', (d: Buffer) => feed(out.decode(d, { stream: true }), 'out'));
    s.stderr?.on('data', (d: Buffer) => feed(err.decode(d, { stream: true }), 'err'));
    // Boxed: a ResultPromise is a thenable, and returning it bare would wait for the exit.
    return { s };
  });
  const done = sub.then(async ({ s }) => {
    const r = toResult(argv, await s, started);
    exited = true;
    return r;
  });
  return {
    argv,
    get pid() {
      return pid;
    },
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
      // At once when the process runs: a signal handler that stops it may end this process next.
      const s = live ?? (await sub).s;
      if (!exited) s.kill(signal);
      return done;
    },
  };
}
