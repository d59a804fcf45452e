import { isInEffect, sysctlProcPath, type Action, type Step } from '../core/planner.js';
import type { Host } from '../host/host.js';
import { ProbeContext } from '../probes/context.js';
import { moduleFacts } from '../probes/modules.js';
import type { AppliedStep } from './state.js';

const STEP_TIMEOUT_MS = 15_000;

/** A failed command, as data: what ran and what it said. */
export class StepError extends Error {
  constructor(
    readonly argv: readonly string[],
    readonly stderr: string,
    readonly exitCode: number | null,
  ) {
    super(`${argv.length ? `${argv.join(' ')}: ` : ''}${stderr.trim() || (exitCode === null ? 'did not run' : `exit ${exitCode}`)}`);
    this.name = 'StepError';
  }
}

async function run(host: Host, argv: readonly string[]): Promise<string> {
  const [file, ...args] = argv;
  const r = await host.exec(file!, args, { timeoutMs: STEP_TIMEOUT_MS });
  if (r.failed) throw new StepError(argv, r.timedOut ? `timed out after ${STEP_TIMEOUT_MS} ms` : (r.stderr || r.spawnError || ''), r.exitCode);
  return r.stdout;
}

async function readSysctl(host: Host, key: string): Promise<string | undefined> {
  const [r] = await host.readFiles([sysctlProcPath(key)]);
  return r?.ok ? r.data.toString('utf8').trim() : undefined;
}

/**
 * Whether a step is in effect already. Module steps ask the module probe (loaded or built in);
 * `sysctl -n KEY` checks read /proc/sys instead of spawning sysctl.
 */
export async function inEffect(host: Host, step: Step): Promise<boolean> {
  if (step.do.kind === 'modprobe') {
    const f = await moduleFacts(new ProbeContext(host, { labels: [] }), step.do.module);
    return f.state === 'loaded' || f.state === 'builtin';
  }
  const check = step.check;
  if (!check) return false;
  const [file, ...args] = check.argv;
  if (file === 'sysctl' && args[0] === '-n' && args.length === 2) {
    const value = await readSysctl(host, args[1]!);
    return value !== undefined && isInEffect(check, { exitCode: 0, stdout: value });
  }
  const r = await host.exec(file!, args, { timeoutMs: STEP_TIMEOUT_MS });
  return isInEffect(check, r);
}

const sysctlCheckKey = (step: Step): string | undefined => {
  if (step.do.kind === 'modprobe' || !step.check) return undefined;
  const [file, ...args] = step.check.argv;
  return file === 'sysctl' && args[0] === '-n' && args.length === 2 ? args[1] : undefined;
};

/** What a step's check found: in effect or not, or why it could not tell (a read that timed out, a probe that failed). */
export type StepReading = { readonly inEffect: boolean } | { readonly unknown: string };

/** A check's command that ran and answered (any exit status) tells; one that timed out, was killed or could not start does not. */
function execReading(step: Step, r: { exitCode: number | null; stdout: string; timedOut: boolean; spawnError?: string; signal: string | null; stderr: string }): StepReading {
  if (r.timedOut) return { unknown: `${step.check!.argv.join(' ')}: timed out after ${STEP_TIMEOUT_MS} ms` };
  if (r.spawnError !== undefined || r.exitCode === null) return { unknown: `${step.check!.argv.join(' ')}: ${r.spawnError ?? `killed (${r.signal ?? 'signal'})`}` };
  return { inEffect: isInEffect(step.check!, r) };
}

/**
 * Whether each of one host's steps is in effect, as `inEffect` decides, with fewer processes:
 * the `sysctl -n KEY` checks go to the host as one batched read, and the module checks share one
 * probe context (one batch of reads). A check that could not run says why instead of guessing:
 * an absent sysctl file is "not in effect" (a fresh host), a read that failed otherwise is unknown.
 */
export async function readStepsOn(host: Host, steps: readonly Step[]): Promise<StepReading[]> {
  const keys = steps.map(sysctlCheckKey);
  const paths = [...new Set(keys.filter((k): k is string => k !== undefined).map(sysctlProcPath))];
  const files = paths.length ? await host.readFiles(paths).catch((err: unknown) => paths.map((path) => ({ path, ok: false as const, error: err instanceof Error ? err.message : String(err) }))) : [];
  const byPath = new Map(files.map((f) => [f.path, f]));
  const modules = new ProbeContext(host, { labels: [] });
  return Promise.all(steps.map(async (step, i): Promise<StepReading> => {
    const key = keys[i];
    if (step.do.kind === 'modprobe') {
      const f = await moduleFacts(modules, step.do.module).catch((err: unknown) => ({ state: 'unknown' as const, reason: err instanceof Error ? err.message : String(err) }));
      if (f.state === 'unknown') return { unknown: `module ${step.do.module}: ${f.reason}` };
      return { inEffect: f.state === 'loaded' || f.state === 'builtin' };
    }
    if (key === undefined) {
      if (!step.check) return { inEffect: false };
      const [file, ...args] = step.check.argv;
      return host.exec(file!, args, { timeoutMs: STEP_TIMEOUT_MS }).then((r) => execReading(step, r), (err: unknown) => ({ unknown: err instanceof Error ? err.message : String(err) }));
    }
    const f = byPath.get(sysctlProcPath(key));
    if (f?.ok) return { inEffect: isInEffect(step.check!, { exitCode: 0, stdout: f.data.toString('utf8').trim() }) };
    if (!f || f.error === 'ENOENT') return { inEffect: false };
    return { unknown: `${sysctlProcPath(key)}: ${f.error}` };
  }));
}

/** `readStepsOn` for `up`: a step whose check could not tell is run (its `do` then says what is wrong). */
export async function stepsInEffectOn(host: Host, steps: readonly Step[]): Promise<boolean[]> {
  return (await readStepsOn(host, steps)).map((r) => 'inEffect' in r && r.inEffect);
}

/**
 * What a step's undo will need, read before its `do` runs (the value a sysctl had, whether a
 * module was loaded), so it can be recorded before the change. Throws StepError when the step
 * cannot run.
 */
export async function prepareAction(host: Host, action: Action): Promise<Pick<AppliedStep, 'previous' | 'wasLoaded'>> {
  switch (action.kind) {
    case 'exec':
      return {};
    case 'sysctl-write': {
      const previous = await readSysctl(host, action.key);
      if (previous === undefined) throw new StepError(['sysctl', '-w', `${action.key}=${action.value}`], `sysctl: cannot stat ${sysctlProcPath(action.key)}: No such file or directory`, 255);
      return { previous };
    }
    case 'modprobe':
      return { wasLoaded: false };
    case 'sysctl-restore':
    case 'module-unload-if-loaded-by-us':
      throw new Error(`${action.kind} is an undo action`);
  }
}

/** Runs a step's `do`. Throws StepError on failure. */
export async function runAction(host: Host, action: Action): Promise<void> {
  switch (action.kind) {
    case 'exec':
      await run(host, action.argv);
      return;
    case 'sysctl-write':
      await run(host, ['sysctl', '-w', `${action.key}=${action.value}`]);
      return;
    case 'modprobe':
      await run(host, ['modprobe', action.module]);
      return;
    case 'sysctl-restore':
    case 'module-unload-if-loaded-by-us':
      throw new Error(`${action.kind} is an undo action`);
  }
}

/** Runs a step's undo given what its `do` recorded. Returns a note when there was nothing to do. */
export async function undoAction(host: Host, step: Step, record: AppliedStep): Promise<string | undefined> {
  const undo = step.undo;
  if (!undo) return step.undoNote ?? 'nothing to undo';
  switch (undo.kind) {
    case 'exec':
      try {
        await run(host, undo.argv);
        return undefined;
      } catch (err) {
        // Gone already (deleted by hand, or with its namespace): the undo's goal holds.
        if (step.check && !(await inEffect(host, step).catch(() => true))) return 'already absent';
        throw err;
      }
    case 'sysctl-restore': {
      if (record.previous === undefined) return 'no previous value recorded';
      const now = await readSysctl(host, undo.key);
      if (now === undefined) return `${undo.key} no longer exists`;
      await run(host, ['sysctl', '-w', `${undo.key}=${record.previous}`]);
      return undefined;
    }
    case 'module-unload-if-loaded-by-us': {
      if (record.wasLoaded !== false) return 'was loaded before; left loaded';
      const f = await moduleFacts(new ProbeContext(host, { labels: [] }), undo.module);
      if (f.state !== 'loaded') return 'not loaded';
      // Another namespace or tunnel may still use it: unloading is best effort.
      const r = await host.exec('modprobe', ['-r', undo.module], { timeoutMs: STEP_TIMEOUT_MS });
      return r.failed ? `left loaded: ${r.stderr.trim()}` : undefined;
    }
    case 'modprobe':
    case 'sysctl-write':
      throw new Error(`${undo.kind} is not an undo action`);
  }
}
