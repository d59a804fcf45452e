import { now } from '../core/clock.js';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Target } from '../core/target.js';
import type { Background, BatchAnswers, ExecOptions, ExecResult, FileRead, Host, ReadOptions, ReadPlan, StartOptions } from './host.js';
import { DEFAULT_TIMEOUT_MS } from './host.js';
import { parseFramedFiles } from './netns.js';
import { shellCommand } from './quote.js';
import { runtimeDir } from './runtime-dir.js';
import { BATCH_SCRIPT, batchArgs, decodeEncoded, parseBatch } from './ssh-batch.js';
import { execLocal, startLocal } from './spawn.js';

/**
 * READ_FILES_SCRIPT (netns.ts) with each file encoded, so binary files (/proc/config.gz) arrive
 * intact through a text channel: `base64` where the remote has it, else `od` hex (POSIX).
 * Base64 never holds a space and od output always does, which tells the two apart.
 * Fixed, never built from input: the nonce and paths arrive as positional arguments.
 */
export const READ_FILES_ENCODED_SCRIPT =
  'n=$1; shift; i=0; if command -v base64 >/dev/null 2>&1; then e=b; else e=o; fi; for f do ' +
  'if [ -r "$f" ]; then printf "\\n%s ok %d\\n" "$n" "$i"; ' +
  'if [ $e = b ]; then base64 <"$f" 2>/dev/null; else od -An -v -tx1 <"$f" 2>/dev/null; fi || printf "\\n%s err %d EIO\\n" "$n" "$i"; ' +
  'elif [ -e "$f" ]; then printf "\\n%s err %d EACCES\\n" "$n" "$i"; ' +
  'else printf "\\n%s err %d ENOENT\\n" "$n" "$i"; fi; i=$((i+1)); done';

/**
 * Bounds a remote command on the remote side, with `timeout` where the remote has it (GNU,
 * busybox): killing a multiplexed local ssh would not end it. Fixed; seconds and argv arrive
 * as positional arguments; exec keeps stdin for `input`.
 */
export const REMOTE_TIMEOUT_SCRIPT =
  't=$1; shift; if command -v timeout >/dev/null 2>&1; then exec timeout -k 2 "$t" "$@"; else exec "$@"; fi';

/**
 * The remote side of start(): prints `MARKER PID`, then becomes the command, bounded by GNU
 * `timeout --foreground` where the remote has it (it forwards the signals it gets, and stays in
 * the terminal's foreground group, so a hang-up reaches the command too). Fixed; the marker,
 * seconds and argv arrive as positional arguments.
 */
export const REMOTE_START_SCRIPT =
  'printf "%s %s\\n" "$1" "$$"; t=$2; shift 2; ' +
  'if timeout --foreground -k 2 5 true 2>/dev/null; then exec timeout --foreground -k 2 "$t" "$@"; fi; exec "$@"';

/** ssh exits 255 when it could not connect or authenticate (or the remote command exited 255). */
export const SSH_CONNECT_FAILURE = 255;

export interface SshHostOptions {
  readonly host: string;
  readonly user?: string;
  readonly port?: number;
  /** ssh's ConnectTimeout, seconds (default 10). */
  readonly connectTimeoutS?: number;
  /** An ssh_config file passed with -F (tests; replaces ~/.ssh/config). */
  readonly configFile?: string;
  /** More `-o Key=Value` options, each `Key=Value`. */
  readonly options?: readonly string[];
  /** Overall bound for everything this host runs, ms from construction: each command's timeout is capped by it. */
  readonly overallTimeoutMs?: number;
}

/** Whether a host answered: connected, authenticated and ran `true`. */
export type Reachability =
  | { readonly reachable: true; readonly durationMs: number; readonly files?: readonly FileRead[] }
  | { readonly reachable: false; readonly error: string; readonly durationMs: number };

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const OPTION = /^[A-Za-z][A-Za-z0-9]*=[^\n]*$/;

/**
 * A remote machine over the system OpenSSH client, so ~/.ssh/config, agents, ProxyJump and
 * known_hosts apply. BatchMode: never prompts. One control master per host (ControlPersist 60 s)
 * carries every command; `close()` ends it and removes its private socket directory.
 * Every remote word goes through shellCommand (quote.ts). `exec` returns failures as data; exit
 * 255 is ssh's own failure (use probeReachable() to tell an unreachable host apart).
 */
export class SshHost implements Host {
  readonly name: string;
  readonly remote = true;
  readonly destination: string;
  private readonly controlDir: string;
  private readonly deadline: number | undefined;
  private closed = false;

  constructor(readonly opts: SshHostOptions) {
    if (opts.host.startsWith('-')) throw new Error(`ssh host ${opts.host} starts with "-"`);
    for (const o of opts.options ?? []) if (!OPTION.test(o)) throw new Error(`ssh option ${JSON.stringify(o)} is not Key=Value`);
    const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
    this.destination = `${opts.user === undefined ? '' : `${opts.user}@`}${opts.host}`;
    this.name = `ssh:${opts.user === undefined ? '' : `${opts.user}@`}${host}${opts.port === undefined ? '' : `:${opts.port}`}`;
    // mkdtemp makes it 0700: nobody else can reach the control socket.
    this.controlDir = mkdtempSync(join(runtimeDir(), 'mplsgre-ssh-'));
    this.deadline = opts.overallTimeoutMs === undefined ? undefined : now() + opts.overallTimeoutMs;
  }

  static fromTarget(t: Extract<Target, { kind: 'ssh' }>, extra: Omit<SshHostOptions, 'host' | 'user' | 'port'> = {}): SshHost {
    return new SshHost({ ...extra, host: t.host, ...(t.user === undefined ? {} : { user: t.user }), ...(t.port === undefined ? {} : { port: t.port }) });
  }

  /** The ssh argv up to and including the destination; the remote command follows. */
  sshArgs(extra: readonly string[] = [], multiplex = true): string[] {
    const o = this.opts;
    // ssh keeps the first value it reads for an option: these must come before the user's.
    const mux = multiplex
      ? ['-o', 'ControlMaster=auto', '-o', `ControlPath=${join(this.controlDir, '%C')}`, '-o', 'ControlPersist=60']
      : ['-o', 'ControlMaster=no', '-o', 'ControlPath=none'];
    return [
      ...(o.configFile ? ['-F', o.configFile] : []),
      '-o', 'BatchMode=yes',
      '-o', `ConnectTimeout=${o.connectTimeoutS ?? 10}`,
      ...mux,
      ...(o.options ?? []).flatMap((x) => ['-o', x]),
      ...(o.port === undefined ? [] : ['-p', String(o.port)]),
      ...extra,
      '--', this.destination,
    ];
  }

  private timeout(requested: number | undefined): number {
    const t = requested ?? DEFAULT_TIMEOUT_MS;
    return this.deadline === undefined ? t : Math.min(t, this.deadline - now());
  }

  /** The ssh argv (after `ssh`) that runs one command under REMOTE_TIMEOUT_SCRIPT. */
  private commandArgs(command: readonly string[], timeoutMs: number): string[] {
    const words = ['sh', '-c', REMOTE_TIMEOUT_SCRIPT, 'sh', String(Math.max(1, Math.ceil(timeoutMs / 1000))), ...command];
    return [...this.sshArgs(), shellCommand(words)];
  }

  exec(file: string, args: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const env = Object.entries(opts.env ?? {});
    for (const [k] of env) if (!ENV_NAME.test(k)) throw new Error(`environment name ${JSON.stringify(k)} is not valid`);
    const command = env.length ? ['env', ...env.map(([k, v]) => `${k}=${v}`), file, ...args] : [file, ...args];
    const timeoutMs = this.timeout(opts.timeoutMs);
    const argv = this.commandArgs(command, timeoutMs);
    if (timeoutMs <= 0 || this.closed) {
      const why = this.closed ? 'host closed' : 'overall timeout reached';
      return Promise.resolve({ argv: ['ssh', ...argv], exitCode: null, signal: null, stdout: '', stderr: why, failed: true, timedOut: !this.closed, durationMs: 0 });
    }
    return this.run(argv, timeoutMs, opts.input);
  }

  /**
   * The remote `timeout` ends a command in time (TERM, KILL 2 s later). Without it, a multiplexed ssh hands
   * its stdio to the control master, so killing it would not close our pipes until the remote
   * command ends: 3 s later the master is ended instead (`-O exit`), which fails every command of
   * this host in flight; the next command starts a new master.
   */
  private async run(argv: string[], timeoutMs: number, input: string | undefined): Promise<ExecResult> {
    let fired = false;
    const timer = setTimeout(() => {
      fired = true;
      void this.exitMaster();
    }, Math.ceil(timeoutMs / 1000) * 1000 + 3_000);
    const r = await execLocal('ssh', argv, { timeoutMs: Math.ceil(timeoutMs / 1000) * 1000 + 6_000, ...(input === undefined ? {} : { input }) });
    clearTimeout(timer);
    // timeout(1) exits 124 after TERM; after its KILL it dies by the signal, which ssh reports as 255.
    const killed = (r.exitCode === 124 || r.exitCode === 255) && r.durationMs >= timeoutMs - 50;
    return fired || killed ? { ...r, failed: true, timedOut: true } : r;
  }

  private exitMaster(): Promise<ExecResult> {
    return execLocal('ssh', this.sshArgs(['-O', 'exit']), { timeoutMs: 5_000 });
  }

  /** One remote command for the whole batch; binary-safe (see READ_FILES_ENCODED_SCRIPT). */
  async readFiles(paths: readonly string[], opts: ReadOptions = {}): Promise<FileRead[]> {
    if (paths.length === 0) return [];
    const nonce = `@mplsgre-${randomBytes(8).toString('hex')}`;
    const r = await this.exec('sh', ['-c', READ_FILES_ENCODED_SCRIPT, 'sh', nonce, ...paths], { timeoutMs: opts.timeoutMs ?? 10_000 });
    if (r.failed) {
      const why = r.timedOut ? 'timed out' : r.spawnError ?? (r.stderr.trim().split('\n').pop() || `exit ${r.exitCode ?? r.signal}`);
      return paths.map((path) => ({ path, ok: false, error: `${this.name}: ${why}` }));
    }
    return parseEncodedFiles(r.stdout, nonce, paths);
  }

  /**
   * The whole plan in one remote command (BATCH_SCRIPT): the login shell runs once, not once per
   * read. Each command's answer carries the argv it would have had alone. Undefined when the
   * batch failed as a whole (the caller then asks one by one, and sees each failure itself).
   */
  async batch(plan: ReadPlan): Promise<BatchAnswers | undefined> {
    const nonce = `@mplsgre-${randomBytes(8).toString('hex')}`;
    // Each command is bounded remotely (plus timeout's 2 s KILL grace); the reads share 10 s.
    const bound = 10_000 + plan.commands.reduce((t, c) => t + Math.ceil(c.timeoutMs / 1000) * 1000 + 2_000, 0);
    const r = await this.exec('sh', ['-c', BATCH_SCRIPT, 'sh', nonce, ...batchArgs(plan)], { timeoutMs: bound });
    if (r.failed) return undefined;
    return parseBatch(r.stdout, nonce, plan, (file, args, timeoutMs, x) => ({
      argv: ['ssh', ...this.commandArgs([file, ...args], this.timeout(timeoutMs))],
      exitCode: x.exitCode, signal: null, stdout: x.stdout, stderr: x.stderr,
      failed: x.exitCode !== 0, timedOut: x.exitCode === 124, durationMs: r.durationMs,
    }));
  }

  /**
   * Runs the command over its own connection (no control master: a multiplexed client hands its
   * stdio to the master and outlives a kill) with `-tt`: the pseudo-terminal makes the remote
   * process get SIGHUP when the connection ends, however the local ssh ends (stop, Ctrl-C, this
   * process killed). The terminal merges stderr into stdout and ends lines with CRLF.
   * The remote prints its pid first (REMOTE_START_SCRIPT), so stop() delivers `signal` to the
   * remote process itself (tcpdump flushes and prints its counts on SIGINT); the local ssh is
   * ended only when that fails. The remote `timeout` bounds the process even if this machine
   * dies with the connection open.
   */
  start(file: string, args: readonly string[], opts: StartOptions): Background {
    const timeoutMs = this.timeout(opts.timeoutMs);
    const marker = `@mplsgre-pid-${randomBytes(6).toString('hex')}`;
    const words = ['sh', '-c', REMOTE_START_SCRIPT, 'sh', marker, String(Math.max(1, Math.ceil(timeoutMs / 1000))), file, ...args];
    const bg = startLocal('ssh', [...this.sshArgs(['-tt'], false), shellCommand(words)], { ...opts, timeoutMs: Math.max(1, timeoutMs) + 3_000 });
    const untrack = trackRemote(bg);
    void bg.done.then(untrack);
    const pidLine = new RegExp(`^${marker} (\\d+)`);
    const pid = bg.waitForLine(pidLine, Math.min(timeoutMs, 15_000)).then((l) => Number(pidLine.exec(l)![1]), () => undefined);
    let exited = false;
    void bg.done.then(() => (exited = true));
    return {
      argv: [file, ...args],
      get pid() {
        return bg.pid;
      },
      done: bg.done,
      waitForLine: (re, ms) => bg.waitForLine(re, ms),
      stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
        const remote = exited ? undefined : await Promise.race([pid, bg.done.then(() => undefined)]);
        if (remote !== undefined && !exited) {
          const k = await this.exec('kill', ['-s', signal.replace(/^SIG/, ''), String(remote)], { timeoutMs: 5_000 });
          const ended = k.failed ? undefined : await Promise.race([bg.done, new Promise<undefined>((r) => setTimeout(() => r(undefined), 5_000).unref())]);
          if (ended) return ended;
        }
        // Ending the connection hangs up the remote terminal: SIGHUP.
        return bg.stop('SIGTERM');
      },
    };
  }

  /**
   * Connects and authenticates, and starts the control master that later commands share. `connect`
   * (check, fleet): `ssh -N`, no remote command, so the remote login shell does not run (with
   * ControlPersist the client returns once the master is up); an existing master answers
   * `-O check`. `command` (topology commands, diagnose): runs `true`, so the session's first,
   * coldest start is paid under this probe's bound, not under the next command's (a state read
   * bounded at 10 s timed out on a loaded 6.1 guest). With `read`, that command reads those files
   * instead (as readFiles), so what a caller needs first costs no second command; they come back
   * in `files`.
   */
  async probeReachable(how: 'connect' | 'command' = 'connect', read: readonly string[] = []): Promise<Reachability> {
    const started = now();
    const timeoutMs = this.timeout(((this.opts.connectTimeoutS ?? 10) + 5) * 1000);
    const nonce = `@mplsgre-${randomBytes(8).toString('hex')}`;
    // The socket directory is this host's own: empty means no master yet (the usual case).
    const live = how === 'connect' && !read.length && !this.closed && readdirSync(this.controlDir).length > 0
      ? await execLocal('ssh', this.sshArgs(['-O', 'check']), { timeoutMs: 5_000 })
      : undefined;
    const r = live && !live.failed ? live
      : read.length ? await this.exec('sh', ['-c', READ_FILES_ENCODED_SCRIPT, 'sh', nonce, ...read], { timeoutMs })
      : how === 'command' || this.closed || timeoutMs <= 0 ? await this.exec('true', [], { timeoutMs })
      : await execLocal('ssh', this.sshArgs(['-N']), { timeoutMs: timeoutMs + 6_000 });
    const durationMs = Math.round(now() - started);
    if (!r.failed) return { reachable: true, durationMs, ...(read.length ? { files: parseEncodedFiles(r.stdout, nonce, read) } : {}) };
    const last = r.stderr.trim().split('\n').filter(Boolean).pop();
    const error = r.timedOut
      ? `no answer within ${Math.round(r.durationMs / 1000)} s${last ? ` (${last})` : ''}`
      : r.spawnError ? `cannot run ssh: ${r.spawnError}` : (last ?? `ssh exited ${r.exitCode ?? r.signal}`);
    return { reachable: false, error, durationMs };
  }

  /** Ends the control master (`ssh -O exit`) and removes the socket directory. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.exitMaster();
    rmSync(this.controlDir, { recursive: true, force: true });
  }
}

/**
 * For one-shot commands (`check --ssh`, topology commands): ends the control master when the
 * event loop drains, so no master outlives the run by ControlPersist.
 */
export function closeAtExit(host: SshHost): SshHost {
  process.once('beforeExit', () => void host.close());
  return host;
}

/** Splits READ_FILES_ENCODED_SCRIPT output into files and decodes each. */
export function parseEncodedFiles(out: string, nonce: string, paths: readonly string[]): FileRead[] {
  return parseFramedFiles(out, nonce, paths).map((f) => (f.ok ? { path: f.path, ok: true, data: decodeEncoded(f.data.toString('latin1')) } : f));
}

/**
 * The local ssh of every running start(): a SIGINT, SIGTERM or SIGHUP that ends this process
 * ends them first, so no remote process waits for its timeout. Ctrl-C reaches them anyway
 * (same process group); a signal sent to this process alone would not.
 */
const running = new Set<Background>();
const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function onSignal(signal: NodeJS.Signals): void {
  for (const bg of running) void bg.stop('SIGTERM');
  running.clear();
  for (const s of SIGNALS) process.off(s, onSignal);
  // Nobody else handles it: die by it, as without this handler.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function trackRemote(bg: Background): () => void {
  if (running.size === 0) for (const s of SIGNALS) process.on(s, onSignal);
  running.add(bg);
  return () => {
    running.delete(bg);
    if (running.size === 0) for (const s of SIGNALS) process.off(s, onSignal);
  };
}
