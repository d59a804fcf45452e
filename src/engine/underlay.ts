import { randomBytes } from 'node:crypto';
import { EnvironmentError } from '../core/errors.js';
import type { Topology } from '../core/topology.js';
import { execLocal } from '../host/spawn.js';

/** Two namespaces joined by a veth pair carrying the underlay addresses: a lab's two "hosts". */
export interface LabNetwork {
  readonly id: string;
  /** Topology host name -> namespace name. */
  readonly namespaces: ReadonlyMap<string, string>;
  readonly veth: readonly [string, string];
  /** The topology with its targets pointed at this run's namespaces. */
  readonly topology: Topology;
  destroy(): Promise<string[]>;
}

async function ip(...args: string[]): Promise<void> {
  const r = await execLocal('ip', args, { timeoutMs: 10_000 });
  if (r.failed) throw new EnvironmentError(`ip ${args.join(' ')}: ${r.stderr.trim() || r.spawnError || r.exitCode}`);
}

/**
 * Creates namespaces and the veth underlay with names unique to this run. On any failure what
 * was created is removed before the error propagates. `destroy` removes everything it created.
 */
export async function createLabNetwork(topo: Topology): Promise<LabNetwork> {
  const id = randomBytes(3).toString('hex');
  const [a, b] = topo.hosts;
  const ns = new Map([[a.name, `mplsgre-${id}-${a.name}`], [b.name, `mplsgre-${id}-${b.name}`]]);
  const veth: [string, string] = [`mg${id}a`, `mg${id}b`];
  const created: string[] = [];
  const destroy = async (): Promise<string[]> => {
    const left: string[] = [];
    for (const name of [...created].reverse()) {
      const r = await execLocal('ip', ['netns', 'delete', name], { timeoutMs: 10_000 });
      if (r.failed && !/No such file/.test(r.stderr)) left.push(`${name}: ${r.stderr.trim()}`);
    }
    return left;
  };
  try {
    for (const name of ns.values()) {
      await ip('netns', 'add', name);
      created.push(name);
    }
    const nsA = ns.get(a.name)!;
    const nsB = ns.get(b.name)!;
    await ip('link', 'add', veth[0], 'netns', nsA, 'type', 'veth', 'peer', 'name', veth[1], 'netns', nsB);
    // A host has lo up; a fresh namespace does not.
    for (const n of [nsA, nsB]) await ip('-n', n, 'link', 'set', 'dev', 'lo', 'up');
    const plen = a.underlay.includes(':') ? '128' : '32';
    for (const [n, dev, self, peer] of [[nsA, veth[0], a.underlay, b.underlay], [nsB, veth[1], b.underlay, a.underlay]] as const) {
      await ip('-n', n, 'address', 'add', `${self}/${plen}`, 'dev', dev, ...(plen === '128' ? ['nodad'] : []));
      await ip('-n', n, 'link', 'set', 'dev', dev, 'up');
      await ip('-n', n, 'route', 'add', `${peer}/${plen}`, 'dev', dev);
    }
  } catch (err) {
    await destroy();
    throw err;
  }
  const topology: Topology = {
    ...topo,
    hosts: [
      { ...a, target: { kind: 'netns', name: ns.get(a.name)! } },
      { ...b, target: { kind: 'netns', name: ns.get(b.name)! } },
    ],
  };
  return { id, namespaces: ns, veth, topology, destroy };
}
