import type { BatchAnswers, ExecOptions, ExecResult, FileRead, Host } from '../host/host.js';

export interface ProbeOptions {
  /** The tunnel interface to examine (`--iface`). */
  readonly iface?: string;
  /** Labels in use (`--labels`). */
  readonly labels: readonly number[];
  /** A kernel config file that overrides the ones the kernel publishes (`--kernel-config`). */
  readonly kernelConfig?: string;
  /** Traffic classes are wanted here (`--classes`): their checks read and judge; else they skip without a read. */
  readonly classes?: boolean;
  /** The target as the state records name it (`local`, `netns:NAME`); default: the host's name. */
  readonly target?: string;
}

/**
 * What checks gather facts through. Reads issued in the same tick are sent to the host as one
 * batch (one remote command for netns or ssh hosts); every read and command is memoised, so
 * checks that share a probe cost it once. prime() hands in answers gathered ahead (a host's
 * batch of a whole read plan): what they hold is never asked of the host again.
 */
export class ProbeContext {
  private readonly files = new Map<string, Promise<FileRead>>();
  private readonly commands = new Map<string, Promise<ExecResult>>();
  private readonly memo = new Map<string, Promise<unknown>>();
  private readonly access = new Map<string, Promise<FileRead>>();
  private queue: { path: string; resolve: (r: FileRead) => void }[] = [];

  constructor(
    readonly host: Host,
    readonly options: ProbeOptions,
  ) {}

  /** Seeds the memo with a batch's answers; call before any read. */
  prime(answers: BatchAnswers): void {
    for (const f of answers.files) if (!this.files.has(f.path)) this.files.set(f.path, Promise.resolve(f));
    for (const c of answers.commands) {
      const key = [c.file, ...c.args].join('\0');
      if (!this.commands.has(key)) this.commands.set(key, Promise.resolve(c.result));
    }
    for (const f of answers.readable) if (!this.access.has(f.path)) this.access.set(f.path, Promise.resolve(f));
  }

  /** Whether a file is readable (`data` may be empty): a batch answers this without the content. */
  readable(path: string): Promise<FileRead> {
    return this.access.get(path) ?? this.read(path);
  }

  read(path: string): Promise<FileRead> {
    let p = this.files.get(path);
    if (!p) {
      p = new Promise<FileRead>((resolve) => {
        if (this.queue.length === 0) queueMicrotask(() => void this.flush());
        this.queue.push({ path, resolve });
      });
      this.files.set(path, p);
    }
    return p;
  }

  async text(path: string): Promise<string | undefined> {
    const r = await this.read(path);
    return r.ok ? r.data.toString('utf8') : undefined;
  }

  exec(file: string, args: readonly string[], opts?: ExecOptions): Promise<ExecResult> {
    const key = [file, ...args].join('\0');
    let p = this.commands.get(key);
    if (!p) {
      p = this.host.exec(file, args, { timeoutMs: 5_000, ...opts });
      this.commands.set(key, p);
    }
    return p;
  }

  /** Runs `fn` once per key for the life of this context. */
  once<T>(key: string, fn: () => Promise<T>): Promise<T> {
    let p = this.memo.get(key) as Promise<T> | undefined;
    if (!p) {
      p = fn();
      this.memo.set(key, p);
    }
    return p;
  }

  private async flush(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    try {
      const results = await this.host.readFiles(batch.map((b) => b.path));
      batch.forEach((b, i) => b.resolve(results[i] ?? { path: b.path, ok: false, error: 'EIO' }));
    } catch (err) {
      for (const b of batch) b.resolve({ path: b.path, ok: false, error: String((err as Error).message ?? err) });
    }
  }
}
