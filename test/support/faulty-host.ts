import type { Plan, Step } from '../../src/core/planner.js';
import type { Background, ExecOptions, ExecResult, FileRead, Host, ReadOptions, StartOptions } from '../../src/host/host.js';

/**
 * How the k-th mutating command goes wrong:
 * - `fails`: it does not run and exits non-zero with the stderr the real tool prints for a
 *   transient kernel refusal;
 * - `times-out`: it does not run and the caller sees a timeout;
 * - `times-out-after-change`: it runs (the kernel makes the change) and the caller still sees a
 *   timeout, as when a slow transport gives up on a command that went through.
 */
export type FaultKind = 'fails' | 'times-out' | 'times-out-after-change';
export const FAULT_KINDS: readonly FaultKind[] = ['fails', 'times-out', 'times-out-after-change'];

/** The argv each step's `do` runs (actions.ts runs sysctl writes and module loads as these). */
export function doArgv(step: Step): readonly string[] {
  const a = step.do;
  switch (a.kind) {
    case 'exec': return a.argv;
    case 'sysctl-write': return ['sysctl', '-w', `${a.key}=${a.value}`];
    case 'modprobe': return ['modprobe', a.module];
    default: return [];
  }
}

/** Every `do` argv of a plan, as keys: a command is mutating when its argv is one of them. */
export const mutatingArgvs = (plan: Plan): Set<string> => new Set(plan.hosts.flatMap((h) => h.steps.map((s) => JSON.stringify(doArgv(s)))));

/** What the real tools print when the kernel refuses for lack of memory: a failure any step can meet. */
export function realisticStderr(argv: readonly string[]): { stderr: string; exitCode: number } {
  const [file, ...args] = argv;
  if (file === 'modprobe') return { stderr: `modprobe: ERROR: could not insert '${args[0]}': Cannot allocate memory\n`, exitCode: 1 };
  if (file === 'sysctl') return { stderr: `sysctl: setting key "${(args[1] ?? '').split('=')[0]}": Cannot allocate memory\n`, exitCode: 255 };
  return { stderr: 'RTNETLINK answers: Cannot allocate memory\n', exitCode: 2 };
}

/**
 * A Host that passes everything through to `inner` except the `at`-th mutating exec (counted
 * from 1), which goes wrong as `kind` says. Reads, checks and undos are never faulted.
 */
export class FaultyHost implements Host {
  readonly name: string;
  /** Mutating execs seen so far. */
  mutations = 0;
  /** The argv that was faulted, once it was. */
  faulted: readonly string[] | undefined;

  constructor(
    readonly inner: Host,
    readonly mutating: ReadonlySet<string>,
    readonly fault?: { readonly at: number; readonly kind: FaultKind },
  ) {
    this.name = inner.name;
  }

  async exec(file: string, args: readonly string[], opts?: ExecOptions): Promise<ExecResult> {
    const argv = [file, ...args];
    if (!this.mutating.has(JSON.stringify(argv))) return this.inner.exec(file, args, opts);
    this.mutations++;
    if (!this.fault || this.mutations !== this.fault.at || this.faulted) return this.inner.exec(file, args, opts);
    this.faulted = argv;
    const base = { argv, stdout: '', durationMs: 0, failed: true } as const;
    switch (this.fault.kind) {
      case 'fails':
        return { ...base, ...realisticStderr(argv), signal: null, timedOut: false };
      case 'times-out':
        return { ...base, stderr: '', exitCode: null, signal: 'SIGKILL', timedOut: true };
      case 'times-out-after-change': {
        const r = await this.inner.exec(file, args, opts);
        return { ...r, exitCode: null, signal: 'SIGKILL', timedOut: true, failed: true };
      }
    }
  }

  readFiles(paths: readonly string[], opts?: ReadOptions): Promise<FileRead[]> {
    return this.inner.readFiles(paths, opts);
  }

  start(file: string, args: readonly string[], opts: StartOptions): Background {
    return this.inner.start(file, args, opts);
  }
}
