import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Host } from '../host/host.js';

/** What `up` did to one host, so `down` (or a later `up` after a crash) can undo exactly that. */
export interface AppliedStep {
  readonly id: string;
  /** `changed`: this run's `do` ran; `already`: it was in effect before, so there is nothing to undo. */
  readonly outcome: 'changed' | 'already' | 'skipped';
  /** For sysctl writes: the value before the write. */
  readonly previous?: string;
  /** For modprobe: whether the module was loaded before. */
  readonly wasLoaded?: boolean;
  readonly detail?: string;
}

export interface HostState {
  readonly tunnel: string;
  readonly host: string;
  readonly target: string;
  readonly updatedAt: string;
  /** In the order they were applied. */
  readonly steps: readonly AppliedStep[];
}

/** Where a record's bytes go: this machine's files, or a host's through the Host seam. */
export interface StateBackend {
  /** undefined when there is no record. */
  read(path: string): Promise<string | undefined>;
  /** Atomic (temp file, then rename), mode 0600, in a directory created 0700. */
  write(path: string, content: string): Promise<void>;
  remove(path: string): Promise<void>;
}

/** This machine's file system (local and netns targets: a namespace shares it). */
export const localStateBackend: StateBackend = {
  async read(path) {
    try {
      return await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  },
  async write(path, content) {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, content, { mode: 0o600 });
    await rename(tmp, path);
  },
  async remove(path) {
    await rm(path, { force: true });
  },
};

/**
 * Writes stdin to $2 atomically: a temp file beside it, created 0600 (umask) and exclusively
 * (noclobber), then renamed over the record. Two processes (cat, mv) where the directory
 * exists: every step of `up` saves. Fixed, never built from input: the directory and path
 * arrive as positional arguments.
 */
export const WRITE_STATE_SCRIPT =
  'umask 077; [ -d "$1" ] || mkdir -p -- "$1" || exit 1; t="$2.$$.tmp"; if [ -e "$t" ]; then rm -f -- "$t"; fi; set -C; ' +
  'if cat >"$t" && mv -f -- "$t" "$2"; then exit 0; fi; rm -f -- "$t"; exit 1';

/** A path the remote's tools cannot read as an option. */
const safePath = (p: string): string => (p.startsWith('/') ? p : `./${p}`);

/**
 * The record on the host it describes (ssh targets): `down` from another machine, or after a
 * crash of this one, finds it there. Each call is one remote command.
 */
export function hostStateBackend(host: Host): StateBackend {
  const fail = (what: string, path: string, r: { stderr: string; exitCode: number | null; timedOut: boolean }): Error =>
    new Error(`${host.name}: cannot ${what} the state record ${path}: ${r.timedOut ? 'timed out' : r.stderr.trim() || `exit ${r.exitCode}`}`);
  return {
    async read(path) {
      const [f] = await host.readFiles([safePath(path)]);
      if (f?.ok) return f.data.toString('utf8');
      if (!f || f.error === 'ENOENT') return undefined;
      throw new Error(`${host.name}: cannot read the state record ${path}: ${f.error}`);
    },
    async write(path, content) {
      const p = safePath(path);
      const r = await host.exec('sh', ['-c', WRITE_STATE_SCRIPT, 'sh', dirname(p), p], { input: content, timeoutMs: 10_000 });
      if (r.failed) throw fail('write', path, r);
    },
    async remove(path) {
      const r = await host.exec('rm', ['-f', '--', safePath(path)], { timeoutMs: 10_000 });
      if (r.failed) throw fail('remove', path, r);
    },
  };
}

/**
 * Where the record of applied steps lives: one JSON file per tunnel and host, written
 * atomically after every step, so a run killed mid-way leaves a record the next run recovers from.
 * `backendFor` picks where each target's record is stored (default: this machine's files); the
 * file name always includes the target, so two namespaces sharing one file system never collide.
 */
export class StateStore {
  constructor(
    readonly dir: string = process.env.MPLSGRE_STATE_DIR ?? '/run/mplsgre',
    private readonly backendFor: (target: string) => StateBackend = () => localStateBackend,
  ) {}

  /** The record's file for a tunnel and target (on the target itself for remote hosts). */
  path(tunnel: string, target: string): string {
    return join(this.dir, `${tunnel}@${target.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
  }

  async load(tunnel: string, target: string): Promise<HostState | undefined> {
    const text = await this.backendFor(target).read(this.path(tunnel, target));
    return text === undefined ? undefined : (JSON.parse(text) as HostState);
  }

  async save(state: HostState): Promise<void> {
    await this.backendFor(state.target).write(this.path(state.tunnel, state.target), JSON.stringify(state, null, 1));
  }

  async remove(tunnel: string, target: string): Promise<void> {
    await this.backendFor(target).remove(this.path(tunnel, target));
  }
}

/** The store for hosts keyed by target: remote ones (ssh) keep their record on the host, the others here. */
export function stateStoreFor(hosts: ReadonlyMap<string, Host>, dir?: string): StateStore {
  const backends = new Map([...hosts].filter(([, host]) => host.remote).map(([target, host]) => [target, hostStateBackend(host)]));
  return new StateStore(dir, (target) => backends.get(target) ?? localStateBackend);
}
