import { accessSync, constants, readFileSync, statSync } from 'node:fs';
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

/**
 * A file named by an option must be a readable regular file of at most `maxBytes`: /dev/zero, a
 * FIFO or a huge file would be read forever or exhaust memory. Usage error naming `field` otherwise.
 */
export function requireSmallFile(path: string, field: string, maxBytes: number, what = 'a file'): void {
  if (path === '') throw new UsageError(field, 'empty path');
  try {
    accessSync(path, constants.R_OK);
  } catch (err) {
    throw new UsageError(field, `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const st = statSync(path);
  if (!st.isFile()) throw new UsageError(field, `${path} is not a regular file`);
  if (st.size > maxBytes) throw new UsageError(field, `${path} is ${st.size} bytes; ${what} is at most ${maxBytes}`);
}

/** requireSmallFile, then its bytes. */
export function readSmallFile(path: string, field: string, maxBytes: number, what?: string): Buffer {
  requireSmallFile(path, field, maxBytes, what);
  try {
    return readFileSync(path);
  } catch (err) {
    throw new UsageError(field, `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
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
