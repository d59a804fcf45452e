import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseTopology } from '../../src/core/topology.js';
import { createLabNetwork } from '../../src/engine/underlay.js';
import { execLocal, startLocal } from '../../src/host/spawn.js';
import type { CliRun } from './guest-tunnel.js';
import { differences, hostSnapshot, settled } from './snapshot.js';

/** One burst of pings and what came back. */
export interface Pings { readonly name: string; readonly from: string; readonly tos: number; readonly sent: number; readonly received: number }

export interface ClassesRun {
  readonly runs: CliRun[];
  /** Captures on B's underlay, base64 of the pcap, by name. */
  readonly captures: Record<string, string>;
  readonly pings: Pings[];
  /** Differences between the snapshot before up and after down, per host. */
  readonly leftover: Record<string, string[]>;
  /** What up put in place that the snapshot of the tunnel alone does not show. */
  readonly afterUp: Record<string, Record<string, string>>;
}

/**
 * Runs inside user-mode Linux: examples/classes.yaml (targets pointed at two fresh namespaces)
 * through the real CLI: up, up again, verify; verify with A's class rule deleted, then with B's pop
 * of A's class label deleted (each restored after); pings with DSCP 46 and unmarked both ways under a
 * capture of B's underlay; B's class label route deleted and the pings again; down; the hosts'
 * routes in every table, rules, label routes, mangle rules and tc filters compared before and after.
 */
export async function classesScenario(input: { root: string }): Promise<ClassesRun> {
  const runs: CliRun[] = [];
  const captures: Record<string, string> = {};
  const pings: Pings[] = [];
  const dir = await mkdtemp(join(tmpdir(), 'mplsgre-kc-'));
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
  const sh = async (argv: string[]): Promise<string> => {
    const r = await execLocal(argv[0]!, argv.slice(1), { timeoutMs: 20_000 });
    if (r.failed) throw new Error(`${argv.join(' ')}: ${r.stderr.trim() || r.spawnError || r.exitCode}`);
    return r.stdout;
  };
  await sh(['modprobe', 'ipv6']);
  const example = await readFile(join(input.root, 'examples', 'classes.yaml'), 'utf8');
  // B's class also sets the MPLS traffic-class bits (tc: a clsact qdisc and an act_mpls filter on B's tunnel).
  const local = example.replace('target: netns:A', 'target: local').replace('target: netns:B', 'target: local').replace('label: 201 }', 'label: 201, tc: 5 }');
  if (!local.includes('tc: 5')) throw new Error('examples/classes.yaml: B\'s class not found to give it tc: 5');
  const net = await createLabNetwork(parseTopology(local));
  const ns = { A: net.namespaces.get('A')!, B: net.namespaces.get('B')! };
  const file = join(dir, 'classes.yaml');
  const extra = async (n: string): Promise<Record<string, string>> => {
    const [rules, table, mangle, labels, tcA, tcB, tcTun] = await Promise.all([
      execLocal('ip', ['-n', n, 'rule', 'show'], { timeoutMs: 10_000 }),
      execLocal('ip', ['-n', n, 'route', 'show', 'table', 'all'], { timeoutMs: 10_000 }),
      execLocal('ip', ['netns', 'exec', n, 'iptables-legacy-save', '-t', 'mangle'], { timeoutMs: 10_000 }),
      execLocal('ip', ['-n', n, '-f', 'mpls', 'route', 'show'], { timeoutMs: 10_000 }),
      execLocal('ip', ['netns', 'exec', n, 'tc', 'filter', 'show', 'dev', net.veth[0], 'egress'], { timeoutMs: 10_000 }),
      execLocal('ip', ['netns', 'exec', n, 'tc', 'filter', 'show', 'dev', net.veth[1], 'egress'], { timeoutMs: 10_000 }),
      execLocal('ip', ['netns', 'exec', n, 'tc', 'filter', 'show', 'dev', 'foo4', 'egress'], { timeoutMs: 10_000 }),
    ]);
    // iptables-save stamps its output with the time and packet counters: compare the rules only.
    const rulesOnly = mangle.stdout.split('\n').filter((l) => l.startsWith('-A') || l.startsWith('*')).join('\n');
    return { rules: rules.stdout, table: table.stdout, mangle: rulesOnly, labels: labels.stdout, tc: tcA.stdout + tcB.stdout, tcTunnel: tcTun.stdout };
  };
  const snapshot = async (n: string): Promise<unknown> => ({ ...(await hostSnapshot(n, [], [])), ...(await extra(n)) });
  const burst = async (name: string, from: 'A' | 'B', tos: number): Promise<void> => {
    const to = from === 'A' ? '10.199.0.2' : '10.199.0.1';
    const r = await execLocal('ip', ['netns', 'exec', ns[from], 'ping', '-n', '-q', '-c', '2', '-i', '0.2', '-W', '1', ...(tos ? ['-Q', String(tos)] : []), to], { timeoutMs: 20_000 });
    pings.push({ name, from, tos, sent: 2, received: Number(/(\d+) received/.exec(r.stdout)?.[1] ?? 0) });
  };
  const captured = async (name: string, traffic: () => Promise<void>): Promise<void> => {
    const pcap = join(dir, `${name}.pcap`);
    const bg = startLocal('ip', ['netns', 'exec', ns.B, 'tcpdump', '-i', net.veth[1], '-n', '--immediate-mode', '-U', '-Z', 'root', '-w', pcap, 'ip', 'proto', '47'], { timeoutMs: 60_000 });
    await bg.waitForLine(/listening on/, 10_000);
    try {
      await traffic();
    } finally {
      await bg.stop('SIGINT');
    }
    captures[name] = (await readFile(pcap)).toString('base64');
  };
  const both = async (name: string): Promise<void> => {
    for (const from of ['A', 'B'] as const) for (const tos of [0xb8, 0]) await burst(name, from, tos);
  };
  try {
    await writeFile(file, local.replace('target: local', `target: netns:${ns.A}`).replace('target: local', `target: netns:${ns.B}`));
    for (const n of Object.values(ns)) await settled(n);
    const before = { A: await snapshot(ns.A), B: await snapshot(ns.B) };
    await cli('up', 'up', file);
    await cli('up-again', 'up', file);
    const afterUp = { A: await extra(ns.A), B: await extra(ns.B) };
    await cli('status', 'status', file);
    await cli('check', 'check', '--classes', '--netns', ns.A);
    await cli('verify', 'verify', file, '--count', '3', '--no-tcp', '--no-mtu');
    // A's class broken (its policy rule gone: DSCP 46 still marked, routed by the main table under 100), verified, restored.
    await sh(['ip', '-n', ns.A, 'rule', 'delete', 'fwmark', '200', 'lookup', '200']);
    await cli('verify-no-rule', 'verify', file, '--count', '3', '--no-tcp', '--no-mtu');
    await cli('status-no-rule', 'status', file);
    await sh(['ip', '-n', ns.A, 'rule', 'add', 'fwmark', '200', 'lookup', '200']);
    // A rule before A's class rule sends the class's mark to the main table: shadowed, verified, removed.
    await sh(['ip', '-n', ns.A, 'rule', 'add', 'fwmark', '200', 'lookup', 'main', 'pref', '100']);
    await cli('verify-shadowed', 'verify', file, '--count', '3', '--no-tcp', '--no-mtu');
    await sh(['ip', '-n', ns.A, 'rule', 'delete', 'pref', '100']);
    // B's pop of A's class label gone, verified, restored.
    await sh(['ip', '-n', ns.B, '-f', 'mpls', 'route', 'delete', '200', 'dev', 'lo']);
    await cli('verify-no-pop', 'verify', file, '--count', '3', '--no-tcp', '--no-mtu');
    await cli('status-no-pop', 'status', file);
    await sh(['ip', '-n', ns.B, '-f', 'mpls', 'route', 'add', '200', 'dev', 'lo']);
    await captured('classes', () => both('classes'));
    await sh(['ip', '-n', ns.B, '-f', 'mpls', 'route', 'delete', '200', 'dev', 'lo']);
    await captured('no-pop', () => both('no-pop'));
    await cli('down', 'down', file);
    const after = { A: await snapshot(ns.A), B: await snapshot(ns.B) };
    const leftover = { A: differences(before.A, after.A), B: differences(before.B, after.B) };
    return { runs, captures, pings, leftover, afterUp };
  } finally {
    await net.destroy();
    await rm(dir, { recursive: true, force: true });
  }
}
