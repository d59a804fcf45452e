import { accessSync, constants } from 'node:fs';
import { tmpdir } from 'node:os';

/**
 * Where a run keeps its temporary files: /run (memory, private to a user-mode Linux guest, gone
 * at reboot) when it is writable, else the system's temporary folder.
 */
export function runtimeDir(): string {
  try {
    accessSync('/run', constants.W_OK);
    return '/run';
  } catch {
    return tmpdir();
  }
}
