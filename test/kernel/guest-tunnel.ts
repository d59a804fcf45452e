import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseTopology } from '../../src/core/topology.js';
import { createLabNetwork } from '../../src/engine/underlay.js';
import { execLocal } from '../../src/host/spawn.js';

export interface CliRun {
  readonly name: string;
  readonly code: number | null;
  readonly json: unknown;
  readonly stderr: string;
}

export type Snapshot = Record<string, unknown>;

/** The seed setup with both hosts `local`: each test points them at its own targets. */
export const SEED = `tunnel: { name: foo4, overlay: 10.199.0.0/24 }
hosts:
  A: { target: local, underlay: 10.128.0.2, overlay: 10.199.0.1, label: 100 }
  B: { target: local, underlay: 10.128.100.2, overlay: 10.199.0.2, label: 101 }
`;

/** What a host looks like, as `ip -j` and /proc/sys tell: compared before and after. */
export async function snapshot(ns: string): Promise<Snapshot> {
  const ip = async (...args: string[]): Promise<unknown> => {
    const r = await execLocal('ip', ['-n', ns, '-j', ...args], { timeoutMs: 10_000 });
    return r.failed ? { error: r.stderr.trim() } : JSON.parse(r.stdout || 'null');
  };
  const sysctl = async (key: string): Promise<string> => {
    const r = await execLocal('ip', ['netns', 'exec', ns, 'cat', `/proc/sys/${key.replace(/\./g, '/')}`], { timeoutMs: 10_000 });
    return r.failed ? 'absent' : r.stdout.trim();
  };
  // Settings only: the qdisc the kernel attaches when lo first comes up, IPv6 duplicate address
  // detection's "tentative" flag and the link-local address it assigns change with time, not
  // with configuration.
  type Link = { ifname: string; flags: string[]; mtu: number; operstate: string; addr_info?: { local: string; prefixlen: number }[] };
  const links = (await ip('address', 'show')) as Link[] | { error: string };
  return {
    link: Array.isArray(links)
      ? links.map((l) => ({ ifname: l.ifname, flags: l.flags, mtu: l.mtu, operstate: l.operstate, addresses: (l.addr_info ?? []).filter((a) => !a.local.startsWith('fe80:')).map((a) => `${a.local}/${a.prefixlen}`).sort() }))
      : links,
    route: await ip('route', 'show'),
    mpls: await ip('-f', 'mpls', 'route', 'show'),
    platform_labels: await sysctl('net.mpls.platform_labels'),
    rp_all: await sysctl('net.ipv4.conf.all.rp_filter'),
    rp_lo: await sysctl('net.ipv4.conf.lo.rp_filter'),
  };
}

/** IPv6 configures lo (::1) asynchronously after it comes up: wait for that before a snapshot. */
export async function settled(ns: string): Promise<void> {
  const until = Date.now() + 3_000;
  while (Date.now() < until) {
    const r = await execLocal('ip', ['-n', ns, '-6', 'address', 'show', 'dev', 'lo'], { timeoutMs: 5_000 });
    if (r.stdout.includes('::1/128')) return;
    await new Promise((res) => setTimeout(res, 20));
  }
}

/**
 * Runs inside user-mode Linux: the real CLI against two namespaces, through the seed topology's
 * life: up, up again, verify, a broken path, down; then a fresh pair where a step fails.
 */
export async function tunnelScenarios(input: { root: string }): Promise<{ runs: CliRun[]; snapshots: Record<string, Snapshot> }> {
  const runs: CliRun[] = [];
  const snapshots: Record<string, Snapshot> = {};
  const dir = await mkdtemp(join(tmpdir(), 'mplsgre-kt-'));
  const env = { MPLSGRE_STATE_DIR: join(dir, 'state') };
  const cli = async (name: string, ...args: string[]): Promise<CliRun> => {
    const r = await execLocal(process.execPath, [join(input.root, 'bin', 'mplsgre.js'), ...args, '--json'], { timeoutMs: 60_000, env });
    let json: unknown = null;
    try {
      json = JSON.parse(r.stdout);
    } catch {
      json = { unparsable: r.stdout };
    }
    const run = { name, code: r.exitCode, json, stderr: r.stderr };
    runs.push(run);
    return run;
  };
  const bash = (argv: string[]): Promise<unknown> => execLocal(argv[0]!, argv.slice(1), { timeoutMs: 10_000 });

  // Debian's 6.1 builds IPv6 as a module that ip_gre pulls in and nothing unloads; real hosts
  // have it from boot. Load it first so the snapshots compare like with like.
  await bash(['modprobe', 'ipv6']);
  // 1. the seed's life on one pair
  const net = await createLabNetwork(parseTopology(SEED));
  const [nsA, nsB] = [...net.namespaces.values()] as [string, string];
  const file = join(dir, 'seed.yaml');
  await writeFile(file, SEED.replace(/target: local/, `target: netns:${nsA}`).replace(/target: local/, `target: netns:${nsB}`));
  await bash(['ip', 'netns', 'exec', nsA, 'sysctl', '-qw', 'net.ipv4.conf.all.rp_filter=1']);
  await Promise.all([settled(nsA), settled(nsB)]);
  snapshots.beforeA = await snapshot(nsA);
  snapshots.beforeB = await snapshot(nsB);
  await cli('plan', 'plan', file);
  // Before up: verify names what is missing; a dry run says what up would change, and changes nothing.
  await cli('verify-before-up', 'verify', file, '--count', '3');
  await cli('dry-run-fresh', 'up', file, '--dry-run');
  snapshots.dryFreshA = await snapshot(nsA);
  snapshots.dryFreshB = await snapshot(nsB);
  snapshots.stateAfterDryRun = { files: (await execLocal('ls', ['-A', env.MPLSGRE_STATE_DIR], { timeoutMs: 5_000 })).stdout.trim() };
  await cli('up', 'up', file);
  snapshots.upA = await snapshot(nsA);
  snapshots.upB = await snapshot(nsB);
  await cli('dry-run-after-up', 'up', file, '--dry-run');
  snapshots.dryUpA = await snapshot(nsA);
  snapshots.dryUpB = await snapshot(nsB);
  await cli('up-again', 'up', file);
  await cli('verify', 'verify', file, '--count', '10');
  // Break one thing at a time, ask verify, put it back exactly.
  const [vethA, vethB] = net.veth;
  const breakages: [string, string[][], string[][], string[]][] = [
    ['rp-strict', [['ip', 'netns', 'exec', nsB, 'sysctl', '-qw', 'net.ipv4.conf.all.rp_filter=1']], [['ip', 'netns', 'exec', nsB, 'sysctl', '-qw', 'net.ipv4.conf.all.rp_filter=2']], ['--no-mtu']],
    ['input-off', [['ip', 'netns', 'exec', nsB, 'sysctl', '-qw', 'net.mpls.conf.foo4.input=0']], [['ip', 'netns', 'exec', nsB, 'sysctl', '-qw', 'net.mpls.conf.foo4.input=1']], ['--no-mtu']],
    ['pops-other-label', [['ip', '-n', nsB, '-f', 'mpls', 'route', 'del', '100', 'dev', 'lo'], ['ip', '-n', nsB, '-f', 'mpls', 'route', 'add', '999', 'dev', 'lo']],
      [['ip', '-n', nsB, '-f', 'mpls', 'route', 'del', '999', 'dev', 'lo'], ['ip', '-n', nsB, '-f', 'mpls', 'route', 'add', '100', 'dev', 'lo']], ['--no-mtu']],
    ['small-underlay-mtu', [['ip', '-n', nsB, 'link', 'set', 'dev', vethB, 'mtu', '1200']], [['ip', '-n', nsB, 'link', 'set', 'dev', vethB, 'mtu', '1500']], []],
    // The same, without the MTU probe: the bulk TCP transfer alone must name it.
    ['small-underlay-mtu-tcp', [['ip', '-n', nsB, 'link', 'set', 'dev', vethB, 'mtu', '1200']], [['ip', '-n', nsB, 'link', 'set', 'dev', vethB, 'mtu', '1500']], ['--no-mtu']],
    ['wrong-remote', [['ip', '-n', nsA, 'tunnel', 'change', 'foo4', 'mode', 'gre', 'remote', '10.128.100.3', 'local', '10.128.0.2']],
      [['ip', '-n', nsA, 'tunnel', 'change', 'foo4', 'mode', 'gre', 'remote', '10.128.100.2', 'local', '10.128.0.2']], ['--no-mtu']],
    // The kernel drops the routes through a link set down: mending puts the overlay route back.
    ['tunnel-down', [['ip', '-n', nsA, 'link', 'set', 'foo4', 'down']],
      [['ip', '-n', nsA, 'link', 'set', 'foo4', 'up'], ['ip', '-n', nsA, 'route', 'replace', '10.199.0.0/24', 'encap', 'mpls', '100', 'dev', 'foo4']], []],
  ];
  void vethA;
  for (const [name, breakIt, mendIt, extra] of breakages) {
    for (const argv of breakIt) await bash(argv);
    await cli(`verify-${name}`, 'verify', file, '--count', '3', ...extra);
    for (const argv of mendIt) await bash(argv);
  }
  await cli('verify-mended', 'verify', file, '--count', '3', '--no-mtu');
  await cli('down', 'down', file);
  snapshots.afterA = await snapshot(nsA);
  snapshots.afterB = await snapshot(nsB);
  await net.destroy();

  // 2. a step that fails on B: label 100 already routed elsewhere
  // down unloaded the modules up loaded: load them again, as an operator would have.
  await bash(['modprobe', '-a', 'mpls_router', 'mpls_iptunnel']);
  const net2 = await createLabNetwork(parseTopology(SEED));
  const [n2A, n2B] = [...net2.namespaces.values()] as [string, string];
  const file2 = join(dir, 'fail.yaml');
  await writeFile(file2, SEED.replace(/target: local/, `target: netns:${n2A}`).replace(/target: local/, `target: netns:${n2B}`));
  await bash(['ip', 'netns', 'exec', n2B, 'sysctl', '-qw', 'net.mpls.platform_labels=1000']);
  await bash(['ip', '-n', n2B, '-f', 'mpls', 'route', 'add', '100', 'via', 'inet', '10.128.0.2', 'dev', net2.veth[1]]);
  await Promise.all([settled(n2A), settled(n2B)]);
  snapshots.failBeforeA = await snapshot(n2A);
  snapshots.failBeforeB = await snapshot(n2B);
  await cli('up-fails', 'up', file2);
  snapshots.failAfterA = await snapshot(n2A);
  snapshots.failAfterB = await snapshot(n2B);
  await net2.destroy();
  await rm(dir, { recursive: true, force: true });
  const left = await execLocal('ip', ['netns', 'list']);
  snapshots.netnsLeft = { list: left.stdout.trim() };
  return { runs, snapshots };
}
