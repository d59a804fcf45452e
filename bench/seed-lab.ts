import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downCommand } from '../src/commands/down.js';
import { upCommand } from '../src/commands/up.js';
import { parseTopology } from '../src/core/topology.js';
import { StateStore } from '../src/engine/state.js';
import { createLabNetwork } from '../src/engine/underlay.js';
import { execLocal } from '../src/host/spawn.js';

const SEED = `tunnel: { name: foo4, overlay: 10.199.0.0/24 }
hosts:
  A: { target: local, underlay: 10.128.0.2, overlay: 10.199.0.1, label: 100 }
  B: { target: local, underlay: 10.128.100.2, overlay: 10.199.0.2, label: 101 }
`;

/** The seed as a guest bench uses it: its file, its two namespaces, its state, the environment a CLI child needs. */
export interface SeedLab {
  readonly file: string;
  readonly nsA: string;
  readonly nsB: string;
  readonly store: StateStore;
  readonly env: NodeJS.ProcessEnv;
  readonly kernel: string;
}

/**
 * Runs `measure` inside user-mode Linux on the seed (or `topology`, its targets `local`) set up by the real `up` in two fresh
 * namespaces (state and tool cache in a private directory, also set in this process's
 * environment for in-process commands), then `down` and everything removed, whatever happens.
 */
export async function withSeedLab<T>(prefix: string, measure: (lab: SeedLab) => Promise<T>, topology = SEED): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), `mplsgre-${prefix}-`));
  process.env.MPLSGRE_STATE_DIR = join(dir, 'state');
  process.env.MPLSGRE_CACHE_DIR = join(dir, 'cache');
  const env = { ...process.env };
  await execLocal('modprobe', ['ipv6'], { timeoutMs: 20_000 });
  const net = await createLabNetwork(parseTopology(topology));
  try {
    const [nsA, nsB] = [...net.namespaces.values()] as [string, string];
    const file = join(dir, 'seed.yaml');
    await writeFile(file, topology.replace(/target: local/, `target: netns:${nsA}`).replace(/target: local/, `target: netns:${nsB}`));
    const store = new StateStore(process.env.MPLSGRE_STATE_DIR);
    const up = await upCommand({ file, store });
    if (!up.ok) throw new Error(`up failed: ${up.failure?.message}`);
    const kernel = (await readFile('/proc/sys/kernel/osrelease', 'utf8')).trim();
    const out = await measure({ file, nsA, nsB, store, env, kernel });
    await downCommand({ file, store });
    return out;
  } finally {
    await net.destroy();
    await rm(dir, { recursive: true, force: true });
  }
}
