import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseTopology } from '../../src/core/topology.js';
import { createLabNetwork } from '../../src/engine/underlay.js';
import { execLocal } from '../../src/host/spawn.js';
import type { CliRun } from './guest-tunnel.js';

/** examples/classes.yaml on local targets: the seed with a voice class each way. */
export const CLASSES_TOPOLOGY = `tunnel: { name: foo4, overlay: 10.199.0.0/24 }
hosts:
  A: { target: local, underlay: 10.128.0.2, overlay: 10.199.0.1, label: 100, classes: [ { name: voice, dscp: 46, label: 200 } ] }
  B: { target: local, underlay: 10.128.100.2, overlay: 10.199.0.2, label: 101, classes: [ { name: voice, dscp: 46, label: 201 } ] }
`;

/**
 * Runs inside user-mode Linux, one boot: up of a topology with classes in two namespaces, the
 * real CLI's `status` (in effect), `check --classes` in A, then A's policy rule and B's pop of
 * A's class label deleted behind mplsgre's back and `status` again, then down.
 */
export async function classesStatusScenario(input: { root: string }): Promise<{ runs: CliRun[]; text: string; netnsLeft: string }> {
  const runs: CliRun[] = [];
  const dir = await mkdtemp(join(tmpdir(), 'mplsgre-kcs-'));
  const env = { MPLSGRE_STATE_DIR: join(dir, 'state') };
  const cli = async (name: string, ...args: string[]): Promise<void> => {
    const r = await execLocal(process.execPath, [join(input.root, 'bin', 'mplsgre.js'), ...args, '--json'], { timeoutMs: 300_000, env });
    let json: unknown = null;
    try {
      json = JSON.parse(r.stdout);
    } catch {
      json = { unparsable: r.stdout };
    }
    runs.push({ name, code: r.exitCode, json, stderr: r.stderr });
  };
  const sh = async (argv: string[]): Promise<void> => {
    const r = await execLocal(argv[0]!, argv.slice(1), { timeoutMs: 20_000 });
    if (r.failed) throw new Error(`${argv.join(' ')}: ${r.stderr.trim() || r.spawnError || r.exitCode}`);
  };
  let text = '';
  await sh(['modprobe', 'ipv6']);
  const net = await createLabNetwork(parseTopology(CLASSES_TOPOLOGY));
  const [nsA, nsB] = [...net.namespaces.values()] as [string, string];
  const file = join(dir, 'classes.yaml');
  try {
    await writeFile(file, CLASSES_TOPOLOGY.replace(/target: local/, `target: netns:${nsA}`).replace(/target: local/, `target: netns:${nsB}`));
    await cli('up', 'up', file);
    const up = runs.at(-1)!;
    if (up.code !== 0) throw new Error(`up exited ${up.code}: ${up.stderr.slice(-1500)} ${JSON.stringify(up.json).slice(0, 1500)}`);
    await cli('status', 'status', file);
    await cli('check', 'check', '--classes', '--netns', nsA);
    await sh(['ip', '-n', nsA, 'rule', 'del', 'fwmark', '200', 'lookup', '200']);
    await sh(['ip', '-n', nsB, '-f', 'mpls', 'route', 'del', '200']);
    await cli('status-drift', 'status', file);
    const r = await execLocal(process.execPath, [join(input.root, 'bin', 'mplsgre.js'), 'status', file], { timeoutMs: 300_000, env });
    text = r.stdout;
    await cli('down', 'down', file);
  } finally {
    await net.destroy();
    await rm(dir, { recursive: true, force: true });
  }
  const left = await execLocal('ip', ['netns', 'list'], { timeoutMs: 10_000 });
  return { runs, text, netnsLeft: left.stdout.trim() };
}
