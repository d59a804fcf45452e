import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { statusCommand } from '../../src/commands/status.js';
import type { StatusReport } from '../../src/core/status.js';
import { formatTarget, type Target } from '../../src/core/topology.js';
import { StateStore } from '../../src/engine/state.js';
import { ReplayHost, type Recording } from '../../src/host/replay.js';
import { RECORDED_NONCE, type StatusFixture } from '../../scripts/record-status.js';
import { ROOT } from './fixtures.js';

/** The status reads recorded by scripts/record-status.ts in user-mode Linux. */
export const STATUS_DIR = join(ROOT, 'test', 'fixtures', 'status');

export const loadStatus = (name: string): StatusFixture => JSON.parse(readFileSync(join(STATUS_DIR, `${name}.json`), 'utf8')) as StatusFixture;

/** The host of one target, answering the one read status made of it. */
export const statusReplayHost = (fx: StatusFixture, target: string): ReplayHost =>
  new ReplayHost({ recorded: { description: '', kernel: fx.recorded.kernel, at: fx.recorded.at, by: fx.recorded.by, options: { labels: [] } }, ...fx.reads[target]! } as Recording, target);

/** Replays a fixture through the real status command: its records in a state dir, its reads through ReplayHosts. */
export async function replayStatus(fx: StatusFixture): Promise<{ report: StatusReport; unrecorded: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'mplsgre-status-'));
  try {
    const file = join(dir, 'topology.yaml');
    await writeFile(file, fx.topology);
    const store = new StateStore(join(dir, 'state'));
    for (const r of Object.values(fx.records)) await store.save(r);
    const hosts: ReplayHost[] = [];
    const hostFor = async (t: Target): Promise<ReplayHost> => {
      const h = statusReplayHost(fx, formatTarget(t));
      hosts.push(h);
      return h;
    };
    const report = await statusCommand({ file, stateDir: store.dir, hostFor, nonce: RECORDED_NONCE });
    return { report: { ...report, file: fx.report.file }, unrecorded: hosts.flatMap((h) => h.unrecorded) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
