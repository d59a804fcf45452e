import { expect } from 'chai';
import { join } from 'node:path';
import { execLocal } from '../../src/host/spawn.js';
import { ROOT } from './fixtures.js';

const BIN = join(ROOT, 'bin', 'mplsgre.js');

/** setpriv's prefix that runs a command as nobody, with no supplementary groups. */
export const NOBODY = ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', '--'];

export interface Run { code: number | null; stdout: string; stderr: string }

/** The real CLI run behind `prefix` (setpriv: another user, capabilities dropped), 60 s at most. */
export async function as(prefix: readonly string[], args: readonly string[], env: Record<string, string>): Promise<Run> {
  const [file, ...rest] = [...prefix, process.execPath, BIN, ...args];
  const r = await execLocal(file!, rest, { timeoutMs: 60_000, env });
  expect(r.spawnError, `${file} did not start`).to.equal(undefined);
  return { code: r.exitCode, stdout: r.stdout, stderr: r.stderr };
}
