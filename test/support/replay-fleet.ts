/**
 * Fleets of any size without sshd: host i replays facts recorded from a real kernel
 * (test/fixtures/facts, in name order, round robin), through fleetCommand's Connector seam.
 * Every `unreachableEvery`-th host (1-based) cannot be reached.
 */
import type { Connector, InventoryEntry } from '../../src/commands/fleet.js';
import { parseTarget, formatTarget } from '../../src/core/target.js';
import { ReplayHost, type Recording } from '../../src/host/replay.js';
import { factNames, loadFacts } from './fixtures.js';

export interface ReplayFleet {
  readonly entries: InventoryEntry[];
  readonly connect: Connector;
  /** The fact fixture each target replays (undefined: unreachable). */
  readonly factsOf: ReadonlyMap<string, string | undefined>;
}

export const UNREACHABLE_ERROR = 'unreachable by construction (replay fleet)';

export function replayFleet(n: number, opts: { unreachableEvery?: number; names?: readonly string[] } = {}): ReplayFleet {
  const names = opts.names ?? factNames();
  const recordings = new Map<string, Recording>(names.map((name) => [name, loadFacts(name)]));
  const factsOf = new Map<string, string | undefined>();
  const entries = Array.from({ length: n }, (_, i): InventoryEntry => {
    const name = names[i % names.length]!;
    const lost = opts.unreachableEvery !== undefined && (i + 1) % opts.unreachableEvery === 0;
    const target = parseTarget(`ssh:root@h${i}.${lost ? 'lost' : name}.test`, 'replay fleet');
    factsOf.set(formatTarget(target), lost ? undefined : name);
    const o = recordings.get(name)!.recorded.options;
    return { target, where: `line ${i + 1}`, labels: o.labels, ...(o.iface ? { iface: o.iface } : {}) };
  });
  const connect: Connector = (entry) => {
    const target = formatTarget(entry.target);
    const name = factsOf.get(target);
    return {
      open: async () => (name === undefined ? { error: UNREACHABLE_ERROR } : { host: new ReplayHost(recordings.get(name)!, target) }),
      close: async () => {},
    };
  };
  return { entries, connect, factsOf };
}
