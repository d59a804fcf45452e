import { dirname, basename, join } from 'node:path';
import { MplsgreError, UsageError } from '../core/errors.js';

export const SCHEMA_VERSION = 1;

/** The one document `--json` prints: `{schemaVersion, command, result, error}`. */
export function jsonDocument(command: string, result: unknown, error: MplsgreError | null): string {
  return JSON.stringify({ schemaVersion: SCHEMA_VERSION, command, result, error: error ? error.toJSON() : null }, replacer, 2) + '\n';
}

/** bigint is not JSON: capabilities are printed as hex strings. */
function replacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? `0x${value.toString(16)}` : value;
}

/** Writes via a temporary file and a rename, so a reader never sees half a file. */
export async function writeAtomic(path: string, text: string, field = '--out'): Promise<void> {
  // Loaded here, not at start-up: only writing commands pay for fs/promises.
  const { rename, writeFile } = process.getBuiltinModule('node:fs/promises');
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    await writeFile(tmp, text);
    await rename(tmp, path);
  } catch (err) {
    throw new UsageError(field, `cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, err);
  }
}
