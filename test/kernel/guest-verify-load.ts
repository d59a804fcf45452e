import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseTopology } from '../../src/core/topology.js';
import { createLabNetwork } from '../../src/engine/underlay.js';
import type { VerifyResult } from '../../src/engine/verify.js';
import { execLocal } from '../../src/host/spawn.js';
import { SEED } from './guest-tunnel.js';

export interface LoadRun {
  readonly count: number;
  readonly interval: string;
  readonly code: number | null;
  readonly result: VerifyResult | undefined;
  readonly stderr: string;
  /** peak resident set of the mplsgre process in KiB, and its wall time, from GNU time. */
  readonly maxRssKb?: number;
  readonly wallS?: number;
}

/**
 * Runs inside user-mode Linux: the seed setup in two namespaces, `up`, then one `verify` per
 * count at `interval` (mtu probes off: they send a handful of pings whatever the count), each
 * under GNU time when it is installed, then `down`.
 */
export async function verifyLoad(input: { root: string; counts: number[]; interval: string }): Promise<{ runs: LoadRun[]; kernel: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'mplsgre-kload-'));
  const env = { MPLSGRE_STATE_DIR: join(dir, 'state') };
  const bin = join(input.root, 'bin', 'mplsgre.js');
  const timed = existsSync('/usr/bin/time');
  await execLocal('modprobe', ['ipv6'], { timeoutMs: 10_000 });
  const net = await createLabNetwork(parseTopology(SEED));
  const runs: LoadRun[] = [];
  try {
    const [nsA, nsB] = [...net.namespaces.values()] as [string, string];
    const file = join(dir, 'seed.yaml');
    await writeFile(file, SEED.replace(/target: local/, `target: netns:${nsA}`).replace(/target: local/, `target: netns:${nsB}`));
    const up = await execLocal(process.execPath, [bin, 'up', file, '--json'], { timeoutMs: 60_000, env });
    if (up.exitCode !== 0) throw new Error(`up failed: ${up.stdout}${up.stderr}`);
    for (const count of input.counts) {
      const argv = [process.execPath, bin, 'verify', file, '--count', String(count), '--interval', input.interval, '--no-mtu', '--no-tcp', '--json'];
      const r = timed
        ? await execLocal('/usr/bin/time', ['-f', 'MAXRSS %M WALL %e', ...argv], { timeoutMs: 600_000, env })
        : await execLocal(argv[0]!, argv.slice(1), { timeoutMs: 600_000, env });
      let result: VerifyResult | undefined;
      try {
        result = (JSON.parse(r.stdout) as { result: VerifyResult }).result;
      } catch {
        result = undefined;
      }
      const m = /MAXRSS (\d+) WALL ([\d.]+)/.exec(r.stderr);
      runs.push({ count, interval: input.interval, code: r.exitCode, result, stderr: (result ? '' : r.stdout.slice(-2000)) + r.stderr.slice(-2000), ...(m ? { maxRssKb: Number(m[1]), wallS: Number(m[2]) } : {}) });
    }
    await execLocal(process.execPath, [bin, 'down', file, '--json'], { timeoutMs: 60_000, env });
  } finally {
    await net.destroy();
    await rm(dir, { recursive: true, force: true });
  }
  const uname = await execLocal('uname', ['-r'], { timeoutMs: 5_000 });
  return { runs, kernel: uname.stdout.trim() };
}

/** The kernel tier's run: enough pings to show exact counting at speed, few enough for CI. */
export const KERNEL_TIER_COUNT = 2_000;

export function verifyLoadKernelTier(input: { root: string }): Promise<{ runs: LoadRun[]; kernel: string }> {
  return verifyLoad({ root: input.root, counts: [KERNEL_TIER_COUNT], interval: '0' });
}
