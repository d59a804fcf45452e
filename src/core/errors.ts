/** Exit codes are a contract: scripts and CI key on them. */
export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  environment: 3,
  sigint: 130,
  sigterm: 143,
} as const;

export type ErrorCode = 'usage' | 'environment' | 'failed' | 'internal';

/**
 * Every error mplsgre reports on purpose. `field` names the option or topology
 * field at fault (usage errors must set it); `exitCode` is what the CLI exits with.
 */
export class MplsgreError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: number;
  readonly field: string | undefined;

  constructor(code: ErrorCode, message: string, opts: { field?: string; cause?: unknown; exitCode?: number } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'MplsgreError';
    this.code = code;
    this.field = opts.field;
    this.exitCode =
      opts.exitCode ?? (code === 'usage' ? ExitCode.usage : code === 'failed' ? ExitCode.failed : ExitCode.environment);
  }

  /** Every problem found in one input when there was more than one; the first is `field`. */
  problems: readonly Problem[] | undefined;

  toJSON(): { code: ErrorCode; message: string; field?: string; exitCode: number; errors?: readonly Problem[] } {
    return {
      code: this.code, message: this.message, ...(this.field ? { field: this.field } : {}), exitCode: this.exitCode,
      ...(this.problems ? { errors: this.problems } : {}),
    };
  }
}

/** One error among several in one input: the field and the whole message (which starts with the field). */
export interface Problem {
  readonly field: string;
  readonly message: string;
}

/** Bad input: exit 2, the field named, nothing changed on the host. */
export class UsageError extends MplsgreError {
  constructor(field: string, message: string, cause?: unknown) {
    super('usage', `${field}: ${message}`, { field, cause });
    this.name = 'UsageError';
  }

  /**
   * One error for every problem in one input: the first keeps its field (consumers that read
   * one field still see the first problem), the message has one line per problem, and
   * `problems` lists them all.
   */
  static all(errors: readonly UsageError[]): UsageError {
    const [first] = errors;
    if (!first) throw new Error('UsageError.all needs at least one error');
    if (errors.length === 1) return first;
    const e = new UsageError(first.field ?? 'FILE', '', first);
    e.message = errors.map((x) => x.message).join('\n');
    e.problems = errors.map((x) => ({ field: x.field ?? 'FILE', message: x.message }));
    return e;
  }
}

/** The environment stopped the run (no such netns, cannot spawn, cannot read): exit 3. */
export class EnvironmentError extends MplsgreError {
  constructor(message: string, cause?: unknown) {
    super('environment', message, { cause });
    this.name = 'EnvironmentError';
  }
}
