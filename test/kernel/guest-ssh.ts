import { existsSync } from 'node:fs';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseTopology } from '../../src/core/topology.js';
import { checkCommand } from '../../src/commands/check.js';
import { createLabNetwork } from '../../src/engine/underlay.js';
import { NetnsHost } from '../../src/host/netns.js';
import { SshHost } from '../../src/host/ssh.js';
import type { Background } from '../../src/host/host.js';
import { execLocal } from '../../src/host/spawn.js';
import { startSshd, writeSshKeys } from '../support/sshd.js';
import { settled, snapshot, type CliRun, type Snapshot, SEED } from './guest-tunnel.js';

export interface TimedRun extends CliRun {
  readonly ms: number;
}

export interface SshScenario {
  readonly runs: TimedRun[];
  readonly snapshots: Record<string, Snapshot>;
  /** Facts read between the runs: state records, processes left, pty support. */
  readonly facts: Record<string, unknown>;
  readonly targets: { A: string; B: string };
}

/** The default state directory: the record of an ssh target is written there by the remote. */
const STATE_DIR = '/run/mplsgre';
const stateFile = (target: string): string => join(STATE_DIR, `foo4@${target.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);

async function must(argv: string[]): Promise<string> {
  const r = await execLocal(argv[0]!, argv.slice(1), { timeoutMs: 15_000 });
  if (r.failed) throw new Error(`${argv.join(' ')}: ${r.spawnError ?? r.stderr.trim()}`);
  return r.stdout;
}

/**
 * Gives a command (sshd, and every session it starts) a private tmpfs on $1: what a remote writes
 * there is on that "host" only, as on a real remote machine. Fixed; the path arrives as $1.
 */
const PRIVATE_DIR_SCRIPT = 'mkdir -p "$1" && mount -t tmpfs -o mode=0755 tmpfs "$1" && shift && exec "$@"';

/** Processes by exact name, as `pgrep -a` lists them (empty when none). */
async function processes(names: string[]): Promise<string> {
  const out = await Promise.all(names.map(async (n) => (await execLocal('pgrep', ['-a', '-x', n], { timeoutMs: 5_000 })).stdout.trim()));
  return out.filter(Boolean).join('\n');
}

/**
 * Runs inside user-mode Linux: the seed's two hosts as namespaces joined by the underlay veth,
 * each with an sshd reached from the root namespace over its own management veth. The real CLI
 * runs up, verify and down with `target: ssh:root@...`, then the same with netns targets on the
 * same namespaces, timing each command.
 */
export async function sshScenarios(input: { root: string }): Promise<SshScenario> {
  const runs: TimedRun[] = [];
  const snapshots: Record<string, Snapshot> = {};
  const facts: Record<string, unknown> = {};
  // The guest's /run is its own memory: keys, configs and topologies stay in the guest.
  const dir = await mkdtemp('/run/mplsgre-kt-ssh-');
  const sshConfig = join(dir, 'ssh_config');
  const cli = async (name: string, ...args: string[]): Promise<TimedRun> => {
    const started = performance.now();
    const r = await execLocal(process.execPath, [join(input.root, 'bin', 'mplsgre.js'), ...args, '--json'], { timeoutMs: 300_000 });
    const ms = Math.round(performance.now() - started);
    let json: unknown = null;
    try {
      json = JSON.parse(r.stdout);
    } catch {
      json = { unparsable: r.stdout };
    }
    const run = { name, code: r.exitCode, json, stderr: r.stderr, ms };
    runs.push(run);
    return run;
  };

  await execLocal('modprobe', ['ipv6'], { timeoutMs: 10_000 });
  // sshd gives `ssh -tt` a terminal: the guest's /dev has no pseudo-terminals mounted.
  await must(['mkdir', '-p', '/dev/pts']);
  await must(['mount', '-t', 'devpts', '-o', 'ptmxmode=0666,mode=620', 'devpts', '/dev/pts']);
  if (!existsSync('/dev/ptmx')) await must(['ln', '-s', 'pts/ptmx', '/dev/ptmx']);
  const net = await createLabNetwork(parseTopology(SEED));
  const [nsA, nsB] = [...net.namespaces.values()] as [string, string];
  // Management: root namespace 192.0.2.1 <-> A 192.0.2.2, 192.0.2.5 <-> B 192.0.2.6.
  const mgmt: [string, string, string, string][] = [[nsA, 'mgA', '192.0.2.1', '192.0.2.2'], [nsB, 'mgB', '192.0.2.5', '192.0.2.6']];
  for (const [ns, dev, here, there] of mgmt) {
    await must(['ip', 'link', 'add', dev, 'type', 'veth', 'peer', 'name', `${dev}0`, 'netns', ns]);
    await must(['ip', 'address', 'add', `${here}/30`, 'dev', dev]);
    await must(['ip', 'link', 'set', dev, 'up']);
    await must(['ip', '-n', ns, 'address', 'add', `${there}/30`, 'dev', `${dev}0`]);
    await must(['ip', '-n', ns, 'link', 'set', `${dev}0`, 'up']);
  }
  await writeSshKeys(dir);
  const servers: Background[] = [];
  // Each host's sshd sees its own /run/mplsgre, hidden from this (the operator's) namespace.
  const wrap = ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', PRIVATE_DIR_SCRIPT, 'sh', STATE_DIR];
  for (const [ns, , , there] of mgmt) servers.push(await startSshd(dir, ns, there, 22, { wrap }));
  const onRemote = async (target: string, argv: string[]): Promise<string> =>
    (await execLocal('ssh', ['-F', sshConfig, '-o', 'BatchMode=yes', target.slice('ssh:'.length), ...argv], { timeoutMs: 30_000 })).stdout.trim();
  const targets = { A: 'ssh:root@192.0.2.2', B: 'ssh:root@192.0.2.6' };
  const sshFile = join(dir, 'seed-ssh.yaml');
  await writeFile(sshFile, SEED.replace(/target: local/, `target: ${targets.A}`).replace(/target: local/, `target: ${targets.B}`));
  const nsFile = join(dir, 'seed-netns.yaml');
  await writeFile(nsFile, SEED.replace(/target: local/, `target: netns:${nsA}`).replace(/target: local/, `target: netns:${nsB}`));

  // A pty in a namespace, over ssh, as start() gets one.
  const tty = await execLocal('ssh', ['-F', sshConfig, '-tt', '-o', 'BatchMode=yes', 'root@192.0.2.2', 'tty'], { timeoutMs: 20_000 });
  facts.remoteTty = tty.stdout.trim();
  await Promise.all([settled(nsA), settled(nsB)]);
  snapshots.beforeA = await snapshot(nsA);
  snapshots.beforeB = await snapshot(nsB);

  // 0. check over ssh on the fresh host (MPLS modules loadable, not loaded: the batch finds their
  // files through modules.dep) against a check of the same namespace.
  const sshA = new SshHost({ host: '192.0.2.2', user: 'root', configFile: sshConfig });
  const checkOpts = { labels: [100, 101], iface: 'foo4', ignore: [], failOn: 'fail' as const };
  const reach = await sshA.probeReachable();
  const [overSsh, inNs] = await Promise.all([checkCommand({ host: sshA, ...checkOpts }), checkCommand({ host: new NetnsHost(nsA), ...checkOpts })]);
  await sshA.close();
  const verdicts = (r: typeof overSsh): string[][] => r.checks.map((c) => [c.id, c.status, c.summary]);
  facts.freshCheck = { reachable: reach.reachable, ssh: verdicts(overSsh), netns: verdicts(inNs), tools: overSsh.checks.filter((c) => c.id.startsWith('tool.')) };

  // 1. over ssh
  await cli('ssh-up', 'up', sshFile, '--ssh-config', sshConfig);
  snapshots.sshUpA = await snapshot(nsA);
  // The records are on the hosts: read there, absent here.
  facts.stateAfterUp = Object.fromEntries(await Promise.all(Object.values(targets).map(async (t) => {
    const [text, mode] = await Promise.all([onRemote(t, ['cat', stateFile(t)]), onRemote(t, ['stat', '-c', '%a', stateFile(t)])]);
    if (!text) return [t, null] as const;
    const rec = JSON.parse(text) as { target: string; host: string; steps: { outcome: string }[] };
    return [t, { mode, target: rec.target, host: rec.host, changed: rec.steps.filter((x) => x.outcome === 'changed').length }] as const;
  })));
  facts.localStateDuringUp = Object.values(targets).filter((t) => existsSync(stateFile(t)));
  const captureDirs = async (): Promise<string[]> => (await readdir('/tmp')).filter((f) => f.startsWith('mplsgre-verify-'));
  const dirsBefore = await captureDirs();
  await cli('ssh-verify', 'verify', sshFile, '--count', '10', '--ssh-config', sshConfig);
  facts.processesAfterVerify = await processes(['tcpdump', 'ping', 'ssh']);
  facts.captureDirsLeft = (await captureDirs()).filter((d) => !dirsBefore.includes(d));
  await cli('ssh-down', 'down', sshFile, '--ssh-config', sshConfig);
  facts.processesAfterDown = await processes(['tcpdump', 'ping', 'ssh']);
  facts.stateAfterDown = Object.fromEntries(await Promise.all(Object.values(targets).map(async (t) => [t, await onRemote(t, ['ls', '-A', STATE_DIR])] as const)));
  snapshots.sshAfterA = await snapshot(nsA);
  snapshots.sshAfterB = await snapshot(nsB);

  // 2. the same namespaces as netns targets, for the timing comparison
  await cli('netns-up', 'up', nsFile);
  await cli('netns-verify', 'verify', nsFile, '--count', '10');
  await cli('netns-down', 'down', nsFile);
  snapshots.netnsAfterA = await snapshot(nsA);
  snapshots.netnsAfterB = await snapshot(nsB);
  facts.stateLeft = existsSync(STATE_DIR) ? (await execLocal('ls', ['-A', STATE_DIR])).stdout.trim() : '';

  await Promise.all(servers.map((s) => s.stop('SIGTERM')));
  await net.destroy();
  return { runs, snapshots, facts, targets };
}
