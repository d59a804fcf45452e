import { join } from 'node:path';
import { execLocal } from '../../src/host/spawn.js';
import { enterState, KERNEL_STATES, leaveState } from '../../scripts/kernel-states.js';

export interface GuestCheckRun {
  readonly state: string;
  readonly argv: string[];
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs inside user-mode Linux: the real CLI, once per kernel state. */
export async function checkEveryState(input: { root: string }): Promise<GuestCheckRun[]> {
  const runs: GuestCheckRun[] = [];
  for (const state of KERNEL_STATES) {
    await enterState(state);
    const argv = [
      join(input.root, 'bin', 'mplsgre.js'), 'check', '--json', '--iface', state.iface, '--labels', state.labels.join(','),
      ...(state.netns ? ['--netns', state.netns] : []),
      ...(state.kernelConfig ? ['--kernel-config', state.kernelConfig] : []),
    ];
    const r = await execLocal(process.execPath, argv, { timeoutMs: 30_000 });
    runs.push({ state: state.name, argv, code: r.exitCode, stdout: r.stdout, stderr: r.stderr });
    await leaveState(state);
  }
  return runs;
}
