import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseTopology } from '../../src/core/topology.js';
import { createLabNetwork } from '../../src/engine/underlay.js';
import { execLocal } from '../../src/host/spawn.js';
import { SEED, type CliRun } from './guest-tunnel.js';

export interface TextRun {
  readonly code: number | null;
  readonly stdout: string;
}

/**
 * Runs inside user-mode Linux: the real CLI's `status` through the seed's life in two namespaces:
 * after up, after drift made behind mplsgre's back (a label route deleted on A, MPLS input reset
 * on B), mended, with B's tunnel deleted, after down (no record), with the namespaces gone.
 */
export async function statusScenarios(input: { root: string }): Promise<{ runs: CliRun[]; texts: Record<string, TextRun>; netnsLeft: string }> {
  const runs: CliRun[] = [];
  const texts: Record<string, TextRun> = {};
  const dir = await mkdtemp(join(tmpdir(), 'mplsgre-ks-'));
  const env = { MPLSGRE_STATE_DIR: join(dir, 'state') };
  const node = (args: string[]): ReturnType<typeof execLocal> => execLocal(process.execPath, [join(input.root, 'bin', 'mplsgre.js'), ...args], { timeoutMs: 300_000, env });
  const cli = async (name: string, ...args: string[]): Promise<void> => {
    const r = await node([...args, '--json']);
    let json: unknown = null;
    try {
      json = JSON.parse(r.stdout);
    } catch {
      json = { unparsable: r.stdout };
    }
    runs.push({ name, code: r.exitCode, json, stderr: r.stderr });
  };
  const text = async (name: string, ...args: string[]): Promise<void> => {
    const r = await node(args);
    texts[name] = { code: r.exitCode, stdout: r.stdout };
  };
  const sh = async (argv: string[]): Promise<void> => {
    const r = await execLocal(argv[0]!, argv.slice(1), { timeoutMs: 20_000 });
    if (r.failed) throw new Error(`${argv.join(' ')}: ${r.stderr.trim() || r.spawnError || r.exitCode}`);
  };

  await sh(['modprobe', 'ipv6']);
  const net = await createLabNetwork(parseTopology(SEED));
  const [nsA, nsB] = [...net.namespaces.values()] as [string, string];
  const file = join(dir, 'seed.yaml');
  try {
    await writeFile(file, SEED.replace(/target: local/, `target: netns:${nsA}`).replace(/target: local/, `target: netns:${nsB}`));
    await cli('up', 'up', file);
    const up = runs.at(-1)!;
    if (up.code !== 0) throw new Error(`up exited ${up.code}: ${up.stderr.slice(-1500)} ${JSON.stringify(up.json).slice(0, 1500)}`);
    await cli('status', 'status', file);
    await text('in-effect', 'status', file);
    await sh(['ip', '-n', nsA, '-f', 'mpls', 'route', 'del', '101']);
    await sh(['ip', 'netns', 'exec', nsB, 'sysctl', '-qw', 'net.mpls.conf.foo4.input=0']);
    await cli('status-drift', 'status', file);
    await text('drift', 'status', file);
    const prom = join(dir, 'status.prom');
    await text('prom', 'status', file, '--format', 'prom', '--out', prom);
    texts.prom = { code: texts.prom!.code, stdout: await readFile(prom, 'utf8').catch((e: Error) => `unreadable: ${e.message}`) };
    await sh(['ip', '-n', nsA, '-f', 'mpls', 'route', 'add', '101', 'dev', 'lo']);
    await sh(['ip', 'netns', 'exec', nsB, 'sysctl', '-qw', 'net.mpls.conf.foo4.input=1']);
    await cli('status-mended', 'status', file);
    await sh(['ip', '-n', nsB, 'link', 'del', 'foo4']);
    await cli('status-tunnel-gone', 'status', file);
    await cli('down', 'down', file);
    await cli('status-no-record', 'status', file);
    await text('no-record', 'status', file);
  } finally {
    await net.destroy();
  }
  await cli('status-no-netns', 'status', file);
  await rm(dir, { recursive: true, force: true });
  const left = await execLocal('ip', ['netns', 'list'], { timeoutMs: 10_000 });
  return { runs, texts, netnsLeft: left.stdout.trim() };
}
