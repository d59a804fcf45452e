import type { ExecResult } from './host.js';
import { execVersionQuery } from './spawn-light.js';

const started = new Map<string, Promise<ExecResult>>();
const key = (file: string, args: readonly string[]): string => [file, ...args].join('\0');

/**
 * Starts a read-only command before the modules that want its output have even loaded, so the
 * child runs while Node compiles them. Only for commands whose output cannot depend on when
 * they run within one invocation (tool versions).
 */
export function prefetch(file: string, args: readonly string[], opts: { readonly timeoutMs: number }): void {
  if (!started.has(key(file, args))) started.set(key(file, args), execVersionQuery(file, args, opts.timeoutMs));
}

/** The prefetched result for exactly this argv, once; undefined when none was started. */
export function takePrefetched(file: string, args: readonly string[]): Promise<ExecResult> | undefined {
  const p = started.get(key(file, args));
  if (p) started.delete(key(file, args));
  return p;
}
