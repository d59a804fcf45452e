import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

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

/**
 * Where the record of applied steps lives: one JSON file per tunnel and host, written
 * atomically after every step, so a run killed mid-way leaves a record the next run recovers from.
 */
export class StateStore {
  constructor(readonly dir: string = process.env.MPLSGRE_STATE_DIR ?? '/run/mplsgre') {}

  private path(tunnel: string, target: string): string {
    return join(this.dir, `${tunnel}@${target.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
  }

  async load(tunnel: string, target: string): Promise<HostState | undefined> {
    try {
      return JSON.parse(await readFile(this.path(tunnel, target), 'utf8')) as HostState;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async save(state: HostState): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const p = this.path(state.tunnel, state.target);
    const tmp = `${p}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(state, null, 1), { mode: 0o600 });
    await rename(tmp, p);
  }

  async remove(tunnel: string, target: string): Promise<void> {
    await rm(this.path(tunnel, target), { force: true });
  }
}
