import { accessSync, constants, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import type { ExecResult } from './host.js';

/**
 * Remembers what a version query (`ip -V`, `tcpdump --version`) printed, keyed by the identity
 * of the binary that printed it: resolved path, device, inode, size, mtime and ctime. Installing,
 * upgrading, replacing or relinking the binary changes one of those, and the next run asks it
 * again. Spawning the two queries costs `mplsgre check` more than everything else it does
 * together (bench/check.bench.ts); a stat per binary costs microseconds.
 *
 * The file lives in $MPLSGRE_CACHE_DIR, else $XDG_CACHE_HOME/mplsgre, else ~/.cache/mplsgre;
 * MPLSGRE_TOOL_CACHE=off turns it off. A cache that cannot be read or written is no cache: the
 * command runs as if there were none.
 */

/** What identifies the file a command name resolves to. */
export interface BinaryIdentity {
  readonly path: string;
  readonly dev: number;
  readonly ino: number;
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
}

interface Entry {
  readonly binary: BinaryIdentity;
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** When the command last ran (ISO 8601). */
  readonly at: string;
}

interface CacheFile {
  readonly version: 1;
  readonly entries: Record<string, Entry>;
}

/** A cached answer, with where it came from for the evidence. */
export interface CachedRun {
  readonly result: ExecResult;
  readonly binary: BinaryIdentity;
  readonly at: string;
}

/** Bigger than any honest cache: a file past this is ignored, never parsed. */
const MAX_CACHE_BYTES = 256 * 1024;

/** The file `file` names when run through PATH, as execvp would find it. */
export function resolveCommand(file: string, path = process.env.PATH ?? ''): string | undefined {
  const candidates = file.includes('/') ? [file] : path.split(delimiter).filter((d) => isAbsolute(d)).map((d) => join(d, file));
  for (const c of candidates) {
    try {
      // No exception per directory that lacks the file (each costs more than the stat); a
      // directory we may not search (EACCES) or a file we may not run is passed, as execvp does.
      if (!statSync(c, { throwIfNoEntry: false })?.isFile()) continue;
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // next directory
    }
  }
  return undefined;
}

export function identify(path: string): BinaryIdentity | undefined {
  try {
    const s = statSync(path);
    return { path, dev: s.dev, ino: s.ino, size: s.size, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs };
  } catch {
    return undefined;
  }
}

const sameBinary = (a: BinaryIdentity, b: BinaryIdentity): boolean =>
  a.path === b.path && a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs;

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.MPLSGRE_TOOL_CACHE === 'off') return undefined;
  if (env.MPLSGRE_CACHE_DIR) return env.MPLSGRE_CACHE_DIR;
  if (env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME)) return join(env.XDG_CACHE_HOME, 'mplsgre');
  return env.HOME && isAbsolute(env.HOME) ? join(env.HOME, '.cache', 'mplsgre') : undefined;
}

const isIdentity = (x: unknown): x is BinaryIdentity => {
  const b = x as Record<string, unknown> | null;
  return typeof b === 'object' && b !== null && typeof b.path === 'string' &&
    ['dev', 'ino', 'size', 'mtimeMs', 'ctimeMs'].every((k) => typeof b[k] === 'number');
};

const isEntry = (x: unknown): x is Entry => {
  const e = x as Record<string, unknown> | null;
  return typeof e === 'object' && e !== null && isIdentity(e.binary) && typeof e.exitCode === 'number' &&
    typeof e.stdout === 'string' && typeof e.stderr === 'string' && typeof e.at === 'string';
};

export class ToolCache {
  private entries: Record<string, Entry> | undefined;
  private readonly binaries = new Map<string, BinaryIdentity | undefined>();

  /** `dir` undefined: no cache (every lookup misses, nothing is written). */
  constructor(readonly dir: string | undefined = defaultCacheDir()) {}

  private get file(): string | undefined {
    return this.dir === undefined ? undefined : join(this.dir, 'tools.json');
  }

  private load(): Record<string, Entry> {
    if (this.entries) return this.entries;
    this.entries = {};
    if (!this.file) return this.entries;
    try {
      if (statSync(this.file).size > MAX_CACHE_BYTES) return this.entries;
      const doc = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<CacheFile>;
      if (doc.version === 1 && typeof doc.entries === 'object' && doc.entries !== null) {
        for (const [k, v] of Object.entries(doc.entries)) if (isEntry(v)) this.entries[k] = v;
      }
    } catch {
      // absent or unreadable: start empty
    }
    return this.entries;
  }

  /** The binary `file` resolves to, taken once per process: before the command first runs. */
  private identityOf(file: string): BinaryIdentity | undefined {
    if (!this.binaries.has(file)) {
      const path = resolveCommand(file);
      this.binaries.set(file, path === undefined ? undefined : identify(path));
    }
    return this.binaries.get(file);
  }

  /** The remembered run of exactly this argv, if the binary is the one that produced it. */
  lookup(file: string, args: readonly string[]): CachedRun | undefined {
    const entry = this.load()[key(file, args)];
    const binary = this.identityOf(file);
    if (!entry || !binary || !sameBinary(binary, entry.binary)) return undefined;
    return {
      result: { argv: [file, ...args], exitCode: entry.exitCode, signal: null, stdout: entry.stdout, stderr: entry.stderr, failed: false, timedOut: false, durationMs: 0 },
      binary: entry.binary,
      at: entry.at,
    };
  }

  /**
   * Remembers a successful run, under the binary's identity as taken before it ran; if the file
   * changed since, the answer is not kept. Written atomically; failures are ignored.
   */
  store(file: string, args: readonly string[], r: ExecResult, at = new Date()): void {
    const before = this.identityOf(file);
    if (r.failed || r.exitCode !== 0 || !this.file || !before) return;
    const after = identify(before.path);
    if (!after || !sameBinary(before, after)) return;
    const entries = { ...this.load(), [key(file, args)]: { binary: before, exitCode: 0, stdout: r.stdout, stderr: r.stderr, at: at.toISOString() } };
    this.entries = entries;
    const doc: CacheFile = { version: 1, entries };
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
      writeFileSync(tmp, JSON.stringify(doc), { mode: 0o600 });
      renameSync(tmp, this.file);
    } catch {
      // read-only home, full disk: the next run asks the binary again
    }
  }
}

const key = (file: string, args: readonly string[]): string => JSON.stringify([file, ...args]);

let shared: ToolCache | undefined;

/** The process' cache, in the default place. */
export function toolCache(): ToolCache {
  return (shared ??= new ToolCache());
}
