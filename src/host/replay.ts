import type { Background, ExecOptions, ExecResult, FileRead, Host, ReadOptions, StartOptions } from './host.js';

/**
 * Raw inputs recorded from a real host: every file read and command run by the probes.
 * Files are stored as text when they are UTF-8, else base64 (e.g. /proc/config.gz).
 */
export interface Recording {
  readonly recorded: {
    readonly description: string;
    readonly kernel: string;
    readonly iproute2?: string;
    readonly tcpdump?: string;
    readonly at: string;
    readonly by: string;
    readonly options: { iface?: string; labels: number[]; kernelConfig?: string; target?: string; classes?: boolean };
  };
  readonly files: Record<string, { text: string } | { base64: string } | { error: string }>;
  readonly commands: Record<string, { exitCode: number | null; stdout: string; stderr: string; spawnError?: string }>;
}

export const commandKey = (file: string, args: readonly string[]): string => [file, ...args].join(' ');

/** Replays a Recording. Reads or commands that were not recorded are collected in `unrecorded`. */
export class ReplayHost implements Host {
  readonly name: string;
  readonly unrecorded: string[] = [];

  constructor(private readonly rec: Recording, name = 'replay') {
    this.name = name;
  }

  async exec(file: string, args: readonly string[], _opts?: ExecOptions): Promise<ExecResult> {
    const key = commandKey(file, args);
    const c = this.rec.commands[key];
    if (!c) {
      this.unrecorded.push(`exec ${key}`);
      return { argv: [file, ...args], exitCode: null, signal: null, stdout: '', stderr: '', failed: true, timedOut: false, spawnError: 'ENOTRECORDED', durationMs: 0 };
    }
    return {
      argv: [file, ...args], exitCode: c.exitCode, signal: null, stdout: c.stdout, stderr: c.stderr,
      failed: c.exitCode !== 0, timedOut: false, durationMs: 0, ...(c.spawnError ? { spawnError: c.spawnError } : {}),
    };
  }

  async readFiles(paths: readonly string[], _opts?: ReadOptions): Promise<FileRead[]> {
    return paths.map((path): FileRead => {
      const f = this.rec.files[path];
      if (!f) {
        this.unrecorded.push(`read ${path}`);
        return { path, ok: false, error: 'ENOTRECORDED' };
      }
      if ('error' in f) return { path, ok: false, error: f.error };
      return { path, ok: true, data: 'text' in f ? Buffer.from(f.text, 'utf8') : Buffer.from(f.base64, 'base64') };
    });
  }

  start(file: string, args: readonly string[], _opts: StartOptions): Background {
    throw new Error(`replay host cannot start ${commandKey(file, args)}`);
  }
}

/** Wraps a real host and keeps every read and command result, for writing a Recording. */
export class RecordingHost implements Host {
  readonly files: Recording['files'] = {};
  readonly commands: Recording['commands'] = {};

  constructor(private readonly inner: Host) {}

  get name(): string {
    return this.inner.name;
  }

  async exec(file: string, args: readonly string[], opts?: ExecOptions): Promise<ExecResult> {
    const r = await this.inner.exec(file, args, opts);
    this.commands[commandKey(file, args)] = { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr, ...(r.spawnError ? { spawnError: r.spawnError } : {}) };
    return r;
  }

  async readFiles(paths: readonly string[], opts?: ReadOptions): Promise<FileRead[]> {
    const rs = await this.inner.readFiles(paths, opts);
    for (const r of rs) {
      if (!r.ok) this.files[r.path] = { error: r.error };
      // Probes only ask whether a module file exists: keep fixtures small.
      else if (/\.ko(\.(xz|gz|zst))?$/.test(r.path)) this.files[r.path] = { text: '' };
      else {
        const text = r.data.toString('utf8');
        this.files[r.path] = Buffer.from(text, 'utf8').equals(r.data) && !text.includes('\0') ? { text } : { base64: r.data.toString('base64') };
      }
    }
    return rs;
  }

  start(file: string, args: readonly string[], opts: StartOptions): Background {
    return this.inner.start(file, args, opts);
  }
}
