import { ExitCode, MplsgreError } from '../core/errors.js';

export const SIGNAL_EXIT: Record<string, number> = { SIGINT: ExitCode.sigint, SIGTERM: ExitCode.sigterm };

export interface Interruptible {
  readonly signal: AbortSignal;
  /** The first signal received, if any. */
  interrupted(): string | undefined;
  dispose(): void;
}

/**
 * Ctrl-C and SIGTERM abort the command instead of killing the process: its cleanup (rollback,
 * stopping captures, removing temporary files) runs before it exits 130 or 143.
 */
export function interruptible(): Interruptible {
  const controller = new AbortController();
  let got: string | undefined;
  const on = (sig: NodeJS.Signals): void => {
    got ??= sig;
    controller.abort(new MplsgreError('environment', `interrupted by ${sig}`, { exitCode: SIGNAL_EXIT[sig] ?? 1 }));
  };
  process.on('SIGINT', on);
  process.on('SIGTERM', on);
  return {
    signal: controller.signal,
    interrupted: () => got,
    dispose: () => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
    },
  };
}
