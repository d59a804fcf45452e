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

  toJSON(): { code: ErrorCode; message: string; field?: string; exitCode: number } {
    return { code: this.code, message: this.message, ...(this.field ? { field: this.field } : {}), exitCode: this.exitCode };
  }
}

/** Bad input: exit 2, the field named, nothing changed on the host. */
export class UsageError extends MplsgreError {
  constructor(field: string, message: string, cause?: unknown) {
    super('usage', `${field}: ${message}`, { field, cause });
    this.name = 'UsageError';
  }
}

/** The environment stopped the run (no such netns, cannot spawn, cannot read): exit 3. */
export class EnvironmentError extends MplsgreError {
  constructor(message: string, cause?: unknown) {
    super('environment', message, { cause });
    this.name = 'EnvironmentError';
  }
}
