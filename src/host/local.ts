import { readFileSync } from 'node:fs';
import type { Background, ExecOptions, ExecResult, FileRead, Host, StartOptions } from './host.js';
import { takePrefetched } from './prefetch.js';
import { execLocal, startLocal } from './spawn.js';
import { toolCache } from './tool-cache.js';

/** This machine, in the current network namespace. */
export class LocalHost implements Host {
  readonly name: string = 'local';

  exec(file: string, args: readonly string[], opts?: ExecOptions): Promise<ExecResult> {
    if (!opts?.cacheable) return takePrefetched(file, args) ?? execLocal(file, args, opts);
    const cache = toolCache();
    const hit = cache.lookup(file, args);
    if (hit) return Promise.resolve({ ...hit.result, cached: { path: hit.binary.path, at: hit.at } });
    return (takePrefetched(file, args) ?? execLocal(file, args, opts)).then((r) => {
      cache.store(file, args, r);
      return r;
    });
  }

  readFiles(paths: readonly string[]): Promise<FileRead[]> {
    return Promise.all(paths.map((p) => readLocal(p)));
  }

  start(file: string, args: readonly string[], opts: StartOptions): Background {
    return startLocal(file, args, opts);
  }
}

/**
 * Synchronous on purpose: /proc and /sys files are tiny and answered from memory, and a
 * thread-pool round trip per file costs more than the read (bench/check.bench.ts).
 */
export async function readLocal(path: string): Promise<FileRead> {
  try {
    return { path, ok: true, data: readFileSync(path) };
  } catch (err) {
    return { path, ok: false, error: (err as NodeJS.ErrnoException).code ?? String(err) };
  }
}
